/** ExactlyOnce with fakes: producers that record what they were asked to do, trackers, seeks. */
import { AckTrackers } from '../../../../../runtime/commit/ack-tracker.js';
import type { Logger } from '../../../../../runtime/core/logging/index.js';
import type { Message, MessageBatch } from '../../../../../runtime/core/types.js';
import type { Event } from '../../../../../runtime/streams/event.js';
import type {
  CommitOffset,
  OutgoingMessage,
  RecordMetadata,
  TopicPartition,
  TransactionalProducer,
} from '../../../../../runtime/transport/types.js';
import {
  perPartitionLayout,
  type TransactionLayout,
} from '../../../../../runtime/worker/exactly-once/layout.js';
import { ExactlyOnce } from '../../../../../runtime/worker/exactly-once/transactions.js';

export const TOPIC = 'events';

/** A transactional producer that records what it was asked to do. */
export class RecordingProducer implements TransactionalProducer {
  inTransaction = false;
  readonly sent: OutgoingMessage[] = [];
  /** Every sendOffsets() call's offsets. */
  readonly offsetCalls: CommitOffset[][] = [];
  aborts = 0;
  commits = 0;
  /** When set, sendOffsets() rejects with it (the coordinator refused, e.g. an old generation). */
  refuseOffsets: Error | undefined;
  constructor(readonly transactionalId: string) {}
  async connect(): Promise<void> {}
  async sendBatch(messages: OutgoingMessage[]): Promise<void> {
    this.inTransaction = true;
    this.sent.push(...messages);
  }
  async sendOffsets(_groupId: string, offsets: CommitOffset[]): Promise<void> {
    if (this.refuseOffsets) throw this.refuseOffsets;
    this.inTransaction = true;
    this.offsetCalls.push(offsets);
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

export const quiet: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => quiet,
} as unknown as Logger;

export function harness(layout: TransactionLayout = perPartitionLayout('app')) {
  const producers: RecordingProducer[] = [];
  let trackers = new AckTrackers();
  const seeks: { partition: TopicPartition; offset: number }[] = [];
  const restarts: TopicPartition[] = [];
  const eos = new ExactlyOnce({
    groupId: 'app',
    layout,
    createProducer: (id) => {
      const producer = new RecordingProducer(id);
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
    committedOffsets: async () => [0, 1, 2, 3].map((partition) => ({ topic: TOPIC, partition, offset: 0 })),
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
    track: (offset: number, partition = 0) => trackers.tracker(TOPIC, partition).track(offset),
    ack: (offset: number, partition = 0) => trackers.tracker(TOPIC, partition).ack(offset),
  };
}

export function batch(from: number, count: number, generation: number, partition = 0): MessageBatch {
  const messages = Array.from({ length: count }, (_, i) => ({ offset: from + i }) as Message);
  return { topic: TOPIC, partition, messages, highWatermark: from + count, generation };
}

export function eventOf(offset: number, generation: number, partition = 0): Event<unknown, unknown> {
  return { fromTopic: true, topic: TOPIC, partition, offset, generation } as unknown as Event<
    unknown,
    unknown
  >;
}

export const out = (n: number): OutgoingMessage => ({
  topic: 'sink',
  partition: 0,
  key: null,
  value: Buffer.from(`${n}`),
});

/** Lets the held deliveries (producer connects, aborts) run. */
export async function settle(eos: ExactlyOnce, b: MessageBatch): Promise<void> {
  for (let held = eos.hold(b); held; held = eos.hold(b)) await held;
}

export const partitions = (...numbers: number[]): TopicPartition[] =>
  numbers.map((partition) => ({ topic: TOPIC, partition }));
