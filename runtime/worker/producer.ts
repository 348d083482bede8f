import { createDefaultPartitioner, type Partitioner } from '../channels/partitioner.js';
import type { SendReceipt } from '../channels/types.js';
import { isTransactionAborted } from '../transport/transaction-aborted.js';
import { type DeliveryListener, RecordTooLargeError, requestBytes } from '../transport/producer-buffer.js';
import type { OutgoingMessage, RecordMetadata, TransportAdmin } from '../transport/types.js';
import { Delivery } from './delivery.js';

/** A message about to be produced, as onProduceMessage receivers see it (headers may be added). */
export interface ProducedMessage {
  topic: string;
  partition: number;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number | undefined;
  headers: Record<string, Buffer>;
}

export interface MessageSender {
  send(message: OutgoingMessage): Promise<RecordMetadata>;
  /** send() without a promise: tells `listener` instead (the ProducerBuffer has it). */
  enqueue?(message: OutgoingMessage, listener: DeliveryListener): void;
  flush(): Promise<void>;
}

export interface AppProducerOptions {
  sender: MessageSender;
  admin: TransportAdmin;
  partitioner?: Partitioner;
  /** Messages accepted but not yet acknowledged before send() waits for room. */
  maxOutstanding: number;
  /**
   * Bytes one produce request may carry (producerMaxRequestSize): a larger message is refused at
   * once with a RecordTooLargeError, to the caller (an agent's event then goes to the dead-letter
   * topic), instead of failing later and stopping the worker.
   */
  maxRequestSize?: number;
  /** A send failed for good: at-least-once is at stake, the worker must stop. */
  onFatal: (error: Error) => void;
  /** A message was acknowledged `latencyMs` after it was queued (for sensors). */
  onProduced?: (topic: string, latencyMs: number, partition: number) => void;
  /** A message failed for good (for sensors; onFatal still decides what happens). */
  onSendError?: (topic: string, partition: number, error: Error) => void;
  /** Called for every message before it is queued (the onProduceMessage signal). */
  beforeProduce?: (message: ProducedMessage) => void;
}

/**
 * The app's side of producing: picks the partition (the Java client's murmur2 over the
 * serialized key by default), bounds what is outstanding, and turns any failed delivery into a
 * fatal error so that no offset is ever committed past a lost send.
 */
export class AppProducer {
  private readonly partitionCounts = new Map<string, number>();
  private readonly partitioner: Partitioner;
  private outstanding = 0;
  private room: { promise: Promise<void>; resolve: () => void } | undefined;
  private failure: Error | undefined;

  constructor(private readonly options: AppProducerOptions) {
    this.partitioner = options.partitioner ?? createDefaultPartitioner();
  }

  /** Messages accepted and not yet acknowledged by the broker (the test driver settles at 0). */
  get pending(): number {
    return this.outstanding;
  }

  /** The most bytes one message may take, when limited (see AppProducerOptions.maxRequestSize). */
  get maxRequestSize(): number | undefined {
    return this.options.maxRequestSize;
  }

  /** Remembers a topic's partition count (from declaration or metadata). */
  knowPartitions(topic: string, count: number): void {
    this.partitionCounts.set(topic, count);
  }

  /** A topic's partition count when already known (declared or looked up), else undefined. */
  knownPartitions(topic: string): number | undefined {
    return this.partitionCounts.get(topic);
  }

  async partitionsOf(topic: string): Promise<number> {
    const known = this.partitionCounts.get(topic);
    if (known !== undefined) return known;
    const count = await this.options.admin.partitionCount(topic);
    if (count === undefined)
      throw new Error(`topic ${topic} does not exist (declare it in the app or create it)`);
    this.partitionCounts.set(topic, count);
    return count;
  }

