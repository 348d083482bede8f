import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { MemoryConsumer, MemoryTransport } from '../../../../../runtime/transport/memory/index.js';
import { destroyMemoryBroker, memoryTransport } from '../../../../../runtime/transport/memory/index.js';
import type { ConsumerOptions, TransportProducer } from '../../../../../runtime/transport/types.js';
import {
  consumerOptions,
  deferred,
  freshTransport,
  type LogLine,
  msg,
  producerOptions,
  Recorder,
  turns,
} from './helpers.js';

describe('memory consumer', () => {
  let logs: LogLine[];
  let transport: MemoryTransport;
  let producer: TransportProducer;
  let consumers: MemoryConsumer[];

  beforeEach(async () => {
    logs = [];
    consumers = [];
    transport = freshTransport(logs);
    await transport.createAdmin().createTopics([
      { name: 't', partitions: 2, replicationFactor: 1 },
      { name: 'one', partitions: 1, replicationFactor: 1 },
    ]);
    producer = transport.createProducer(producerOptions);
    await producer.connect();
  });
  afterEach(() => destroyMemoryBroker(transport.url));

  async function started(topics: string[], overrides: Partial<ConsumerOptions> = {}, group = 'g') {
    const consumer = transport.createConsumer(consumerOptions(group, overrides));
    consumer.subscribe(topics);
    const recorder = new Recorder();
    await consumer.start(recorder);
    consumers.push(consumer);
    return { consumer, recorder };
  }

  it('announces every generation before its batches and re-delivers what was not committed', async () => {
    await producer.sendBatch([msg('t', 0, 'a'), msg('t', 0, 'b'), msg('t', 1, 'c')]);
    const a = await started(['t']);
    await a.recorder.waitFor(() => a.recorder.messages().length === 3);
    assert.deepEqual(a.recorder.events.slice(0, 1), ['assigned:1']);

    const b = await started(['t']);
    await b.recorder.waitFor(() => b.recorder.offsets(1).length === 1);
    await a.recorder.waitFor(() => a.recorder.generation === 2 && a.recorder.offsets(0).length === 4);
    assert.deepEqual(a.recorder.events, [
      'assigned:1',
      'batch:t[0]:1',
      'batch:t[1]:1',
      'assigned:2',
      'batch:t[0]:2',
    ]);
    assert.deepEqual(b.recorder.events, ['assigned:2', 'batch:t[1]:2']);
    assert.deepEqual(a.recorder.offsets(0), [0, 1, 0, 1], 'partition 0 is read again from the start');
    assert.deepEqual(a.consumer.assignment(), [{ topic: 't', partition: 0 }]);
    assert.deepEqual(b.consumer.assignment(), [{ topic: 't', partition: 1 }]);
  });

  it('holds back a partition while its onBatch promise is pending, and only that partition', async () => {
    const gate = deferred();
    const { recorder } = await started(['t']);
    recorder.batchResult = (batch) =>
      batch.partition === 0 && batch.messages[0]!.offset === 0 ? gate.promise : undefined;
    await producer.sendBatch([msg('t', 0, 'a0'), msg('t', 1, 'b0')]);
    await recorder.waitFor(() => recorder.messages().length === 2);
    await producer.sendBatch([msg('t', 0, 'a1'), msg('t', 1, 'b1')]);
    await recorder.waitFor(() => recorder.offsets(1).length === 2);
    await turns();
    assert.deepEqual(recorder.offsets(0), [0], 'no second batch of partition 0 before the first settled');
    gate.resolve();
    await recorder.waitFor(() => recorder.offsets(0).length === 2);
    assert.deepEqual(recorder.offsets(0), [0, 1]);
  });

  it('splits batches by maxPollRecords and maxFetchBytes, with the high watermark of the fetch', async () => {
    await producer.sendBatch(Array.from({ length: 7 }, (_, i) => msg('one', 0, `value-${i}`)));
    const byCount = await started(['one'], { maxPollRecords: 3 }, 'by-count');
    await byCount.recorder.waitFor(() => byCount.recorder.messages().length === 7);
    assert.deepEqual(
      byCount.recorder.batches.map((b) => [b.messages.map((m) => m.offset), b.highWatermark]),
      [
        [[0, 1, 2], 7],
        [[3, 4, 5], 7],
        [[6], 7],
      ],
    );
    const byBytes = await started(['one'], { maxFetchBytes: 16 }, 'by-bytes');
    await byBytes.recorder.waitFor(() => byBytes.recorder.messages().length === 7);
    assert.deepEqual(
      byBytes.recorder.batches.map((b) => b.messages.length),
      [2, 2, 2, 1],
      'each value is 7 bytes',
    );
  });

  it('lets a rebalance wait for in-flight batches, and the old owner commit before it rejoins', async () => {
    const gate = deferred();
    const a = await started(['t']);
    a.recorder.batchResult = (batch) => (batch.partition === 1 ? gate.promise : undefined);
    await producer.sendBatch([msg('t', 1, 'x')]);
    await a.recorder.waitFor(() => a.recorder.messages().length === 1);

    const b = await started(['t']);
    await turns();
    assert.equal(transport.broker().group('g').isRebalancing, true);
    assert.deepEqual(
      b.recorder.assignments,
      [],
      'no new generation while a batch of the old one is in flight',
    );
    await a.consumer.commit([{ topic: 't', partition: 1, offset: 1 }]);
    gate.resolve();
    await b.recorder.waitFor(() => b.recorder.generation === 2);
    await producer.sendBatch([msg('t', 1, 'y')]);
    await b.recorder.waitFor(() => b.recorder.messages().length === 1);
    assert.deepEqual(
      b.recorder.offsets(1),
      [1],
      'the new owner starts at the commit made before the handover',
    );
  });

  it('removes a member stuck past the rebalance timeout; it comes back once unstuck', async () => {
    const gate = deferred();
    const a = await started(['t'], { rebalanceTimeoutMs: 20 });
    a.recorder.batchResult = () => gate.promise;
    await producer.sendBatch([msg('t', 0, 'x')]);
    await a.recorder.waitFor(() => a.recorder.messages().length === 1);

    const b = await started(['t'], { rebalanceTimeoutMs: 20 });
    await b.recorder.waitFor(() => b.recorder.partitions().length === 2);
    assert.equal(b.recorder.generation, 2);
    assert.ok(logs.some((line) => line.level === 'warn' && /removed/.test(line.message)));
    await assert.rejects(
      a.consumer.commit([{ topic: 't', partition: 0, offset: 1 }]),
      /not a member of the group/,
    );
    await b.recorder.waitFor(() => b.recorder.offsets(0).length === 1);

    gate.resolve();
    await a.recorder.waitFor(() => a.recorder.generation === 3);
    await b.recorder.waitFor(() => b.recorder.generation === 3);
    assert.equal(a.recorder.partitions().length + b.recorder.partitions().length, 2);
  });

  it('crashes on a throwing onBatch: onStopped(error), and the group moves on', async () => {
    const a = await started(['one']);
    a.recorder.batchResult = () => {
      throw new Error('handler bug');
    };
    const b = await started(['one']);
    await a.recorder.waitFor(() => a.recorder.generation === 2);
    await b.recorder.waitFor(() => b.recorder.generation === 2);
    assert.deepEqual(
      a.recorder.partitions(),
      [0],
      'the first member id sorts first and owns the only partition',
    );
    await producer.sendBatch([msg('one', 0, 'x')]);
    await a.recorder.waitFor(() => a.recorder.stopped !== undefined);
    assert.equal(a.recorder.stopped?.error?.message, 'handler bug');
    await b.recorder.waitFor(() => b.recorder.messages().length === 1);
    assert.deepEqual(b.recorder.offsets(0), [0], 'the uncommitted message goes to the survivor');
    assert.ok(logs.some((line) => line.level === 'error' && /crashed/.test(line.message)));
    await a.consumer.stop();
  });

  it('follows topics created and deleted after subscribing', async () => {
    const admin = transport.createAdmin();
    const { consumer, recorder } = await started(['later']);
    await turns();
    assert.deepEqual(recorder.assignments, [{ assignment: [], generation: 1 }]);
    await admin.createTopics([{ name: 'later', partitions: 1, replicationFactor: 1 }]);
    await recorder.waitFor(() => recorder.partitions().length === 1);
    await producer.sendBatch([msg('later', 0, 'a'), msg('later', 0, 'b')]);
    await recorder.waitFor(() => recorder.messages().length === 2);
    await consumer.commit([{ topic: 'later', partition: 0, offset: 2 }]);

    await admin.deleteTopics(['later']);
    await recorder.waitFor(() => recorder.generation === 3);
    assert.deepEqual(consumer.assignment(), []);
    await admin.createTopics([{ name: 'later', partitions: 1, replicationFactor: 1 }]);
    assert.deepEqual(await admin.committedOffsets('g', 'later'), [
      { topic: 'later', partition: 0, offset: -1 },
    ]);
    await producer.sendBatch([msg('later', 0, 'fresh')]);
    await recorder.waitFor(() => recorder.generation === 4 && recorder.messages().length === 3);
    assert.equal(recorder.messages()[2]!.value!.toString(), 'fresh');
  });

  it('seeks within and past the log, and refuses partitions it does not own', async () => {
    await producer.sendBatch([msg('one', 0, 'a'), msg('one', 0, 'b')]);
    const { consumer, recorder } = await started(['one']);
    await recorder.waitFor(() => recorder.messages().length === 2);
    consumer.seek({ topic: 'one', partition: 0 }, 99);
    await recorder.waitFor(() => recorder.messages().length === 4);
    assert.deepEqual(recorder.offsets(0), [0, 1, 0, 1], 'out of range resets per autoOffsetReset (earliest)');
    assert.ok(logs.some((line) => /offset 99 out of range/.test(line.message)));
    assert.throws(
      () => consumer.seek({ topic: 't', partition: 0 }, 0),
      /seek\(t\[0\], 0\): the partition is not assigned/,
    );
    assert.throws(
      () => consumer.seek({ topic: 'one', partition: 0 }, -1),
      /offset must be a non-negative integer/,
    );

    const latest = await started(['one'], { autoOffsetReset: 'latest' }, 'latest');
    await latest.recorder.waitFor(() => latest.recorder.generation === 1);
    latest.consumer.seek({ topic: 'one', partition: 0 }, 50);
    await turns(); // the next fetch finds 50 out of range and resets to the end (2)
    await producer.sendBatch([msg('one', 0, 'c')]);
    await latest.recorder.waitFor(() => latest.recorder.messages().length === 1);
    assert.deepEqual(latest.recorder.offsets(0), [2], 'out of range resets per autoOffsetReset (latest)');
  });

  it('keeps a partition paused across a rebalance until resume()', async () => {
    const a = await started(['t']);
    await a.recorder.waitFor(() => a.recorder.generation === 1);
    a.consumer.pause([{ topic: 't', partition: 0 }]);
    const b = await started(['one'], {}, 'g');
    await a.recorder.waitFor(() => a.recorder.generation === 2);
    await b.recorder.waitFor(() => b.recorder.generation === 2);
    await producer.sendBatch([msg('t', 0, 'a'), msg('t', 1, 'b')]);
    await a.recorder.waitFor(() => a.recorder.offsets(1).length === 1);
    await turns();
    assert.deepEqual(a.recorder.offsets(0), []);
    a.consumer.resume([{ topic: 't', partition: 0 }]);
    await a.recorder.waitFor(() => a.recorder.offsets(0).length === 1);
  });

  it('follows the lifecycle rules: subscribe before start, start once, stop idempotent', async () => {
    const idle = transport.createConsumer(consumerOptions('life'));
    await assert.rejects(idle.commit([]), /commit\(\) before start\(\)/);
    await idle.stop();

    const consumer = transport.createConsumer(consumerOptions('life'));
    consumer.subscribe(['one']);
    const recorder = new Recorder();
    await consumer.start(recorder);
    assert.throws(() => consumer.subscribe(['t']), /subscribe\(\) must be called before start\(\)/);
    await assert.rejects(consumer.start(recorder), /start\(\) was already called/);
    await Promise.all([consumer.stop(), consumer.stop()]);
    await consumer.stop();
    assert.deepEqual(recorder.stopped, { error: undefined });
    assert.deepEqual(consumer.assignment(), []);
    assert.deepEqual(transport.broker().group('life').memberIds(), []);
  });

  it('leaves no timer or handle behind once its consumers stopped', async () => {
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const a = await started(['t'], { rebalanceTimeoutMs: 60_000 });
    const b = await started(['t'], { rebalanceTimeoutMs: 60_000 });
    await producer.sendBatch([msg('t', 0, 'x'), msg('t', 1, 'y')]);
    await a.recorder.waitFor(() => a.recorder.generation === 2);
    await b.recorder.waitFor(() => b.recorder.messages().length === 1);
    await a.consumer.stop();
    await b.consumer.stop();
    await turns();
    const timersAfter = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    assert.equal(timersAfter, timersBefore);
  });

  it('reports idle once everything produced was handed out, paused partitions aside', async () => {
    const a = await started(['t'], { maxPollRecords: 10 });
    const b = await started(['one'], {}, 'other');
    await transport.broker().idle();
    a.consumer.pause([{ topic: 't', partition: 1 }]);
    await producer.sendBatch([
      ...Array.from({ length: 95 }, (_, i) => msg('t', 0, `${i}`)),
      msg('t', 1, 'held'),
      msg('one', 0, 'x'),
    ]);
    assert.equal(a.consumer.isIdle(), false);
    await transport.broker().idle();
    assert.equal(a.recorder.offsets(0).length, 95);
    assert.equal(a.recorder.batches.length, 10);
    assert.deepEqual(a.recorder.offsets(1), []);
    assert.deepEqual(b.recorder.offsets(0), [0]);
  });

  it('lets two transports on one URL be two workers of one group', async () => {
    const options = { urls: [transport.url], clientId: 'app', connectionTimeoutMs: 1, requestTimeoutMs: 1 };
    const workers = [memoryTransport(options), memoryTransport(options)].map((app) => {
      const consumer = app.createConsumer(consumerOptions('shared'));
      consumer.subscribe(['t']);
      consumers.push(consumer as MemoryConsumer);
      return { consumer, recorder: new Recorder() };
    });
    for (const worker of workers) await worker.consumer.start(worker.recorder);
    for (const worker of workers) await worker.recorder.waitFor(() => worker.recorder.generation === 2);
    assert.deepEqual(
      workers.map((worker) => worker.recorder.partitions()),
      [[0], [1]],
    );
  });
});
