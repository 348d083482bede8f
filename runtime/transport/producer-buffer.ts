/**
 * ProducerBuffer: batches single sends into TransportProducer.sendBatch requests, as Faust's
 * producer (aiokafka's accumulator) does.
 *
 * A queued message goes out when
 * - the queued bytes reach `maxBatchBytes` (Faust's producer_max_batch_size, 16384 by default),
 * - `lingerSeconds` after the first message of the batch was queued (producer_linger; 0 means the
 *   next turn of the event loop, so sends issued in one synchronous burst still share a request),
 * - or flush() is called.
 * One request carries at most `maxRequestSize` bytes (producer_max_request_size); a single message
 * larger than that is rejected at once. Sizes are Kafka record v2 sizes with worst-case varints,
 * before compression, as the Java client counts them.
 *
 * In flight: at most `maxInFlight` requests (default 1). kafkajs keeps the order of messages within
 * one partition inside one request, and retries a failed request on its own (not idempotent). With
 * two requests in flight, the first can fail and be retried after the second was written, so a
 * partition's messages would land out of order; with one, a request starts only after the previous
 * one settled, retries included. Throughput does not suffer much: while a request is in flight the
 * queue keeps filling, and the next request takes everything queued, up to maxRequestSize.
 *
 * Errors reject the send() promises of the messages in the failed request; the buffer goes on with
 * the next ones. A rejected send() promise nobody handles is an unhandled rejection, as always.
 */
import type { OutgoingMessage, RecordMetadata, TransportProducer } from './types.js';

export interface ProducerBufferOptions {
  /** Send once the queued messages reach this many bytes (producer_max_batch_size). */
  maxBatchBytes: number;
  /** Seconds a batch waits for more messages after its first one (producer_linger); 0 = next tick. */
  lingerSeconds: number;
  /** Upper bound on the bytes of one request (producer_max_request_size). */
  maxRequestSize: number;
  /**
   * Requests in flight at once; default: the producer's orderedInFlight (an idempotent producer
   * keeps order with several), else 1 (see the module comment).
   */
  maxInFlight?: number;
}

/** Record-batch header (61 bytes) plus the partition's fields in a produce request. */
const PARTITION_OVERHEAD = 61 + 8;
/** Produce request header, acks, timeout, client id: a generous bound. */
const REQUEST_OVERHEAD = 128;
/** Per record: length, attributes, timestamp delta, offset delta, key/value lengths, header count. */
const RECORD_OVERHEAD = 5 + 1 + 10 + 5 + 5 + 5 + 5;
const HEADER_OVERHEAD = 5 + 5;

/** What the size of a message depends on. */
export type SizedMessage = Pick<OutgoingMessage, 'topic' | 'key' | 'value' | 'headers'> & {
  partition?: number;
};

/** Upper bound on a message's size as a Kafka v2 record, before compression. */
export function estimateRecordBytes(message: SizedMessage): number {
  let bytes = RECORD_OVERHEAD + (message.key?.length ?? 0) + (message.value?.length ?? 0);
  const headers = message.headers;
  for (const name in headers) bytes += HEADER_OVERHEAD + Buffer.byteLength(name) + headers[name]!.length;
  return bytes;
}

/** What a request of just this message costs, beyond the record. */
function soloOverhead(message: { topic: string }): number {
  return REQUEST_OVERHEAD + PARTITION_OVERHEAD + 6 + Buffer.byteLength(message.topic);
}

/** Upper bound on the bytes of a produce request that carries only this message. */
export function requestBytes(message: SizedMessage): number {
  return estimateRecordBytes(message) + soloOverhead(message);
}

/** A message that cannot be sent as it is: even alone it exceeds the request size limit. */
export class RecordTooLargeError extends Error {
  constructor(
    readonly topic: string,
    readonly partition: number | undefined,
    readonly bytes: number,
    readonly maxRequestSize: number,
  ) {
    super(
      `a message of ${bytes} bytes to ${topic}${partition === undefined ? '' : `[${partition}]`} ` +
        `does not fit in one request (producerMaxRequestSize ${maxRequestSize})`,
    );
    this.name = 'RecordTooLargeError';
  }
}