  /** Accepts a message for sending; resolves once it is queued (waiting while too much is outstanding). */
  send(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    options: { partition?: number; timestamp?: number; headers?: Record<string, Buffer> } = {},
  ): Promise<SendReceipt> {
    const count = this.partitionCounts.get(topic);
    if (this.failure || this.outstanding >= this.options.maxOutstanding || count === undefined) {
      return this.sendWhenReady(topic, key, value, options);
    }
    try {
      return Promise.resolve(this.sendNow(topic, key, value, options, count));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private async sendWhenReady(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    options: { partition?: number; timestamp?: number; headers?: Record<string, Buffer> },
  ): Promise<SendReceipt> {
    if (this.failure) throw this.failure;
    while (this.outstanding >= this.options.maxOutstanding) await this.waitForRoom();
    const count = this.partitionCounts.get(topic) ?? (await this.partitionsOf(topic));
    return this.sendNow(topic, key, value, options, count);
  }

  /**
   * Queues a message at once, never waiting for room: for table changelog records, which must be
   * queued before the event that caused them is acked (its offset may be committed right after the
   * next flush). The caller bounds what it has outstanding itself. The topic's partition count must
   * be known (declared topics are).
   */
  sendNow(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    options: { partition?: number; timestamp?: number; headers?: Record<string, Buffer> } = {},
    count: number | undefined = this.partitionCounts.get(topic),
  ): SendReceipt {
    if (this.failure) throw this.failure;
    if (count === undefined) {
      throw new Error(`topic ${topic}: partition count unknown (declare the topic in the app)`);
    }
    const partition = options.partition ?? this.partitioner(key, count, topic);
    if (!Number.isInteger(partition) || partition < 0 || partition >= count) {
      throw new Error(`partition ${partition} is out of range for topic ${topic} (${count} partitions)`);
    }
    let headers = options.headers;
    if (this.options.beforeProduce) {
      const message: ProducedMessage = {
        topic,
        partition,
        key,
        value,
        timestamp: options.timestamp,
        headers: { ...headers },
      };
      this.options.beforeProduce(message);
      headers = message.headers;
    }
    const message: OutgoingMessage = { topic, partition, key, value, timestamp: options.timestamp, headers };
    const limit = this.options.maxRequestSize;
    if (limit !== undefined) {
      const bytes = requestBytes(message);
      if (bytes > limit) throw new RecordTooLargeError(topic, partition, bytes, limit);
    }
    const sender = this.options.sender;
    const delivery = this.options.onProduced
      ? new TimedDelivery(topic, partition, this.onDelivered)
      : new Delivery(topic, partition, this.onDelivered);
    if (!sender.enqueue) {
      // A sender that refuses at once (e.g. the producer is off) throws here, to the caller.
      sender.send(message).then(
        (metadata) => delivery.acknowledged(metadata),
        (error: unknown) => delivery.failed(error instanceof Error ? error : new Error(String(error))),
      );
      this.outstanding++;
      return delivery;
    }
    this.outstanding++;
    try {
      sender.enqueue(message, delivery);
    } catch (error) {
      this.outstanding--;
      throw error;
    }
    return delivery;
  }

  /** Every delivery ends here, once. */
  private readonly onDelivered = (delivery: Delivery, error: Error | undefined): void => {
    this.settled();
    const { topic, partition } = delivery;
    if (!error) {
      if (delivery instanceof TimedDelivery)
        this.options.onProduced?.(topic, performance.now() - delivery.started, partition);
      return;
    }
    // exactly_once: an aborted transaction's sends are discarded, their events processed again.
    if (isTransactionAborted(error)) return;
    const failure = new Error(`sending to ${topic}[${partition}] failed: ${error.message}`, { cause: error });
    this.options.onSendError?.(topic, partition, failure);
    if (!this.failure) {
      this.failure = failure;
      // Not from inside the sender's loop over a failed request's messages.
      queueMicrotask(() => this.options.onFatal(failure));
    }
  };

  /** Resolves when everything accepted so far is acknowledged; rejects if any send failed. */
  async flush(): Promise<void> {
    await this.options.sender.flush();
    if (this.failure) throw this.failure;
  }

  private settled(): void {
    this.outstanding--;
    if (this.room && this.outstanding < this.options.maxOutstanding) {
      this.room.resolve();
      this.room = undefined;
    }
  }

  private waitForRoom(): Promise<void> {
    if (!this.room) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.room = { promise, resolve };
    }
    return this.room.promise;
  }
}

/** A delivery that knows when it was queued (for the onProduced latency). */
class TimedDelivery extends Delivery {
  readonly started = performance.now();
}
