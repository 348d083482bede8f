/**
 * TransportProducer on librdkafka's native producer: every message of a sendBatch() is queued
 * with produce() at once (librdkafka groups them into requests per broker) and the batch resolves
 * when every delivery report came back, in the order given. Delivery reports are served by
 * librdkafka's background polling thread, so no JS timer polls.
 *
 * With acks -1 the producer is idempotent: librdkafka then keeps per-partition order across
 * retries with several requests in flight. With acks 0 or 1 one request is in flight per broker.
 * A topic this producer has not sent to before is checked against the broker's metadata first:
 * librdkafka would otherwise hold messages to a missing topic until message.timeout.ms.
 */
import { estimateRecordBytes } from '../producer-buffer.js';
import type {
  OutgoingMessage,
  ProducerOptions,
  RecordMetadata,
  TransportOptions,
  TransportProducer,
} from '../types.js';
import { SCHEME_LABEL, call, clientConfig, connectError, operationError, routeLogs } from './config.js';
import {
  type RdConfig,
  type RdDeliveryReport,
  type RdError,
  type RdHeaders,
  type RdMetadata,
  type RdProducer,
  loadKafkaJavascript,
} from './native.js';

export const SUPPORTED_COMPRESSION = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

/** The most librdkafka's idempotent producer allows while keeping order. */
const IDEMPOTENT_IN_FLIGHT = 5;

/** librdkafka's ERR__QUEUE_FULL: the local queue is full; wait for deliveries and retry. */
const QUEUE_FULL = -184;

type ConnectionState = 'idle' | 'connecting' | 'connected' | 'disconnected';

/** One sendBatch in flight: its metadata by position, filled by delivery reports. */
interface BatchDelivery {
  metadata: (RecordMetadata | undefined)[];
  pending: number;
  error: Error | undefined;
  settle(): void;
}

interface Opaque {
  batch: BatchDelivery;
  index: number;
}

export function producerConfig(transport: TransportOptions, options: ProducerOptions): RdConfig {
  if (![-1, 0, 1].includes(options.acks)) {
    throw new Error(`${SCHEME_LABEL} producer: acks must be -1, 0 or 1, not ${options.acks}`);
  }
  if (!(SUPPORTED_COMPRESSION as readonly string[]).includes(options.compression)) {
    throw new Error(
      `${SCHEME_LABEL} producer: unknown compression '${options.compression}'; use one of ${SUPPORTED_COMPRESSION.join(', ')}`,
    );
  }
  const idempotent = options.acks === -1;
  return {
    ...clientConfig(transport, options.clientId),
    acks: options.acks,
    'enable.idempotence': idempotent,
    'max.in.flight.requests.per.connection': idempotent ? IDEMPOTENT_IN_FLIGHT : 1,
    'compression.codec': options.compression,
    'message.max.bytes': Math.max(1000, options.maxRequestSize),
    // librdkafka's upper bound; Faust's default producer request timeout (1200 s) is above it.
    'request.timeout.ms': Math.min(options.requestTimeoutMs, 900_000),
    'message.timeout.ms': Math.max(options.requestTimeoutMs, 60_000),
    // sendBatch() hands over whole batches (the ProducerBuffer groups them): no need to linger.
    'linger.ms': 0,
    'queue.buffering.max.messages': 1_000_000,
    'allow.auto.create.topics': false,
    dr_cb: true,
  };
}

/** The produce/delivery-report machinery, shared with the transactional producer. */
export class RdDelivery {
  private readonly knownTopics = new Set<string>();
  /** The hand-over to librdkafka still under way, if any (see handOverInOrder). */
  private handingOver: Promise<void> | undefined;

  constructor(
    readonly producer: RdProducer,
    private readonly label: string,
    private readonly maxRequestSize: number,
    private readonly metadataTimeoutMs: number,
  ) {
    producer.on('delivery-report', (error, report) => this.delivered(error, report));
  }

