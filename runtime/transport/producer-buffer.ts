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
 * In flight: at most `maxInFlight` requests per topic partition (default 1), and at most
 * `maxRequestsInFlight` requests in all. kafkajs keeps the order of messages within one partition
 * inside one request, and retries a failed request on its own (not idempotent). With two requests
 * of one partition in flight, the first can fail and be retried after the second was written, so
 * the partition's messages would land out of order; with one, a partition's next request starts
 * only after the previous one settled, retries included. Requests over distinct partitions do not
 * race that way, so they go out side by side: a request takes the due messages of partitions with
 * room in flight, in queue order, and leaves the others queued for a later one. While requests are
 * in flight the queue keeps filling, and the next request takes what is queued, up to maxRequestSize.
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
   * Requests in flight at once per topic partition; default: the producer's orderedInFlight (an
   * idempotent producer keeps order with several), else 1 (see the module comment).
   */
  maxInFlight?: number;
  /**
   * Requests in flight at once in all (default: maxInFlight). More than one suits only a caller
   * that takes each message's metadata from its own request: a transactional producer answers
   * every record at commit in the order its requests reached it, so its requests go one by one.
   */
  maxRequestsInFlight?: number;
}

/** Requests in flight at once in all for the app's producer, as the Java client's per connection. */
export const SIDE_BY_SIDE_REQUESTS = 5;

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
  /** Requests in flight per topic, per partition. */
  private readonly busy = new Map<string, Map<number, number>>();
  /**
   * The last look found every due message waiting for its partition: no look again (a scan of the
   * whole queue) until a request settles, more messages become due, or one of a free partition comes.
   */
  private stalled = false;
  private timer: Timer | undefined;
  private accepted = 0;
  private flushWaiters: FlushWaiter[] = [];
  private readonly maxInFlight: number;
  private readonly maxRequestsInFlight: number;

  constructor(
    private readonly producer: TransportProducer,
    private readonly options: ProducerBufferOptions,
  ) {
    this.maxInFlight = options.maxInFlight ?? producer.orderedInFlight ?? 1;
    this.maxRequestsInFlight = options.maxRequestsInFlight ?? this.maxInFlight;
    const check = (name: string, value: number, min: number) => {
      if (!Number.isFinite(value) || value < min) {
        throw new Error(`ProducerBuffer: ${name} must be a number >= ${min}, not ${value}`);
      }
    };
    check('maxBatchBytes', options.maxBatchBytes, 1);
    check('lingerSeconds', options.lingerSeconds, 0);
    check('maxRequestSize', options.maxRequestSize, 1);
    check('maxInFlight', this.maxInFlight, 1);
    check('maxRequestsInFlight', this.maxRequestsInFlight, 1);
    for (const [name, value] of [
      ['maxInFlight', this.maxInFlight],
      ['maxRequestsInFlight', this.maxRequestsInFlight],
    ] as const) {
      if (!Number.isInteger(value))
        throw new Error(`ProducerBuffer: ${name} must be an integer, not ${value}`);
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
    if (this.stalled && (this.busy.get(message.topic)?.get(message.partition) ?? 0) < this.maxInFlight) {
      this.stalled = false;
    }
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
    this.stalled = false;
    const flushed = new Promise<void>((resolve, reject) => {
      this.flushWaiters.push({ lastSeq: this.accepted - 1, unsettled, failure: undefined, resolve, reject });
    });
    this.pump();
    return flushed;
  }

  /** Starts requests while there is room in flight and due messages; arms the linger timer. */
  private pump(): void {
    while (!this.stalled && this.inFlight.size < this.maxRequestsInFlight && this.due > 0) {
      const request = this.takeRequest();
      if (!request) {
        this.stalled = true; // every due message waits for its partition's request in flight
        break;
      }
      this.due = Math.max(0, this.due - request.batch.length);
      void this.sendRequest(request.batch, request.partitions);
    }
    if (this.queue.length > this.due && !this.timer) {
      this.timer = this.startLinger(() => {
        this.timer = undefined;
        this.due = this.queue.length;
        this.stalled = false;
        this.pump();
      });
    } else if (this.queue.length === 0 && this.timer) {
      this.timer.cancel();
      this.timer = undefined;
    }
  }

  /**
   * Takes due messages in queue order, at least one, up to maxRequestSize bytes, skipping those of
   * partitions that have no room in flight (they keep their place and order in the queue).
   */
  private takeRequest(): { batch: Pending[]; partitions: Map<string, Set<number>> } | undefined {
    const partitionsByTopic = new Map<string, Set<number>>();
    const skipped: Pending[] = [];
    const batch: Pending[] = [];
    // Consecutive messages mostly share a topic: skip the map lookup then.
    let lastTopic: string | undefined;
    let lastPartitions: Set<number> | undefined;
    let bytes = REQUEST_OVERHEAD;
    let scanned = 0;
    for (; scanned < this.due && scanned < this.queue.length; scanned++) {
      const entry = this.queue[scanned]!;
      const { topic, partition } = entry.message;
      let partitions = topic === lastTopic ? lastPartitions : partitionsByTopic.get(topic);
      const newPartition = !partitions?.has(partition);
      if (newPartition && (this.busy.get(topic)?.get(partition) ?? 0) >= this.maxInFlight) {
        skipped.push(entry);
        continue;
      }
      let cost = entry.bytes;
      if (!partitions) cost += 6 + Buffer.byteLength(topic);
      if (newPartition) cost += PARTITION_OVERHEAD;
      if (batch.length > 0 && bytes + cost > this.options.maxRequestSize) break;
      if (!partitions) {
        partitions = new Set();
        partitionsByTopic.set(topic, partitions);
      }
      if (newPartition) partitions.add(partition);
      lastTopic = topic;
      lastPartitions = partitions;
      bytes += cost;
      batch.push(entry);
    }
    if (batch.length === 0) return undefined;
    // The skipped entries move up, in order, to just before the first entry not looked at.
    const start = scanned - skipped.length;
    for (let i = 0; i < skipped.length; i++) this.queue[start + i] = skipped[i]!;
    this.queue.splice(0, start);
    for (const entry of batch) this.queuedBytes -= entry.bytes;
    return { batch, partitions: partitionsByTopic };
  }

  private async sendRequest(batch: Pending[], partitions: Map<string, Set<number>>): Promise<void> {
    this.inFlight.add(batch);
    this.countBusy(partitions, 1);
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
      this.countBusy(partitions, -1);
      this.stalled = false;
      this.settleFlushes(batch, failure);
      this.pump();
    }
  }

  /** Counts a settled request against the flushes waiting for (part of) it. */
  private settleFlushes(batch: Pending[], failure: Error | undefined): void {
    if (this.flushWaiters.length === 0 || batch.length === 0) return;
    this.flushWaiters = this.flushWaiters.filter((waiter) => {
      let covered = 0;
      for (const entry of batch) if (entry.seq <= waiter.lastSeq) covered++;
      if (covered === 0) return true;
      waiter.unsettled -= covered;
      waiter.failure ??= failure;
      if (waiter.unsettled > 0) return true;
      if (waiter.failure) waiter.reject(waiter.failure);
      else waiter.resolve();
      return false;
    });
  }

  private countBusy(partitions: Map<string, Set<number>>, delta: 1 | -1): void {
    for (const [topic, set] of partitions) {
      let counts = this.busy.get(topic);
      if (!counts) {
        counts = new Map();
        this.busy.set(topic, counts);
      }
      for (const partition of set) {
        const count = (counts.get(partition) ?? 0) + delta;
        if (count > 0) counts.set(partition, count);
        else counts.delete(partition);
      }
      if (counts.size === 0) this.busy.delete(topic);
    }
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
