import { Stream } from '../streams/stream.js';
import type { EventSource, OutgoingRecord, SendTarget, StreamSourceFactory } from '../streams/types.js';
import type { RecordMetadata, TopicSpec } from '../transport/types.js';
import { Event, type MessageRef } from '../streams/event.js';
import { createSerde, type Serde, type TypeSpec } from './serde.js';
import type { ChannelHost, SendReceipt } from './types.js';

export interface TopicOptions<
  KS extends TypeSpec | undefined = TypeSpec | undefined,
  VS extends TypeSpec | undefined = TypeSpec | undefined,
> {
  /** What the key is: a model or 'string' | 'number' | 'bytes' | 'json'. */
  keyType?: KS;
  valueType?: VS;
  /** How the key is written: 'raw' (default for keys), 'json', 'binary' or a registered codec. */
  keySerializer?: string;
  /** How the value is written: 'json' (default for values), 'raw', 'binary' or a registered codec. */
  valueSerializer?: string;
  /** Used when the app declares the topic (topic_partitions by default). */
  partitions?: number;
  replicas?: number;
  /** Retention in seconds. */
  retention?: number;
  compacting?: boolean;
  deleting?: boolean;
  /** Internal topics are created by the app with these settings. */
  internal?: boolean;
  config?: Record<string, string>;
  /** Failed events go to `<appId>-<topic>-deadletter` (default: the app's deadLetter setting). */
  deadLetter?: boolean;
  /** Whether consumed offsets are committed (false for reply/leader topics). */
  acks?: boolean;
}

export type DeliveryCallback = (error: Error | null, metadata?: RecordMetadata) => void;

/** A Kafka topic with typed keys and values. */
export class Topic<K = unknown, V = unknown> implements SendTarget<K, V>, StreamSourceFactory {
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;

  constructor(
    readonly name: string,
    private readonly host: ChannelHost,
    readonly options: TopicOptions = {},
  ) {
    if (!name || /[^a-zA-Z0-9._-]/.test(name) || name.length > 249) {
      throw new Error(
        `invalid topic name ${JSON.stringify(name)}: use 1 to 249 characters of a-z, A-Z, 0-9, '.', '_' and '-'`,
      );
    }
    this.keySerde = createSerde<K>(
      options.keyType,
      options.keySerializer ?? host.defaults.keySerializer,
      'key',
    );
    this.valueSerde = createSerde<V>(
      options.valueType,
      options.valueSerializer ?? host.defaults.valueSerializer,
      'value',
    );
  }

  get commits(): boolean {
    return this.options.acks !== false;
  }

  get deadLetterEnabled(): boolean {
    return this.options.deadLetter ?? this.host.defaults.deadLetter;
  }

  /**
   * Serializes and queues a record; resolves once queued (as Faust's send), with `delivered`
   * settling on the broker's acknowledgement. Commits wait for delivery, so awaiting `send()`
   * in an agent is enough for at-least-once.
   */
  send(record: OutgoingRecord<K, V>, callback?: DeliveryCallback): Promise<SendReceipt> {
    let key: Buffer | null;
    let value: Buffer | null;
    try {
      key = this.keySerde.serialize(record.key ?? null);
      value = this.valueSerde.serialize(record.value);
    } catch (error) {
      const failure = new Error(`cannot send to topic ${this.name}: ${(error as Error).message}`, {
        cause: error,
      });
      callback?.(failure);
      return Promise.reject(failure);
    }
    const queued = this.host.produce(this.name, key, value, {
      partition: record.partition,
      timestamp: record.timestamp,
      headers: record.headers,
    });
    if (!callback) return queued;
    return queued.then((receipt) => {
      receipt.delivered.then(
        (metadata) => callback(null, metadata),
        (error: Error) => callback(error),
      );
      return receipt;
    });
  }

  /** Sends a record and waits for the broker's acknowledgement. */
  async sendAndWait(record: OutgoingRecord<K, V>): Promise<RecordMetadata> {
    return (await this.send(record)).delivered;
  }

  /** A new stream over this topic. */
  stream(): Stream<K, V> {
    return new Stream<K, V>(this.openSource(), this.host);
  }

  openSource(partitions?: ReadonlySet<number>): EventSource<K, V> {
    return new TopicSource<K, V>(this, this.host, partitions);
  }

  /** How the app declares this topic. */
  spec(): TopicSpec {
    const o = this.options;
    return {
      name: this.name,
      partitions: o.partitions ?? this.host.defaults.topicPartitions,
      replicationFactor: o.replicas ?? this.host.defaults.topicReplicationFactor,
      compacting: o.compacting,
      deleting: o.deleting,
      retentionMs: o.retention === undefined ? undefined : Math.round(o.retention * 1000),
      config: o.config,
    };
  }
}

/** Reads a topic's messages from its consumer buffer, decoding them; undecodable ones are dead-lettered. */
class TopicSource<K, V> implements EventSource<K, V> {
  private readonly buffer;

  constructor(
    private readonly topic: Topic<K, V>,
    private readonly host: ChannelHost,
    partitions?: ReadonlySet<number>,
  ) {
    this.buffer = host.subscribe(topic.name, partitions);
  }

  get name(): string {
    return this.topic.name;
  }

  close(): void {
    this.host.unsubscribe(this.buffer);
  }

  next(): Event<K, V> | undefined | Promise<Event<K, V> | undefined> {
    // Buffered messages are decoded synchronously; only waiting and dead-lettering go async.
    for (;;) {
      const ref = this.buffer.take();
      if (!ref) return this.buffer.isClosed ? undefined : this.nextAfterWait();
      const decoded = this.decode(ref);
      if (decoded instanceof Event) return decoded;
      if (decoded) return this.deadLetterThenNext(ref, decoded.error);
    }
  }

  private async nextAfterWait(): Promise<Event<K, V> | undefined> {
    const ref = await this.buffer.shift();
    if (!ref) return undefined;
    const decoded = this.decode(ref);
    if (decoded instanceof Event) return decoded;
    if (decoded) return this.deadLetterThenNext(ref, decoded.error);
    return this.next();
  }

  private async deadLetterThenNext(ref: MessageRef, error: unknown): Promise<Event<K, V> | undefined> {
    await this.host.deadLetter(new Event(null, null, ref.message, ref), error, 'decode');
    return this.next();
  }

  /** The message's event; undefined when it is of an older generation (refetched by the partition's owner). */
  private decode(ref: MessageRef): Event<K, V> | { error: unknown } | undefined {
    if (ref.generation !== this.host.generation()) return undefined;
    const { topic } = this;
    const message = ref.message;
    try {
      return new Event<K, V>(
        topic.keySerde.deserialize(message.key),
        topic.valueSerde.deserialize(message.value),
        message,
        ref,
      );
    } catch (error) {
      return { error };
    }
  }
}
