/**
 * Recovery on memory:// with LMDB stores: from the persisted offset to the high watermark, events
 * held until their partition is recovered, a store ahead of its changelog, partitions moving
 * between workers.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type App, ChangelogBehindStoreError, type Table } from '../../../../runtime/index.js';
import { getMemoryBroker } from '../../../../runtime/transport/memory/index.js';
import { eventually } from '../../../support/index.js';
import { removeTempDirs, replay, tableApp, tempDir, topicRecords } from './support.js';

after(removeTempDirs);

interface Worker {
  app: App;
  counts: Table<string, number, number>;
  processed: () => number;
}

/** A counting worker: event (key, n) adds n to counts[key]. */
function counter(
  id: string,
  broker: string,
  datadir: string,
  settings: Record<string, unknown> = {},
): Worker {
  const app = tableApp({ id, broker, settings: { datadir, ...settings } });
  const input = app.topic('input', { keyType: 'string', valueType: 'number' });
  const counts = app.table('counts', { keyType: 'string', valueType: 'number', default: () => 0 });
  let processed = 0;
  app.agent(input, { name: 'count' }, async (stream) => {
    for await (const [key, n] of stream.items()) {
      counts.update(key, (v) => v + n);
      processed++;
    }
  });
  return { app, counts, processed: () => processed };
}

async function produce(app: App, from: number, to: number): Promise<void> {
  const input = app.topic('input', { keyType: 'string', valueType: 'number' });
  for (let i = from; i < to; i++) await input.send({ key: `k${i % 50}`, value: i });
}

function total(counts: Table<string, number, number>): number {
  let sum = 0;
  for (const value of counts.values()) sum += value;
  return sum;
}

const sumTo = (n: number) => (n * (n - 1)) / 2;

