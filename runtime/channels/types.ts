import type { StreamBuffer } from '../streams/buffer.js';
import type { StreamHost } from '../streams/types.js';
import type { RecordMetadata } from '../transport/types.js';
import type { MessageRef } from '../streams/event.js';

export interface ProduceOptions {
  partition?: number;
  timestamp?: number;
  headers?: Record<string, Buffer>;
}

/** A message accepted for sending; `delivered` settles when the broker acknowledged it. */
export interface SendReceipt {
  topic: string;
  partition: number;
  delivered: Promise<RecordMetadata>;
}

/** What topics and channels need from their app. */
export interface ChannelHost extends StreamHost {
  /** Queues serialized bytes for production; resolves once queued (see SendReceipt.delivered). */
  produce(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    options: ProduceOptions,
  ): Promise<SendReceipt>;
  /** A buffer receiving the messages of a topic from the consumer. */
  subscribe(topic: string, partitions?: ReadonlySet<number>): StreamBuffer<MessageRef>;
  /** Removes a buffer made by subscribe() and closes it. */
  unsubscribe(buffer: StreamBuffer<MessageRef>): void;
  /** The consumer's current rebalance generation. */
  generation(): number;
  readonly defaults: ChannelDefaults;
}

export interface ChannelDefaults {
  keySerializer: string;
  valueSerializer: string;
  topicPartitions: number;
  topicReplicationFactor: number;
  streamBufferMaxsize: number;
  deadLetter: boolean;
}
