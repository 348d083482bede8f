/**
 * SIGKILL of one of two workers mid-stream, then a restart, on the real broker: every partition
 * is processed to its end (issue 10, part 3: partitions once stalled for good after an
 * "Offset out of range" reset that committed the symbolic -2). Workers are child processes
 * (test/integration/apps/table-counter.ts) counting keyed events in an LMDB table.
 *
 * Knobs for exploring other shapes (defaults are the bounded run): KILL_RESTART_EVENTS (40,000),
 * KILL_RESTART_SLOW_MS (1 ms per event), KILL_RESTART_AT (kill once 1/AT of the events is committed,
 * 4), KILL_RESTART_DELAY_MS (wait before the restart, 0; 12,000 lets the survivor take all four).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Admin, Kafka } from 'kafkajs';
import { LmdbStore } from '../../runtime/stores/lmdb.js';
import {
  brokerUrl,
  connectAdmin,
  createKafka,
  isKafkaUrl,
  requireBroker,
  uniqueName,
  WorkerProcess,
} from '../support/index.js';

const WORKER = new URL('./apps/table-counter.js', import.meta.url);
const skip = isKafkaUrl(brokerUrl()) ? false : 'kill-restart tests need a real Kafka broker';
const EVENTS = Number(process.env.KILL_RESTART_EVENTS ?? 40_000);
const KEYS = 2_000;
const PARTITIONS = 4;

/** The exact count of key k<j>: the sum of i over i % KEYS == j. */
function exact(key: string): number {
  const j = Number(key.slice(1));
  let sum = 0;
  for (let i = j; i < EVENTS; i += KEYS) sum += i;
  return sum;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SIGKILL and restart with two workers on the real broker', { skip, timeout: 420_000 }, () => {
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

  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'faustgen-kill-it-'));
    dirs.push(dir);
    return dir;
  }

  function start(appId: string, input: string, datadir: string, extra: Record<string, string> = {}) {
    const worker = new WorkerProcess(WORKER, ['worker'], {
      APP_ID: appId,
      IN_TOPIC: input,
      PARTITIONS: String(PARTITIONS),
      DATADIR: datadir,
      FAUSTGEN_BROKER: brokerUrl(),
      ...extra,
    });
    workers.push(worker);
    return worker;
  }

  async function produceEvents(topic: string): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    for (let start = 0; start < EVENTS; start += 2000) {
      const messages = [];
      for (let i = start; i < Math.min(EVENTS, start + 2000); i++) {
        messages.push({ key: `k${i % KEYS}`, value: String(i) });
      }
      await producer.send({ topic, messages, acks: -1 });
    }
    await producer.disconnect();
  }

  /** The group's committed offsets as the broker answers them (-1 when none, -2 as committed). */
  async function committed(groupId: string, topic: string): Promise<Map<number, number>> {
    const answer = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(answer[0]!.partitions.map((p) => [p.partition, Number(p.offset)]));
  }

  async function highs(topic: string): Promise<Map<number, number>> {
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  }

  /** Polls the committed offsets until `done` holds; fails with them (and the workers' logs) after `timeoutMs`. */
  async function untilCommitted(
    groupId: string,
    topic: string,
    done: (offsets: Map<number, number>) => boolean,
    what: string,
    timeoutMs: number,
    logs: () => string = () => '',
  ): Promise<Map<number, number>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const offsets = await committed(groupId, topic);
      if (done(offsets)) return offsets;
      if (Date.now() > deadline) {
        throw new Error(
          `${what}: not reached after ${timeoutMs} ms; committed ${JSON.stringify([...offsets])}\n${logs()}`,
        );
      }
      await sleep(200);
    }
  }

  /** Every record of a topic up to its current high watermarks. */
  async function readAll(
    topic: string,
  ): Promise<{ partition: number; offset: number; key: Buffer | null; value: Buffer | null }[]> {
    const ends = await highs(topic);
    const out: { partition: number; offset: number; key: Buffer | null; value: Buffer | null }[] = [];
    const consumer = kafka.consumer({ groupId: uniqueName('reader') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const reached = new Set<number>();
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const offset = Number(message.offset);
        const end = ends.get(partition) ?? 0;
        if (offset >= end) return;
        out.push({ partition, offset, key: message.key, value: message.value });
        if (offset === end - 1) reached.add(partition);
      },
    });
    const withData = [...ends.values()].filter((h) => h > 0).length;
    const deadline = Date.now() + 60_000;
    while (reached.size < withData) {
      assert.ok(Date.now() < deadline, `read ${out.length} records of ${topic} in 60 s`);
      await sleep(100);
    }
    await consumer.disconnect();
    return out;
  }

  it('kill -9 of one worker mid-stream and a restart: every partition is processed to its end', async () => {
    const appId = uniqueName('kill-restart');
    const input = `${appId}-input`;
    const changelog = `${appId}-counts-changelog`;
    await admin.createTopics({
      topics: [{ topic: input, numPartitions: PARTITIONS, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    const [dirA, dirB] = [tempDir(), tempDir()];
    const slow = { SLOW_MS: process.env.KILL_RESTART_SLOW_MS ?? '1' };
    const a = start(appId, input, dirA, slow);
    const b = start(appId, input, dirB, slow);
    await Promise.all([a.waitFor(/TABLES READY/, 60_000), b.waitFor(/TABLES READY/, 60_000)]);
    await produceEvents(input);
    const ends = await highs(input);
    assert.equal(
      [...ends.values()].reduce((n, h) => n + h, 0),
      EVENTS,
    );

    // Kill a mid-stream: a quarter of the events committed, the rest in flight or not yet read.
    const total = (offsets: Map<number, number>) =>
      [...offsets.values()].reduce((n, o) => n + Math.max(0, o), 0);
    await untilCommitted(
      appId,
      input,
      (o) => total(o) >= EVENTS / Number(process.env.KILL_RESTART_AT ?? 4),
      'a quarter committed',
      120_000,
    );
    a.kill('SIGKILL');
    assert.equal((await a.exited(10_000)).signal, 'SIGKILL');
    const atKill = await committed(appId, input);
    assert.ok(total(atKill) < EVENTS, `everything was committed (${total(atKill)}) before the kill`);

    // Optionally let the survivor take every partition over before the restart takes two back.
    await sleep(Number(process.env.KILL_RESTART_DELAY_MS ?? 0));
    const restarted = start(appId, input, dirA);
    await restarted.waitFor(/TABLES READY/, 60_000);
    const logs = () =>
      `--- restarted worker:\n${restarted.output.slice(-3000)}\n--- survivor:\n${b.output.slice(-3000)}`;
    const end = await untilCommitted(
      appId,
      input,
      (o) => [...ends].every(([p, high]) => o.get(p) === high),
      'every partition committed to its high watermark',
      240_000,
      logs,
    );
    for (const [p, offset] of end) assert.ok(offset >= 0, `partition ${p} committed ${offset}`);
    const resets = `${restarted.output}\n${b.output}`.split('\n').filter((l) => /out of range/i.test(l));
    assert.deepEqual(resets, [], 'no offset was out of range');

    restarted.kill('SIGTERM');
    b.kill('SIGTERM');
    assert.equal((await restarted.exited(15_000)).code, 0);
    assert.equal((await b.exited(15_000)).code, 0);

    // The changelog replays to values >= exact for every key.
    const records = await readAll(changelog);
    const replayed = new Map<number, Map<string, number>>();
    for (const { partition, key, value } of records) {
      const state = replayed.get(partition) ?? new Map<string, number>();
      replayed.set(partition, state);
      const k = JSON.parse(key!.toString()) as string;
      if (value === null) state.delete(k);
      else state.set(k, Number(value.toString()));
    }
    const all = new Map([...replayed.values()].flatMap((state) => [...state]));
    assert.equal(all.size, KEYS, 'every key is in the changelog');
    for (const [key, value] of all) assert.ok(value >= exact(key), `${key}: ${value} < exact ${exact(key)}`);

    // Each partition's final owner holds what its changelog replays to.
    const changelogEnds = await highs(changelog);
    const stores = [dirA, dirB].map(
      (datadir) =>
        new LmdbStore({
          table: 'counts',
          directory: join(datadir, 'v1', 'tables'),
          partitions: 1024,
          readOnly: true,
        }),
    );
    try {
      for (let p = 0; p < PARTITIONS; p++) {
        const owner = stores.find((store) => store.persistedOffset(p) === changelogEnds.get(p)! - 1);
        assert.ok(owner, `no store holds changelog partition ${p} up to ${changelogEnds.get(p)}`);
        const state = new Map<string, number>();
        for (const { key, value } of owner.entries(p)) {
          state.set(JSON.parse(key.toString()) as string, Number(value.toString()));
        }
        assert.deepEqual(state, replayed.get(p) ?? new Map(), `partition ${p}: store = changelog replay`);
      }
    } finally {
      for (const store of stores) await store.close();
    }
    console.log(
      `# killed with committed ${JSON.stringify([...atKill])} of ${JSON.stringify([...ends])}; ` +
        `${records.length} changelog records`,
    );
  });
});