/** Told once how a queued message's delivery ended. */
export interface DeliveryListener {
  acknowledged(metadata: RecordMetadata): void;
  failed(error: Error): void;
}

interface Pending {
  message: OutgoingMessage;
  bytes: number;
  listener: DeliveryListener;
  /** Position in the order of acceptance (requests take contiguous runs of it). */
  seq: number;
}

/** A flush() waiting for every message accepted up to `lastSeq` to settle. */
interface FlushWaiter {
  lastSeq: number;
  unsettled: number;
  failure: Error | undefined;
  resolve(): void;
  reject(error: Error): void;
}

type Timer = { cancel(): void };

export class ProducerBuffer {
  private readonly queue: Pending[] = [];
  private queuedBytes = 0;
  /** The first `due` entries of the queue may go now (their linger ran out, or size or flush said so). */
  private due = 0;
  private readonly inFlight = new Set<Pending[]>();
  private timer: Timer | undefined;
  private accepted = 0;
  private flushWaiters: FlushWaiter[] = [];
  private readonly maxInFlight: number;

  constructor(
    private readonly producer: TransportProducer,
    private readonly options: ProducerBufferOptions,
  ) {
    this.maxInFlight = options.maxInFlight ?? producer.orderedInFlight ?? 1;
    const check = (name: string, value: number, min: number) => {
      if (!Number.isFinite(value) || value < min) {
        throw new Error(`ProducerBuffer: ${name} must be a number >= ${min}, not ${value}`);
      }
    };
    check('maxBatchBytes', options.maxBatchBytes, 1);
    check('lingerSeconds', options.lingerSeconds, 0);
    check('maxRequestSize', options.maxRequestSize, 1);
    check('maxInFlight', this.maxInFlight, 1);
    if (!Number.isInteger(this.maxInFlight)) {
      throw new Error(`ProducerBuffer: maxInFlight must be an integer, not ${this.maxInFlight}`);
    }
  }

  /** Messages queued and not yet in a request. */
  get queuedMessages(): number {
    return this.queue.length;
  }

  /** Requests sent and not yet answered. */
  get inFlightRequests(): number {
    return this.inFlight.size;
  }

  /** Queues a message; resolves with its metadata once the broker acknowledged it. */
  send(message: OutgoingMessage): Promise<RecordMetadata> {
    return new Promise<RecordMetadata>((resolve, reject) => {
      this.enqueue(message, { acknowledged: resolve, failed: reject });
    });
  }

  /**
   * Queues a message and tells `listener` how its delivery ended: send() without a promise per
   * message, for the app's producer, which settles thousands of them per request.
   */
  enqueue(message: OutgoingMessage, listener: DeliveryListener): void {
    const bytes = estimateRecordBytes(message);
    if (bytes + soloOverhead(message) > this.options.maxRequestSize) {
      listener.failed(
        new RecordTooLargeError(message.topic, message.partition, bytes, this.options.maxRequestSize),
      );
      return;
    }
    this.queue.push({ message, bytes, listener, seq: this.accepted++ });
    this.queuedBytes += bytes;
    if (this.queuedBytes >= this.options.maxBatchBytes) this.due = this.queue.length;
    this.pump();
  }

  /**
   * Sends everything queued now and resolves when every message sent before this call is
   * acknowledged; rejects with the first send error among them (after all of them settled).
   */
  flush(): Promise<void> {
    let unsettled = this.queue.length;
    for (const batch of this.inFlight) unsettled += batch.length;
    if (unsettled === 0) return Promise.resolve();
    this.due = this.queue.length;
    const flushed = new Promise<void>((resolve, reject) => {
      this.flushWaiters.push({ lastSeq: this.accepted - 1, unsettled, failure: undefined, resolve, reject });
    });
    this.pump();
    return flushed;
  }

