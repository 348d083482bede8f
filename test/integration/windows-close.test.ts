/**
 * Windows that close on time, on the real broker: 1,000 keys click in window [0, 10) and then in
 * [10, 20), then go quiet; only heartbeat events (which write nothing) move event time. The
 * worker's cleanup tick must close each key's windows exactly once, also with a graceful restart
 * of the worker (a child process, test/integration/apps/window-closer.ts) in between, and tombstone
 * the windows that expired. Under both processing guarantees.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Admin, Kafka } from 'kafkajs';
import {
  brokerUrl,
  connectAdmin,
  createKafka,
  eventually,
  isKafkaUrl,
  requireBroker,
  uniqueName,
  WorkerProcess,
} from '../support/index.js';

const WORKER = new URL('./apps/window-closer.js', import.meta.url);
const skip = isKafkaUrl(brokerUrl()) ? false : 'window tests need a real Kafka broker';
const KEYS = 1_000;
const PARTITIONS = 2;

/** `CLOSED <key>@<start>=<count>` lines of a worker's output. */
function closesOf(worker: WorkerProcess): string[] {
  return [...worker.output.matchAll(/^CLOSED (\S+)$/gm)].map((match) => match[1]!);
}

describe('windows close on time on the real broker', { skip, timeout: 300_000 }, () => {
  let admin: Admin;
  let kafka: Kafka;
  const workers: WorkerProcess[] = [];
  const dirs: string[] = [];

  before(async () => {
    await requireBroker();
    admin = await connectAdmin();
    kafka = createKafka();
  });

  after(async () => {
    for (const worker of workers) await worker.ensureStopped();
    await admin?.disconnect();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  function start(appId: string, input: string, datadir: string, guarantee: string): WorkerProcess {
    const worker = new WorkerProcess(WORKER, ['worker'], {
      APP_ID: appId,
      IN_TOPIC: input,
      PARTITIONS: String(PARTITIONS),
      DATADIR: datadir,
      GUARANTEE: guarantee,
      FAUSTGEN_BROKER: brokerUrl(),
    });
    workers.push(worker);
    return worker;
  }

  async function produce(
    topic: string,
    messages: { key: string; value: string; partition?: number; seconds: number }[],
  ): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    try {
      for (let i = 0; i < messages.length; i += 500) {
        await producer.send({
          topic,
          messages: messages.slice(i, i + 500).map(({ key, value, partition, seconds }) => ({
            key,
            value: JSON.stringify(value),
            timestamp: String(seconds * 1000),
            ...(partition !== undefined ? { partition } : {}),
          })),
        });
      }
    } finally {
      await producer.disconnect();
    }
  }

  const heartbeats = (seconds: number) =>
    Array.from({ length: PARTITIONS }, (_, partition) => ({
      key: 'clock',
      value: 'heartbeat',
      partition,
      seconds,
    }));

  /** The keys of the tombstones on a topic, read from the beginning until `expected` arrived. */
  async function tombstones(topic: string, expected: number): Promise<string[]> {
    const consumer = kafka.consumer({ groupId: uniqueName('windows-it-reader') });
    const keys: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (message.value === null) keys.push(message.key!.toString());
        },
      });
      await eventually(`${expected} tombstones on ${topic}`, () => keys.length >= expected, 60_000);
    } finally {
      await consumer.disconnect();
    }
    return keys;
  }

  for (const guarantee of ['at_least_once', 'exactly_once']) {
    it(`${guarantee}: each of ${KEYS} quiet keys closes each window once, across a graceful restart`, async () => {
      const appId = uniqueName('windows-it');
      const input = `${appId}-clicks`;
      await admin.createTopics({
        topics: [{ topic: input, numPartitions: PARTITIONS, replicationFactor: 1 }],
        waitForLeaders: true,
      });
      const datadir = mkdtempSync(join(tmpdir(), 'faustgen-windows-it-'));
      dirs.push(datadir);
      const users = Array.from({ length: KEYS }, (_, i) => `user-${i}`);

      // [0, 10) closes at 15 and expires at 30; [10, 20) closes at 25.
      const first = start(appId, input, datadir, guarantee);
      await first.waitFor(/WINDOWS READY/, 60_000);
      await produce(input, [
        ...users.map((key, i) => ({ key, value: 'click', seconds: 1 + (i % 9) })),
        ...users.map((key) => ({ key, value: 'click', seconds: 12 })),
        ...heartbeats(16),
      ]);
      await eventually(
        `${KEYS} closes of [0, 10)`,
        () => closesOf(first).length >= KEYS,
        60_000,
        () => `(${closesOf(first).length} so far)`,
      );
      first.kill('SIGTERM');
      assert.equal((await first.exited()).code, 0, first.output.slice(-2000));

      const second = start(appId, input, datadir, guarantee);
      await second.waitFor(/WINDOWS READY/, 60_000);
      await produce(input, heartbeats(31));
      await eventually(
        `${KEYS} closes of [10, 20)`,
        () => closesOf(second).filter((close) => close.includes('@10=')).length >= KEYS,
        60_000,
        () => `(${closesOf(second).length} so far)`,
      );
      second.kill('SIGTERM');
      assert.equal((await second.exited()).code, 0, second.output.slice(-2000));

      const all = [...closesOf(first), ...closesOf(second)];
      const expected = users.flatMap((key) => [`${key}@0=1`, `${key}@10=1`]);
      assert.equal(all.length, 2 * KEYS, 'no window closed twice, none missing');
      assert.deepEqual([...all].sort(), [...expected].sort());
      assert.deepEqual(
        closesOf(second).filter((close) => close.includes('@0=')),
        [],
        '[0, 10) did not close again after the restart',
      );

      const expired = await tombstones(`${appId}-counts-changelog`, KEYS);
      assert.equal(new Set(expired).size, KEYS, 'each expired [0, 10) window tombstoned');
      assert.ok(
        expired.every((key) => key.endsWith(',[0.0,9.9]]')),
        'only the expired windows',
      );
    });
  }
});