describe('recovery', () => {
  it('a restart replays only the changelog written since the store persisted its offset', async () => {
    const ids = tableApp();
    const [id, broker] = [ids.id, ids.conf.broker[0]!];
    const dirA = tempDir();
    const a = counter(id, broker, dirA);
    await a.app.start();
    await a.app.whenReady();
    await produce(a.app, 0, 400);
    await eventually('A counted 400 events', () => a.processed() === 400);
    await a.app.stop();
    // Another worker, with its own store, goes on while A is down: 200 more changelog records.
    const b = counter(id, broker, tempDir());
    await b.app.start();
    await b.app.whenReady();
    assert.equal(total(b.counts), sumTo(400), 'B rebuilt the table from the whole changelog');
    const fullReplay = b.app.tables.recoveryStats().reduce((n, r) => n + r.records, 0);
    assert.equal(fullReplay, 400);
    await produce(b.app, 400, 600);
    await eventually('B counted 200 events', () => b.processed() === 200);
    await b.app.stop();
    const again = counter(id, broker, dirA);
    await again.app.start();
    await again.app.whenReady();
    const stats = again.app.tables.recoveryStats();
    assert.equal(
      stats.reduce((n, r) => n + r.records, 0),
      200,
      `only the tail is replayed: ${JSON.stringify(stats)}`,
    );
    assert.equal(total(again.counts), sumTo(600));
    const changelog = `${id}-counts-changelog`;
    for (let p = 0; p < 4; p++) {
      const expected = replay(topicRecords(broker, changelog, p));
      const held = [...again.counts.entries()].filter(([key]) => expected.has(JSON.stringify(key)));
      assert.equal(held.length, expected.size, `partition ${p}: every key of the changelog is in the table`);
      for (const [key, value] of held) assert.equal(String(value), expected.get(JSON.stringify(key)));
    }
    await again.app.stop();
  });

  it("holds a partition's events until its table partition is recovered", async () => {
    // With a streamRecoveryDelay, which the events wait through too.
    const app = tableApp({ settings: { streamRecoveryDelay: 0.05 } });
    const broker = app.conf.broker[0]!;
    const changelog = `${app.appId}-totals-changelog`;
    // 3000 changelog records for key "k" in partition 2 (values 1..3000) before the worker starts.
    const memory = getMemoryBroker(broker);
    memory.createTopics([{ name: changelog, partitions: 4, replicationFactor: 1, compacting: true }]);
    memory.produce(
      Array.from({ length: 3000 }, (_, i) => ({
        topic: changelog,
        partition: 2,
        key: Buffer.from('"k"'),
        value: Buffer.from(String(i + 1)),
      })),
      'test',
    );
    const totals = app.table('totals', {
      keyType: 'string',
      valueType: 'number',
      default: () => 0,
      recoveryBufferSize: 7,
    });
    const input = app.topic('input', { keyType: 'string', valueType: 'number' });
    const seenBeforeUpdate: number[] = [];
    app.agent(input, { name: 'add' }, async (stream) => {
      for await (const [key, n] of stream.items()) {
        seenBeforeUpdate.push(totals.get(key));
        totals.update(key, (v) => v + n);
      }
    });
    await app.start();
    await input.send({ key: 'k', value: 1, partition: 2 });
    await eventually('the event', () => seenBeforeUpdate.length >= 1);
    assert.equal(seenBeforeUpdate[0], 3000, 'the agent saw the recovered value');
    await app.stop();
  });

  it('skips a changelog record whose key LMDB cannot keep, and recovers the rest (issue 17)', async () => {
    const app = tableApp();
    const broker = app.conf.broker[0]!;
    const changelog = `${app.appId}-totals-changelog`;
    const memory = getMemoryBroker(broker);
    memory.createTopics([{ name: changelog, partitions: 4, replicationFactor: 1, compacting: true }]);
    const long = JSON.stringify('k'.repeat(200_000));
    memory.produce(
      [long, '"a"', long, '"b"'].map((key, i) => ({
        topic: changelog,
        partition: 1,
        key: Buffer.from(key),
        value: Buffer.from(String(i + 1)),
      })),
      'test',
    );
    const totals = app.table('totals', { keyType: 'string', valueType: 'number', default: () => 0 });
    const input = app.topic('input', { keyType: 'string', valueType: 'number' });
    app.agent(input, { name: 'add' }, async (stream) => {
      for await (const [key, n] of stream.items()) totals.update(key, (v) => v + n);
    });
    await app.start();
    await app.whenReady();
    assert.deepEqual([...totals.entries()].sort(), [
      ['a', 2],
      ['b', 4],
    ]);
    await app.stop();
  });

  it('a store ahead of its changelog (topic recreated) stops the worker with the fix', async () => {
    const ids = tableApp();
    const [id, broker] = [ids.id, ids.conf.broker[0]!];
    const dir = tempDir();
    const first = counter(id, broker, dir);
    await first.app.start();
    await first.app.whenReady();
    await produce(first.app, 0, 100);
    await eventually('100 events', () => first.processed() === 100);
    await first.app.stop();
    getMemoryBroker(broker).deleteTopics([`${id}-counts-changelog`]);
    const second = counter(id, broker, dir);
    const crashed = new Promise<Error>((resolve) => second.app.onCrash(resolve));
    await second.app.start();
    const error = await crashed;
    assert.ok(error instanceof ChangelogBehindStoreError, String(error));
    assert.match(error.message, /changelog topic was probably recreated/);
    assert.match(error.message, /faustgen reset/);
    await produce(second.app, 100, 110);
    assert.equal(second.processed(), 0, 'no event ran on the stale state');
    await second.app.stop();
    // With the check off, the worker drops the stale partitions and rebuilds from the changelog.
    const third = counter(id, broker, dir, { recoveryConsistencyCheck: false });
    await third.app.start();
    await third.app.whenReady();
    await eventually('the 10 new events', () => third.processed() === 10);
    assert.equal(total(third.counts), sumTo(110) - sumTo(100));
    await third.app.stop();
  });

  it('a worker joining while the first holds uncommitted work: the rebalance commits it first, nothing counts twice', async () => {
    const ids = tableApp();
    const [id, broker] = [ids.id, ids.conf.broker[0]!];
    const rare = { brokerCommitInterval: 600, brokerCommitEvery: 1_000_000 };
    const a = counter(id, broker, tempDir(), rare);
    await a.app.start();
    await a.app.whenReady();
    await produce(a.app, 0, 1000);
    await eventually('A counted everything', () => a.processed() === 1000);
    const group = getMemoryBroker(broker).findGroup(id)!;
    const committed = () => [0, 1, 2, 3].reduce((n, p) => n + (group.committedOffset('input', p) ?? 0), 0);
    assert.equal(committed(), 0, 'nothing committed before the rebalance');
    const b = counter(id, broker, tempDir(), rare);
    await b.app.start();
    await eventually('both workers hold partitions', () =>
      [a, b].every((w) => w.app.assignment().some((tp) => tp.topic === 'input')),
    );
    await b.app.whenReady();
    await b.app.tables.whenRecovered();
    assert.equal(committed(), 1000, 'A committed its work before giving its partitions up');
    await produce(a.app, 1000, 1200);
    await eventually('the new events', () => a.processed() + b.processed() === 1200);
    assert.equal(total(a.counts) + total(b.counts), sumTo(1200), 'each event counted once');
    await a.app.stop();
    await b.app.stop();
  });

  it('when one of two workers stops, the other takes its partitions with their values', async () => {
    const ids = tableApp();
    const [id, broker] = [ids.id, ids.conf.broker[0]!];
    const a = counter(id, broker, tempDir());
    const b = counter(id, broker, tempDir());
    await a.app.start();
    await b.app.start();
    await Promise.all([a.app.whenReady(), b.app.whenReady()]);
    await eventually('both workers hold partitions', () =>
      [a, b].every((w) => w.app.assignment().some((tp) => tp.topic === 'input')),
    );
    await produce(a.app, 0, 1000);
    await eventually('1000 events', () => a.processed() + b.processed() === 1000);
    assert.ok(a.processed() > 0 && b.processed() > 0, 'both workers counted');
    // Every offset committed first: the rebalance then redoes nothing (at-least-once would count twice).
    const group = getMemoryBroker(broker).findGroup(id)!;
    const committed = () => [0, 1, 2, 3].reduce((n, p) => n + (group.committedOffset('input', p) ?? 0), 0);
    await eventually('every offset committed', () => committed() === 1000);
    await a.app.stop();
    await eventually(
      'B owns every partition',
      () => b.app.assignment().filter((tp) => tp.topic === 'input').length === 4,
    );
    await b.app.whenReady();
    await b.app.tables.whenRecovered();
    const paths = b.app.tables.recoveryStats().map((r) => `${r.partition}:${r.path}:${r.records}`);
    console.log(`# survivor's recovery: ${paths.join(', ')}`);
    assert.equal(total(b.counts), sumTo(1000), 'the survivor holds every key with its value');
    for (let k = 0; k < 50; k++) {
      let expected = 0;
      for (let i = k; i < 1000; i += 50) expected += i;
      assert.equal(b.counts.get(`k${k}`), expected);
    }
    await b.app.stop();
  });
});
