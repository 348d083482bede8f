/**
 * ExactlyOnce when the consumer reads a partition again without a revoke: a rejoin after a crash
 * (kafkajs restarted the consumer during a broker outage) or a position moved back within the
 * generation. The open transaction already holds the effects of the events that come again, so
 * it must be aborted, and the old events' later sends refused as aborted (tables drop them).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AckTrackers } from '../../../../../runtime/commit/ack-tracker.js';
import type { Logger } from '../../../../../runtime/core/logging/index.js';
import type { Message, MessageBatch } from '../../../../../runtime/core/types.js';
import { runForEvent } from '../../../../../runtime/streams/context.js';
import type { Event } from '../../../../../runtime/streams/event.js';
import { isTransactionAborted } from '../../../../../runtime/transport/transaction-aborted.js';
import type {
  CommitOffset,
  OutgoingMessage,
  RecordMetadata,
  TopicPartition,
  TransactionalProducer,
} from '../../../../../runtime/transport/types.js';
import { ExactlyOnce } from '../../../../../runtime/worker/exactly-once/transactions.js';

const TOPIC = 'events';

/** A transactional producer that records what it was asked to do. */
class RecordingProducer implements TransactionalProducer {
  inTransaction = false;
  readonly sent: OutgoingMessage[] = [];
  aborts = 0;
  commits = 0;
  async connect(): Promise<void> {}
  async sendBatch(messages: OutgoingMessage[]): Promise<void> {
    this.inTransaction = true;
    this.sent.push(...messages);
  }
  async sendOffsets(_groupId: string, _offsets: CommitOffset[]): Promise<void> {
    this.inTransaction = true;
  }
  async commit(): Promise<RecordMetadata[]> {
    this.commits++;
    this.inTransaction = false;
    return this.sent.map(({ topic, partition }, offset) => ({ topic, partition, offset, timestamp: 0 }));
  }
  async abort(): Promise<void> {
    this.aborts++;
    this.inTransaction = false;
  }
  async disconnect(): Promise<void> {}
}

const quiet: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => quiet,
} as unknown as Logger;

function harness() {
  const producers: RecordingProducer[] = [];
  let trackers = new AckTrackers();
  const seeks: { partition: TopicPartition; offset: number }[] = [];
  const restarts: TopicPartition[] = [];
  const eos = new ExactlyOnce({
    groupId: 'app',
    createProducer: () => {
      const producer = new RecordingProducer();
      producers.push(producer);
      return producer;
    },
    bufferOptions: { maxBatchBytes: 1 << 20, lingerSeconds: 0, maxRequestSize: 1 << 20 },
    plain: { send: () => Promise.reject(new Error('no plain sends here')), flush: async () => {} },
    commits: () => true,
    trackers: () => trackers,
    every: 1_000_000,
    intervalMs: 60_000,
    drainTimeoutMs: 50,
    finalDrainTimeoutMs: 50,
    seek: (partition, offset) => seeks.push({ partition, offset }),
    committedOffsets: async () => [{ topic: TOPIC, partition: 0, offset: 0 }],
    restartTracking: (partition) => {
      restarts.push(partition);
      trackers.restart(partition.topic, partition.partition);
    },
    beforeAbortSettles: async () => {},
    logger: quiet,
  });
  return {
    eos,
    producers,
    seeks,
    restarts,
    newTrackers: () => {
      trackers = new AckTrackers();
    },
    track: (offset: number) => trackers.tracker(TOPIC, 0).track(offset),
  };
}

function batch(from: number, count: number, generation: number): MessageBatch {
  const messages = Array.from({ length: count }, (_, i) => ({ offset: from + i }) as Message);
  return { topic: TOPIC, partition: 0, messages, highWatermark: from + count, generation };
}

function eventOf(offset: number, generation: number): Event<unknown, unknown> {
  return { fromTopic: true, topic: TOPIC, partition: 0, offset, generation } as unknown as Event<
    unknown,
    unknown
  >;
}

const out = (n: number): OutgoingMessage => ({
  topic: 'sink',
  partition: 0,
  key: null,
  value: Buffer.from(`${n}`),
});

/** Lets the held deliveries (producer connects, aborts) run. */
async function settle(eos: ExactlyOnce, b: MessageBatch): Promise<void> {
  for (let held = eos.hold(b); held; held = eos.hold(b)) await held;
}

describe('ExactlyOnce: a partition read again without a revoke', () => {
  it('a rejoin with no revoke before it aborts the kept partition’s open transaction and refuses the old events’ sends', async () => {
    const h = harness();
    await h.eos.assigned([{ topic: TOPIC, partition: 0 }], 1);
    const first = batch(0, 3, 1);
    await settle(h.eos, first);
    assert.equal(h.eos.admit(first), true);
    for (const m of first.messages) h.track(m.offset);
    const receipt = runForEvent(eventOf(1, 1), () => h.eos.send(out(1)));
    await h.eos.flush();
    assert.equal(h.producers[0]!.sent.length, 1);

    // The consumer crashed and joined again (generation 2) without onRevoking.
    h.newTrackers();
    await h.eos.assigned([{ topic: TOPIC, partition: 0 }], 2);
    const again = batch(0, 3, 2);
    await settle(h.eos, again);
    await assert.rejects(receipt, (error) => isTransactionAborted(error));
    assert.equal(h.producers[0]!.aborts, 1, 'the open transaction was aborted');
    assert.equal(h.producers[0]!.commits, 0, 'nothing of generation 1 was committed');
    assert.ok(h.producers.length >= 2, 'a new producer fenced the old one');
    await assert.rejects(
      runForEvent(eventOf(2, 1), () => h.eos.send(out(2))),
      (error) => isTransactionAborted(error),
      'a late send of an old event is refused as aborted',
    );
    assert.equal(h.eos.admit(again), true, 'the partition is read again from the committed offset');
    await h.eos.close();
  });

  it('a batch that starts at an offset already delivered aborts the transaction and rewinds to the committed offset', async () => {
    const h = harness();
    await h.eos.assigned([{ topic: TOPIC, partition: 0 }], 1);
    const first = batch(0, 5, 1);
    await settle(h.eos, first);
    assert.equal(h.eos.admit(first), true);
    for (const m of first.messages) h.track(m.offset);
    const receipt = runForEvent(eventOf(4, 1), () => h.eos.send(out(4)));
    await h.eos.flush();

    const movedBack = batch(3, 5, 1);
    await settle(h.eos, movedBack);
    await assert.rejects(receipt, (error) => isTransactionAborted(error));
    assert.equal(h.producers[0]!.aborts, 1);
    assert.equal(h.eos.admit(movedBack), false, 'the batch that moved back is dropped');
    assert.deepEqual(h.restarts, [{ topic: TOPIC, partition: 0 }]);
    assert.deepEqual(
      h.seeks.map((s) => s.offset),
      [0],
      'read again from the committed offset, not from where the position moved to',
    );
    await h.eos.close();
  });
});