  async send(messages: OutgoingMessage[]): Promise<RecordMetadata[]> {
    if (messages.length === 0) return [];
    for (const message of messages) {
      const bytes = estimateRecordBytes(message);
      if (bytes > this.maxRequestSize) {
        throw new Error(
          `${this.label}: a message of ${bytes} bytes to ${message.topic}[${message.partition}] ` +
            `exceeds maxRequestSize ${this.maxRequestSize}`,
        );
      }
    }
    return new Promise<RecordMetadata[]>((resolve, reject) => {
      const batch: BatchDelivery = {
        metadata: new Array(messages.length),
        pending: messages.length,
        error: undefined,
        settle: () => {
          if (batch.error) reject(batch.error);
          else resolve(batch.metadata as RecordMetadata[]);
        },
      };
      if (!this.handingOver && this.knowsTopics(messages)) {
        const next = this.produceFrom(messages, batch, 0);
        if (next < messages.length) this.handOverInOrder(() => this.produceRest(messages, batch, next));
        return;
      }
      this.handOverInOrder(async () => {
        try {
          await this.requireTopics(messages);
        } catch (error) {
          this.fail(batch, messages.length, error as Error);
          return;
        }
        await this.produceRest(messages, batch, 0);
      });
    });
  }

  /**
   * Runs `step` once every earlier hand-over is done: batches reach librdkafka in the order of
   * send() calls (which keeps each partition's order) even when one waits for a metadata check or
   * for room in librdkafka's queue.
   */
  private handOverInOrder(step: () => Promise<void>): void {
    const current = (this.handingOver ?? Promise.resolve()).then(step);
    this.handingOver = current;
    void current.finally(() => {
      if (this.handingOver === current) this.handingOver = undefined;
    });
  }

  private knowsTopics(messages: OutgoingMessage[]): boolean {
    for (const message of messages) if (!this.knownTopics.has(message.topic)) return false;
    return true;
  }

  private async produceRest(messages: OutgoingMessage[], batch: BatchDelivery, from: number): Promise<void> {
    let next = this.produceFrom(messages, batch, from);
    while (next < messages.length) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      next = this.produceFrom(messages, batch, next);
    }
  }

  /** Produces messages from `from` on; answers where librdkafka's queue was full (or the end). */
  private produceFrom(messages: OutgoingMessage[], batch: BatchDelivery, from: number): number {
    for (let index = from; index < messages.length; index++) {
      const message = messages[index]!;
      try {
        this.producer.produce(
          message.topic,
          message.partition,
          message.value,
          message.key,
          message.timestamp ?? null,
          { batch, index } satisfies Opaque,
          toRdHeaders(message.headers),
        );
      } catch (error) {
        if ((error as Partial<RdError>).code === QUEUE_FULL) return index;
        this.fail(
          batch,
          messages.length - index,
          operationError(`${this.label}: produce to ${message.topic}`, error),
        );
        return messages.length;
      }
    }
    return messages.length;
  }

  private fail(batch: BatchDelivery, count: number, error: Error): void {
    batch.error ??= error;
    batch.pending -= count;
    if (batch.pending === 0) batch.settle();
  }

  private delivered(error: RdError | null, report: RdDeliveryReport): void {
    const opaque = report.opaque as Opaque | undefined;
    if (!opaque) return;
    const { batch, index } = opaque;
    if (error) {
      batch.error ??= operationError(
        `${this.label}: sending to ${report.topic}[${report.partition}] failed`,
        error,
      );
    } else {
      batch.metadata[index] = {
        topic: report.topic,
        partition: report.partition,
        offset: Number(report.offset),
        timestamp: report.timestamp ?? -1,
      };
    }
    batch.pending -= 1;
    if (batch.pending === 0) batch.settle();
  }

  /** Rejects, naming them, when topics not sent to before do not exist or lack the partition. */
  private async requireTopics(messages: OutgoingMessage[]): Promise<void> {
    const unseen = [...new Set(messages.map((m) => m.topic))].filter((topic) => !this.knownTopics.has(topic));
    if (unseen.length === 0) return;
    let metadata: RdMetadata;
    try {
      metadata = await call<RdMetadata>((done) =>
        this.producer.getMetadata({ allTopics: true, timeout: this.metadataTimeoutMs }, done),
      );
    } catch (error) {
      throw operationError(`${this.label}: checking that ${unseen.join(', ')} exist failed`, error);
    }
    const partitions = new Map(metadata.topics.map((topic) => [topic.name, topic.partitions.length]));
    const missing = unseen.filter((topic) => !partitions.has(topic));
    if (missing.length > 0) {
      const subject = missing.length === 1 ? `topic ${missing[0]} does` : `topics ${missing.join(', ')} do`;
      throw new Error(`${this.label}: ${subject} not exist (the producer does not create topics)`);
    }
    for (const message of messages) {
      const count = partitions.get(message.topic);
      if (count !== undefined && (message.partition < 0 || message.partition >= count)) {
        throw new Error(
          `${this.label}: topic ${message.topic} has no partition ${message.partition} (it has ${count} partitions)`,
        );
      }
    }
    for (const topic of unseen) this.knownTopics.add(topic);
  }
}

