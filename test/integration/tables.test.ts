/**
 * Tables on the real broker: exact counts, SIGKILL mid-stream with a bounded excess and a
 * tail-only replay, failover between two workers, and recovery over transaction markers. Workers
 * run as child processes (test/integration/apps/table-counter.ts) where a kill matters.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { App } from '../../runtime/index.js';
import { LmdbStore } from '../../runtime/stores/lmdb.js';
import {
  brokerUrl,
  eventually,
  isKafkaUrl,
  uniqueName,
  type WorkerProcess,
  workerFixture,
} from '../support/index.js';

const WORKER = new URL('./apps/table-counter.js', import.meta.url);
const skip = isKafkaUrl(brokerUrl()) ? false : 'table tests need a real Kafka broker';
const EVENTS = 10_000;
const KEYS = 400;
const PARTITIONS = 4;

/** The exact count of key k<j>: the sum of i over i % 400 == j. */
function exact(key: string): number {
  const j = Number(key.slice(1));
  let sum = 0;
  for (let i = j; i < EVENTS; i += KEYS) sum += i;
  return sum;
}

interface InputRecord {
  partition: number;
  offset: number;
  key: string;
  value: number;
}

describe('tables on the real broker', { skip, timeout: 300_000 }, () => {
  const fixture = workerFixture();
  const tempDir = () => fixture.tempDir('faustgen-tables-it-');

  async function createInput(appId: string): Promise<string> {
    const topic = `${appId}-input`;
    await fixture.admin.createTopics({
      topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    return topic;
  }

  /** Event i: key k<i % 400>, value i (JSON), spread by the Java partitioner over the key. */
  async function produceEvents(
    topic: string,
    from = 0,
    to = EVENTS,
    value = (i: number) => i,
  ): Promise<void> {
    const producer = fixture.kafka.producer();
    await producer.connect();
    for (let start = from; start < to; start += 1000) {
      const messages = [];
      for (let i = start; i < Math.min(to, start + 1000); i++) {
        messages.push({ key: `k${i % KEYS}`, value: String(value(i)) });
      }
      await producer.send({ topic, messages, acks: -1 });
    }
    await producer.disconnect();
  }

  /** Every record of a topic, read from the start to the high watermarks at the time of the call. */
  async function readAll(
    topic: string,
  ): Promise<{ partition: number; offset: number; key: Buffer | null; value: Buffer | null }[]> {
    const ends = await fixture.admin.fetchTopicOffsets(topic);
    const want = ends.reduce((n, p) => n + Number(p.high), 0);
    const out: { partition: number; offset: number; key: Buffer | null; value: Buffer | null }[] = [];
    const remaining = new Map(ends.map((p) => [p.partition, Number(p.high)]));
    const consumer = fixture.kafka.consumer({ groupId: uniqueName('reader') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let seenLast = 0;
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const offset = Number(message.offset);
        if (offset >= (remaining.get(partition) ?? 0)) return;
        out.push({ partition, offset, key: message.key, value: message.value });
        if (offset === (remaining.get(partition) ?? 0) - 1) seenLast++;
      },
    });
    const partitionsWithData = ends.filter((p) => Number(p.high) > 0).length;
    // Compaction may have removed records, but never the last one of a partition.
    await eventually(`all of ${topic}`, () => seenLast === partitionsWithData || out.length === want, 60_000);
    await consumer.disconnect();
    return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  }

  function replay(records: { key: Buffer | null; value: Buffer | null }[]): Map<string, number> {
    const state = new Map<string, number>();
    for (const { key, value } of records) {
      const k = JSON.parse(key!.toString()) as string;
      if (value === null) state.delete(k);
      else state.set(k, Number(value.toString()));
    }
    return state;
  }

  async function committed(groupId: string, topic: string): Promise<Map<number, number>> {
    const answer = await fixture.admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(answer[0]!.partitions.map((p) => [p.partition, Math.max(0, Number(p.offset))]));
  }

  async function committedTotal(groupId: string, topic: string): Promise<number> {
    return [...(await committed(groupId, topic)).values()].reduce((n, o) => n + o, 0);
  }

  /** Waits until the group committed `target` offsets of the topic in all. */
  async function waitCommitted(
    groupId: string,
    topic: string,
    target: number,
    timeoutMs = 120_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const total = await committedTotal(groupId, topic);
      if (total >= target) return;
      assert.ok(Date.now() < deadline, `only ${total} of ${target} events committed after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The table as the worker's LMDB store holds it (opened read-only). */
  async function storeState(datadir: string): Promise<{ state: Map<string, number>; persisted: number[] }> {
    const store = new LmdbStore({
      table: 'counts',
      directory: join(datadir, 'v1', 'tables'),
      partitions: 1024,
      readOnly: true,
    });
    const state = new Map<string, number>();
    const persisted: number[] = [];
    for (let p = 0; p < PARTITIONS; p++) {
      persisted.push(store.persistedOffset(p));
      for (const { key, value } of store.entries(p)) {
        state.set(JSON.parse(key.toString()) as string, Number(value.toString()));
      }
    }
    await store.close();
    return { state, persisted };
  }

  function start(
    appId: string,
    input: string,
    datadir: string,
    extra: Record<string, string> = {},
  ): WorkerProcess {
    return fixture.spawn(WORKER, ['worker'], {
      APP_ID: appId,
      IN_TOPIC: input,
      PARTITIONS: String(PARTITIONS),
      DATADIR: datadir,
      FAUSTGEN_BROKER: brokerUrl(),
      ...extra,
    });
  }

  /** The recovery log lines of a worker: partition -> { path, records }. */
  function recoveries(worker: WorkerProcess): { partition: number; path: string; records: number }[] {
    return worker.output
      .split('\n')
      .filter((line) => line.includes('"table":"counts"') && line.includes('recovered'))
      .map((line) => JSON.parse(line) as { partition: number; path: string; records: number });
  }

  it('counts 10,000 events over 4 partitions exactly: the 400 values add up to 49,995,000', async () => {
    const appId = uniqueName('tables-exact');
    const input = await createInput(appId);
    const app = new App(appId, {
      broker: brokerUrl(),
      topicPartitions: PARTITIONS,
      datadir: tempDir(),
      logLevel: 'warn',
      webEnabled: false,
      brokerCommitInterval: 0.2,
    });
    const events = app.topic(input, { keyType: 'string', valueType: 'number' });
    const counts = app.table('counts', { keyType: 'string', valueType: 'number', default: () => 0 });
    let processed = 0;
    app.agent(events, { name: 'count' }, async (stream) => {
      for await (const [key, n] of stream.items()) {
        counts.update(key, (v) => v + n);
        processed++;
      }
    });
    await app.start();
    await app.whenReady();
    await produceEvents(input);
    await eventually(
      '10,000 events',
      () => processed === EVENTS,
      120_000,
      () => `(${processed})`,
    );
    const entries = [...counts.entries()];
    assert.equal(entries.length, KEYS);
    assert.equal(
      entries.reduce((n, [, v]) => n + v, 0),
      49_995_000,
    );
    for (const [key, value] of entries) assert.equal(value, exact(key), key);
    await app.stop();
    const changelog = replay(await readAll(`${appId}-counts-changelog`));
    assert.deepEqual(new Map(entries), changelog, 'the changelog replays to the same table');
  });

  it('SIGKILL mid-stream: values >= exact, excess bounded by uncommitted events, store = changelog, tail-only replay', async () => {
    const appId = uniqueName('tables-kill');
    const input = await createInput(appId);
    const changelog = `${appId}-counts-changelog`;
    const datadir = tempDir();
    const first = start(appId, input, datadir, { SLOW_MS: '1' });
    await first.waitFor(/TABLES READY/, 60_000);
    await produceEvents(input);
    // Kill once a quarter of the events reached the changelog: mid-stream, with work in flight.
    const killAfter = Date.now() + 120_000;
    let written = 0;
    while (written < EVENTS / 4) {
      assert.ok(Date.now() < killAfter, `only ${written} changelog records after 120 s`);
      await new Promise((r) => setTimeout(r, 100));
      written = (await fixture.admin.fetchTopicOffsets(changelog)).reduce((n, p) => n + Number(p.high), 0);
    }
    first.kill('SIGKILL');
    assert.equal((await first.exited(10_000)).signal, 'SIGKILL');
    const committedAtKill = await committed(appId, input);
    const highAtKill = new Map(
      (await fixture.admin.fetchTopicOffsets(changelog)).map((p) => [p.partition, Number(p.high)]),
    );
    const { persisted } = await storeState(datadir);
    const doneAtKill = [...committedAtKill.values()].reduce((n, o) => n + o, 0);
    assert.ok(doneAtKill < EVENTS, `the worker committed everything (${doneAtKill}) before the kill`);

    const second = start(appId, input, datadir);
    await second.waitFor(/TABLES READY/, 60_000);
    await waitCommitted(appId, input, EVENTS);
    second.kill('SIGTERM');
    assert.equal((await second.exited(15_000)).code, 0);

    // The restart replayed exactly the changelog records past each partition's persisted offset.
    const replayed = recoveries(second);
    let tail = 0;
    for (let p = 0; p < PARTITIONS; p++) {
      const line = replayed.find((r) => r.partition === p);
      assert.ok(line, `partition ${p} was recovered: ${second.output.slice(-2000)}`);
      const expected = highAtKill.get(p)! - (persisted[p]! + 1);
      assert.equal(
        line.records,
        expected,
        `partition ${p}: persisted ${persisted[p]}, high ${highAtKill.get(p)}`,
      );
      tail += line.records;
    }
    const writtenAtKill = [...highAtKill.values()].reduce((n, h) => n + h, 0);
    assert.ok(tail < writtenAtKill, `replayed ${tail} of ${writtenAtKill} changelog records`);

    // The store equals a replay of its changelog.
    const { state } = await storeState(datadir);
    const fromChangelog = replay(await readAll(changelog));
    assert.deepEqual(state, fromChangelog, 'the LMDB store equals a replay of the changelog');

    // Every value is at least exact; the excess comes only from events not committed at the kill.
    const inputs: InputRecord[] = (await readAll(input)).map((r) => ({
      partition: r.partition,
      offset: r.offset,
      key: r.key!.toString(),
      value: Number(r.value!.toString()),
    }));
    assert.equal(inputs.length, EVENTS);
    const bound = new Map<string, number>();
    let uncommitted = 0;
    for (const r of inputs) {
      if (r.offset < (committedAtKill.get(r.partition) ?? 0)) continue;
      bound.set(r.key, (bound.get(r.key) ?? 0) + r.value);
      uncommitted++;
    }
    let excess = 0;
    assert.equal(state.size, KEYS);
    for (const [key, value] of state) {
      assert.ok(value >= exact(key), `${key}: ${value} < exact ${exact(key)}`);
      assert.ok(
        value - exact(key) <= (bound.get(key) ?? 0),
        `${key}: excess ${value - exact(key)} beyond the uncommitted events' ${bound.get(key) ?? 0}`,
      );
      excess += value - exact(key);
    }
    console.log(
      `# killed with ${doneAtKill}/${EVENTS} events committed; ${uncommitted} uncommitted events bound the ` +
        `excess; total excess ${excess}; the restart replayed ${tail} of ${writtenAtKill} changelog records ` +
        `(persisted offsets ${persisted.join(', ')})`,
    );
  });

  it('two workers: when one stops, the survivor holds the moved keys with their values', async () => {
    const appId = uniqueName('tables-failover');
    const input = await createInput(appId);
    const [dirA, dirB] = [tempDir(), tempDir()];
    const a = start(appId, input, dirA);
    const b = start(appId, input, dirB);
    await Promise.all([a.waitFor(/TABLES READY/, 60_000), b.waitFor(/TABLES READY/, 60_000)]);
    await produceEvents(input);
    await waitCommitted(appId, input, EVENTS);
    const group = await fixture.admin.describeGroups([appId]);
    assert.equal(group.groups[0]?.members.length, 2, 'both workers are in the group');
    a.kill('SIGTERM');
    assert.equal((await a.exited(15_000)).code, 0);
    // One more event per key, so every moved partition is written by the survivor too.
    await produceEvents(input, 0, KEYS, () => 1);
    await waitCommitted(appId, input, EVENTS + KEYS);
    b.kill('SIGTERM');
    assert.equal((await b.exited(15_000)).code, 0);
    const moved = recoveries(b).filter((r) => r.path !== 'up to date' || r.records > 0);
    const paths = recoveries(b).map((r) => `${r.partition}:${r.path}(${r.records})`);
    console.log(`# survivor's recoveries (partition:path(records)): ${paths.join(', ')}`);
    console.log(
      `# moved partitions came from: ${[...new Set(moved.map((r) => r.path))].join(' and ') || 'no recovery needed'}`,
    );
    const { state } = await storeState(dirB);
    assert.equal(state.size, KEYS, 'the survivor holds every key');
    for (const [key, value] of state) assert.equal(value, exact(key) + 1, key);
  });

  it('recovery reaches the high watermark when the changelog ends in transaction markers', async () => {
    const appId = uniqueName('tables-tx');
    const changelog = `${appId}-counts-changelog`;
    await fixture.admin.createTopics({
      topics: [
        {
          topic: changelog,
          numPartitions: 1,
          replicationFactor: 1,
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
      waitForLeaders: true,
    });
    const producer = fixture.kafka.producer({
      transactionalId: uniqueName('tx'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    for (let round = 0; round < 3; round++) {
      const tx = await producer.transaction();
      await tx.send({
        topic: changelog,
        messages: Array.from({ length: 50 }, (_, i) => ({ key: `"k${i}"`, value: String(round * 100 + i) })),
      });
      await tx.commit();
    }
    const aborted = await producer.transaction();
    await aborted.send({ topic: changelog, messages: [{ key: '"k0"', value: '-1' }] });
    await aborted.abort();
    await producer.disconnect();
    // 150 committed records and their 3 commit markers, 1 aborted record and its abort marker. The
    // broker writes markers after commit()/abort() return, so wait until all of them are in the log.
    const high = 155;
    const deadline = Date.now() + 30_000;
    let seen = Number((await fixture.admin.fetchTopicOffsets(changelog))[0]!.high);
    while (seen < high && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      seen = Number((await fixture.admin.fetchTopicOffsets(changelog))[0]!.high);
    }
    assert.equal(seen, high, 'every transaction marker is in the changelog');

    const app = new App(appId, {
      broker: brokerUrl(),
      topicPartitions: 1,
      datadir: tempDir(),
      logLevel: 'warn',
      webEnabled: false,
    });
    const counts = app.table('counts', { keyType: 'string', valueType: 'number', partitions: 1 });
    const input = app.topic(`${appId}-input`, { keyType: 'string', valueType: 'number', partitions: 1 });
    app.agent(input, { name: 'noop' }, async (stream) => {
      for await (const _ of stream);
    });
    await app.start();
    await app.whenReady();
    const [stats] = app.tables.recoveryStats();
    assert.equal(stats?.highWatermark, high);
    assert.equal(stats?.records, 150, 'the committed records, not the aborted one');
    assert.equal(counts.get('k0'), 200);
    assert.equal(counts.get('k49'), 249);
    await app.stop();
  });
});
