/**
 * Value types every layer of the runtime shares: where a message is, what it carries, and the
 * offsets committed. Offsets are plain numbers (Kafka's int64 offsets stay far below 2^53 in
 * practice); a committed offset is, as in Kafka, the offset of the NEXT message to read.
 */

export type Headers = Record<string, Buffer>;

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** A message as consumed from a topic partition. */
export interface Message {
  topic: string;
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  /** Milliseconds since the epoch. */
  timestamp: number;
  headers: Headers;
}

/** A message to produce. The runtime always chooses the partition (murmur2 by default). */
export interface OutgoingMessage {
  topic: string;
  partition: number;
  key: Buffer | null;
  value: Buffer | null;
  /** Milliseconds since the epoch; the broker's time when absent. */
  timestamp?: number;
  headers?: Headers;
}

export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
}

/** Messages of one partition, in offset order, delivered to the consumer's handler. */
export interface MessageBatch {
  topic: string;
  partition: number;
  messages: Message[];
  /** Offset one past the last message in the partition when the batch was fetched (-1 if unknown). */
  highWatermark: number;
  /** The rebalance generation this batch belongs to; acks from older generations are void. */
  generation: number;
}

export interface CommitOffset extends TopicPartition {
  /** The next offset to read (last processed + 1). */
  offset: number;
}

/** Where an event came from: the topic-partition-offset, or a channel. */
export interface EventOrigin {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  headers: Headers;
}