export function toRdHeaders(headers: OutgoingMessage['headers']): RdHeaders | undefined {
  if (!headers) return undefined;
  const entries = Object.entries(headers);
  if (entries.length === 0) return undefined;
  return entries.map(([name, value]) => ({ [name]: value }));
}

/** connect() and disconnect() of a native producer, shared with the transactional producer. */
export async function connectProducer(
  producer: RdProducer,
  transport: TransportOptions,
  what: string,
): Promise<void> {
  try {
    await call((done) => producer.connect({ timeout: connectTimeoutMs(transport), allTopics: false }, done));
  } catch (error) {
    throw connectError(transport, what, error);
  }
  producer.setPollInBackground(true);
}

export function connectTimeoutMs(transport: TransportOptions): number {
  return Math.max(5_000, transport.connectionTimeoutMs * 2);
}

export async function disconnectProducer(producer: RdProducer, flushTimeoutMs: number): Promise<void> {
  if (!producer.isConnected()) return;
  await call((done) => producer.flush(flushTimeoutMs, done)).catch(() => {});
  await call((done) => producer.disconnect(done)).catch(() => {});
}

export class RdTransportProducer implements TransportProducer {
  /** Idempotent (acks -1): librdkafka keeps per-partition order with up to 5 requests in flight. */
  readonly orderedInFlight: number;
  private readonly producer: RdProducer;
  private readonly delivery: RdDelivery;
  private state: ConnectionState = 'idle';
  private connecting: Promise<void> | undefined;
  private readonly label = `${SCHEME_LABEL} producer`;

  constructor(
    private readonly transport: TransportOptions,
    private readonly options: ProducerOptions,
  ) {
    const { Producer } = loadKafkaJavascript();
    this.orderedInFlight = options.acks === -1 ? IDEMPOTENT_IN_FLIGHT : 1;
    this.producer = new Producer(producerConfig(transport, options));
    routeLogs(this.producer, transport, this.label);
    this.delivery = new RdDelivery(
      this.producer,
      this.label,
      options.maxRequestSize,
      options.requestTimeoutMs,
    );
  }

  connect(): Promise<void> {
    if (this.state === 'connected') return Promise.resolve();
    if (this.connecting) return this.connecting;
    if (this.state === 'disconnected')
      return Promise.reject(new Error(`${this.label}: connect() after disconnect()`));
    this.state = 'connecting';
    this.connecting = connectProducer(this.producer, this.transport, 'producer connect')
      .then(() => {
        this.state = 'connected';
      })
      .catch((error: unknown) => {
        this.state = 'idle';
        throw error;
      })
      .finally(() => {
        this.connecting = undefined;
      });
    return this.connecting;
  }

  async sendBatch(messages: OutgoingMessage[]): Promise<RecordMetadata[]> {
    if (this.state !== 'connected') {
      throw new Error(`${this.label}: sendBatch while ${this.state}; call connect() first`);
    }
    return this.delivery.send(messages);
  }

  async disconnect(): Promise<void> {
    if (this.state === 'disconnected') return;
    await this.connecting?.catch(() => {});
    this.state = 'disconnected';
    await disconnectProducer(this.producer, this.options.requestTimeoutMs);
  }
}