  /** Starts requests while there is room in flight and due messages; arms the linger timer. */
  private pump(): void {
    while (this.inFlight.size < this.maxInFlight && this.due > 0) {
      const batch = this.takeRequest();
      this.due = Math.max(0, this.due - batch.length);
      void this.sendRequest(batch);
    }
    if (this.queue.length > this.due && !this.timer) {
      this.timer = this.startLinger(() => {
        this.timer = undefined;
        this.due = this.queue.length;
        this.pump();
      });
    } else if (this.queue.length === 0 && this.timer) {
      this.timer.cancel();
      this.timer = undefined;
    }
  }

  /** Takes messages from the head of the queue, at least one, up to maxRequestSize bytes. */
  private takeRequest(): Pending[] {
    const partitionsByTopic = new Map<string, Set<number>>();
    // Consecutive messages mostly share a topic: skip the map lookup then.
    let lastTopic: string | undefined;
    let lastPartitions: Set<number> | undefined;
    let bytes = REQUEST_OVERHEAD;
    let count = 0;
    for (const entry of this.queue) {
      const { topic, partition } = entry.message;
      let partitions = topic === lastTopic ? lastPartitions : partitionsByTopic.get(topic);
      let cost = entry.bytes;
      if (!partitions) cost += 6 + Buffer.byteLength(topic);
      const newPartition = !partitions?.has(partition);
      if (newPartition) cost += PARTITION_OVERHEAD;
      if (count > 0 && bytes + cost > this.options.maxRequestSize) break;
      if (!partitions) {
        partitions = new Set();
        partitionsByTopic.set(topic, partitions);
      }
      if (newPartition) partitions.add(partition);
      lastTopic = topic;
      lastPartitions = partitions;
      bytes += cost;
      count += 1;
    }
    const batch = this.queue.splice(0, count);
    for (const entry of batch) this.queuedBytes -= entry.bytes;
    return batch;
  }

  private async sendRequest(batch: Pending[]): Promise<void> {
    this.inFlight.add(batch);
    let failure: Error | undefined;
    try {
      const metadata = await this.producer.sendBatch(batch.map((entry) => entry.message));
      if (metadata.length !== batch.length) {
        throw new Error(
          `ProducerBuffer: the producer answered ${metadata.length} metadata for ${batch.length} messages`,
        );
      }
      for (let index = 0; index < batch.length; index++)
        batch[index]!.listener.acknowledged(metadata[index]!);
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      for (const entry of batch) entry.listener.failed(failure);
    } finally {
      this.inFlight.delete(batch);
      this.settleFlushes(batch, failure);
      this.pump();
    }
  }

  /** Counts a settled request against the flushes waiting for (part of) it. */
  private settleFlushes(batch: Pending[], failure: Error | undefined): void {
    if (this.flushWaiters.length === 0 || batch.length === 0) return;
    const firstSeq = batch[0]!.seq;
    this.flushWaiters = this.flushWaiters.filter((waiter) => {
      // A request is a contiguous run of seqs: this many of its messages were accepted before the flush.
      const covered = Math.min(batch.length, waiter.lastSeq - firstSeq + 1);
      if (covered <= 0) return true;
      waiter.unsettled -= covered;
      waiter.failure ??= failure;
      if (waiter.unsettled > 0) return true;
      if (waiter.failure) waiter.reject(waiter.failure);
      else waiter.resolve();
      return false;
    });
  }

  private startLinger(fire: () => void): Timer {
    if (this.options.lingerSeconds === 0) {
      const handle = setImmediate(fire);
      return { cancel: () => clearImmediate(handle) };
    }
    const handle = setTimeout(fire, this.options.lingerSeconds * 1000);
    return { cancel: () => clearTimeout(handle) };
  }
}
