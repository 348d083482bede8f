/**
 * processingGuarantee exactly_once on memory:// (the same code path as kafka://, on the in-process
 * broker's transactions): outputs, table changelog records and offsets commit together; a commit
 * that fails (here: the partition's producer is fenced, as by a new owner) is aborted and its
 * events processed again, so the sink holds every event once and every count is exact.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import type { App } from '../../../../runtime/index.js';
import { getMemoryBroker } from '../../../../runtime/transport/memory/index.js';
import { eventually } from '../../../support/index.js';
import { removeTempDirs, tableApp, topicRecords } from '../tables/support.js';

after(removeTempDirs);

const PARTITIONS = 4;

function countingApp(app: App) {
  const events = app.topic('events', { keyType: 'string', valueType: 'json' });
  const sink = app.topic('sink', { keyType: 'string', valueType: 'json' });
  const counts = app.table('counts', { keyType: 'string', valueType: 'number', default: () => 0 });
  app.agent(events, { name: 'count' }, async (stream) => {
    for await (const [key, value] of stream.items()) {
      counts.set(key as string, counts.get(key as string) + 1);
      await sink.send({ key: key as string, value });
    }
  });
  return { events, counts };
}

function sinkSeqs(broker: string): number[] {
  const seqs: number[] = [];
  for (let p = 0; p < PARTITIONS; p++) {
    for (const record of topicRecords(broker, 'sink', p)) seqs.push(JSON.parse(record.value!.toString()).seq);
  }
  return seqs;
}

describe('exactly_once on memory://', () => {
  it('every count exact and every event once in the sink, while commits are fenced and aborted', async () => {
    const broker = `memory://eos-${Date.now()}`;
    const app = tableApp({
      broker,
      settings: { processingGuarantee: 'exactly_once', brokerCommitInterval: 0.02 },
    });
    const { events, counts } = countingApp(app);
    await app.start();
    await app.whenReady();
    const memory = getMemoryBroker(broker);
    const total = 4000;
    const keys = 40;
    let fenced = 0;
    for (let seq = 0; seq < total; seq++) {
      await events.send({ key: `k${seq % keys}`, value: { seq } as never });
      if (seq % 500 === 250) {
        // A new producer with the partitions' transactional ids: the worker's open transactions fail to commit.
        for (let p = 0; p < PARTITIONS; p++) memory.initTransactions(`${app.conf.id}-events-${p}`);
        fenced++;
        await sleep(5);
      }
    }
    const group = () => memory.group(app.conf.id);
    const committed = () =>
      Array.from({ length: PARTITIONS }, (_, p) => group().committedOffset('events', p) ?? 0).reduce(
        (a, b) => a + b,
        0,
      );
    await eventually(
      'every event committed',
      () => committed() === total,
      20_000,
      () => `committed ${committed()}`,
    );
    const seqs = sinkSeqs(broker);
    assert.ok(fenced >= 7);
    assert.equal(seqs.length, total, 'the sink holds each event exactly once');
    assert.equal(new Set(seqs).size, total);
    let sum = 0;
    for (let k = 0; k < keys; k++) {
      assert.equal(counts.get(`k${k}`), total / keys, `count of k${k}`);
      sum += counts.get(`k${k}`);
    }
    assert.equal(sum, total);
    await app.stop();
  });

  it('a table write of an aborted transaction never reaches the store or the changelog', async () => {
    const broker = `memory://eos-abort-${Date.now()}`;
    const app = tableApp({
      broker,
      settings: { processingGuarantee: 'exactly_once', brokerCommitInterval: 0.02 },
    });
    const { events, counts } = countingApp(app);
    await app.start();
    await app.whenReady();
    const memory = getMemoryBroker(broker);
    for (let i = 0; i < 100; i++) await events.send({ key: 'k', value: { seq: i } as never, partition: 0 });
    for (let round = 0; round < 5; round++) {
      memory.initTransactions(`${app.conf.id}-events-0`);
      await sleep(3);
    }
    await eventually(
      'all 100 counted',
      () => counts.get('k') === 100 && (memory.group(app.conf.id).committedOffset('events', 0) ?? 0) === 100,
    );
    const changelog = topicRecords(broker, `${app.conf.id}-counts-changelog`, 0).map((r) =>
      Number(r.value!.toString()),
    );
    assert.deepEqual(
      changelog,
      Array.from({ length: 100 }, (_, i) => i + 1),
      'the changelog counts 1..100 once each',
    );
    await app.stop();
  });

  it('a zombie fenced by a new producer cannot commit, also across a rebalance; its successor goes on from what was committed', async () => {
    const broker = `memory://eos-zombie-${Date.now()}`;
    const id = `eos-zombie-${Date.now()}`;
    // No commit of its own during the test: brokerCommitInterval 30 s, brokerCommitEvery huge.
    const settings = {
      processingGuarantee: 'exactly_once',
      brokerCommitInterval: 30,
      brokerCommitEvery: 1e9,
    } as const;
    const zombie = tableApp({ id, broker, settings });
    const { events, counts } = countingApp(zombie);
    await zombie.start();
    await zombie.whenReady();
    for (let seq = 0; seq < 100; seq++)
      await events.send({ key: 'k', value: { seq } as never, partition: 0 });
    await eventually('the zombie processed all 100 (uncommitted)', () => counts.get('k') === 100);
    // Another owner of events[0]: it fences the zombie, then commits output and offset 60.
    const memory = getMemoryBroker(broker);
    const transactionalId = `${id}-events-0`;
    const epoch = memory.initTransactions(transactionalId);
    memory.commitTransaction(
      transactionalId,
      epoch,
      [{ topic: 'sink', partition: 0, key: null, value: Buffer.from('{"seq":-1}'), headers: {} }],
      new Map([[id, [{ topic: 'events', partition: 0, offset: 60 }]]]),
    );
    // A second worker joins: the zombie's commit at the revocation is refused; the group goes on.
    const successor = tableApp({ id, broker, settings: { ...settings, brokerCommitInterval: 0.02 } });
    countingApp(successor);
    await successor.start();
    await successor.whenReady();
    await zombie.stop();
    await eventually(
      'events[0] committed to its end',
      () => memory.group(id).committedOffset('events', 0) === 100,
    );
    const seqs = sinkSeqs(broker).sort((a, b) => a - b);
    assert.deepEqual(
      seqs,
      [-1, ...Array.from({ length: 40 }, (_, i) => 60 + i)],
      'the zombie output never appears',
    );
    const changelog = topicRecords(broker, `${id}-counts-changelog`, 0).map((r) =>
      Number(r.value!.toString()),
    );
    assert.deepEqual(
      changelog,
      Array.from({ length: 40 }, (_, i) => i + 1),
      'the zombie table writes never appear',
    );
    await successor.stop();
  });
});
