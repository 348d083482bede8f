/**
 * Bad input mixed with good on the real broker (exactly_once): invalid JSON, schema violations,
 * empty and huge values, null keys, invalid UTF-8 and binary garbage among good events. No worker
 * crashes, every bad record is in the dead-letter topic with its reason and source offset, and
 * every good event is processed exactly once.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { brokerUrl, isKafkaUrl, requireBroker } from '../support/index.js';
import { FULL, printResult, SoakRun } from './support.js';

const skip = isKafkaUrl(brokerUrl()) ? false : 'the fault suite needs a real Kafka broker';
const GOOD = FULL ? 50_000 : 10_000;
const BAD = FULL ? 5_000 : 2_000;
const HUGE = 20;

/** Bad record i: one of the kinds, with a key that never collides with the good ones' keys. */
function badRecord(i: number): { kind: string; key: Buffer | null; value: Buffer | null } {
  const key = Buffer.from(`bad-${i}`);
  switch (i % 6) {
    case 0:
      return { kind: 'invalid-json', key, value: Buffer.from(`{"seq": ${1e9 + i},`) };
    case 1:
      return { kind: 'schema-violation', key, value: Buffer.from(`{"seq": "not a number ${i}"}`) };
    case 2:
      return { kind: 'empty', key, value: Buffer.alloc(0) };
    case 3:
      return { kind: 'null-key-and-value', key: null, value: null };
    case 4:
      return {
        kind: 'invalid-utf8',
        key,
        value: Buffer.concat([
          Buffer.from(`{"seq": ${1e9 + i}, "x": "`),
          Buffer.from([0xff, 0xfe, 0xc3]),
          Buffer.from('"}'),
        ]),
      };
    default:
      return { kind: 'binary-garbage', key, value: randomBytes(64) };
  }
}

describe('bad input among good events (exactly_once)', { skip, timeout: 420_000 }, () => {
  it('0 crashes, each bad record dead-lettered with its reason, every good event exactly once', async () => {
    await requireBroker();
    const run = new SoakRun('bad-input', 'exactly_once', GOOD);
    try {
      await run.setup();
      run.start(0);
      run.start(1);
      await run.workers.get(0)!.waitFor(/SOAK READY/, 60_000);
      const producer = run.kafka.producer();
      await producer.connect();
      const kinds = new Map<string, number>();
      let bad = 0;
      let good = 0;
      while (good < GOOD || bad < BAD) {
        const messages = [];
        for (let n = 0; n < 100 && good < GOOD; n++, good++) {
          messages.push({ key: `k${good % run.keys}`, value: JSON.stringify({ seq: good }) });
        }
        for (let n = 0; n < 20 && bad < BAD; n++, bad++) {
          const record = badRecord(bad);
          kinds.set(record.kind, (kinds.get(record.kind) ?? 0) + 1);
          messages.push({ key: record.key, value: record.value });
        }
        await producer.send({ topic: run.input, messages, acks: -1 });
      }
      for (let i = 0; i < HUGE; i++) {
        await producer.send({
          topic: run.input,
          messages: [{ key: `huge-${i}`, value: Buffer.alloc(600_000, 0x41) }],
          acks: -1,
        });
      }
      kinds.set('huge-invalid', HUGE);
      await producer.disconnect();
      await run.untilProcessed(240_000);
      const crashed = [...run.workers.values()].filter(
        (w) => w.child.exitCode !== null || /worker crashed/.test(w.output),
      ).length;
      for (const slot of [0, 1]) await run.stop(slot);
      const figures = await run.figures();
      const deadLetters = await run.readCommitted(`${run.appId}-${run.input}-deadletter`);
      const withReason = deadLetters.filter(
        (r) =>
          (r.headers['faustgen-error']?.length ?? 0) > 0 && r.headers['faustgen-source-offset'] !== undefined,
      );
      const sources = new Set(
        deadLetters.map(
          (r) => `${r.headers['faustgen-source-partition']}@${r.headers['faustgen-source-offset']}`,
        ),
      );
      printResult('bad-input guarantee=exactly_once', {
        good: GOOD,
        bad: BAD + HUGE,
        deadLettered: deadLetters.length,
        withReason: withReason.length,
        crashes: crashed,
        lost: figures.lost,
        duplicates: figures.duplicates,
        kinds: [...kinds].map(([k, n]) => `${k}:${n}`).join(','),
      });
      assert.equal(crashed, 0, `workers crashed\n${run.logs()}`);
      assert.equal(deadLetters.length, BAD + HUGE, 'every bad record dead-lettered, once');
      assert.equal(sources.size, BAD + HUGE, 'distinct source offsets');
      assert.equal(withReason.length, BAD + HUGE, 'each with its reason and source offset');
      assert.equal(figures.lost, 0, 'good events lost');
      assert.equal(figures.duplicates, 0, 'good events doubled');
      assert.equal(figures.countsBelow + figures.countsAbove, 0, 'keys whose count is not exact');
    } finally {
      await run.teardown();
    }
  });
});
