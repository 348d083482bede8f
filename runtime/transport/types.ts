/**
 * The transport contract: everything the runtime needs from a message broker.
 * `kafka://` (kafkajs) and `memory://` (in-process) implement it; another client is one more folder.
 *
 * Offsets are plain numbers (Kafka's int64 offsets stay far below 2^53 in practice).
 * A committed offset is, as in Kafka, the offset of the NEXT message to read.
 */

export type {
  CommitOffset,
  Headers,
  Message,
  MessageBatch,
  OutgoingMessage,
  RecordMetadata,
  TopicPartition,
} from '../core/types.js';
import type {
  CommitOffset,
  MessageBatch,
  OutgoingMessage,
  RecordMetadata,
  TopicPartition,
} from '../core/types.js';

export interface ConsumerHandlers {
  /**
   * Called with each fetched batch; it enqueues the messages at once. When the runtime's buffers
   * are full it returns a promise that resolves once there is room again: the transport then
   * fetches no more of this partition until it resolves (back-pressure), while it keeps the
   * member alive (heartbeats) and stops waiting when a rebalance or a stop comes, so a slow
   * agent never stalls the group. A rejection is a runtime bug: the consumer stops.
   */
  onBatch(batch: MessageBatch): void | Promise<void>;
  /**
   * Called after every completed rebalance with this member's whole new assignment. Messages
   * delivered before it and not yet committed will be delivered again by whoever owns the
   * partition now (at-least-once): drop them.
   */
  onAssigned(assignment: TopicPartition[], generation: number): void | Promise<void>;
  /**
   * Optional (Kafka's onPartitionsRevoked). Called when a rebalance begins, before this member
   * gives up `assignment` (the eager protocol revokes it all) and rejoins, while commits of
   * `generation` are still accepted: the runtime finishes or drops its work of that generation and
   * commits it, so the next owner of a partition does not do it again. The transport waits for the
   * promise before it rejoins (the runtime bounds how long); a rejection is logged and the
   * rebalance goes on. Not called for the first join, nor when the member was already expelled.
   */
  onRevoking?(assignment: TopicPartition[], generation: number): Promise<void>;
  /**
   * Optional. The fetch position of an assigned partition moved to `nextOffset` over offsets that
   * carried no message to deliver (transaction markers, records of aborted transactions). A reader
   * that must reach a partition's high watermark (table recovery) needs it: otherwise it would wait
   * for offsets that never come. Transports that never skip offsets (memory://) never call it.
   */
  onPosition?(partition: TopicPartition, nextOffset: number): void;
  /** Called when the group is left or the consumer crashed for good. */
  onStopped?(error?: Error): void;
}

export interface ConsumerOptions {
  groupId: string;
  clientId: string;
  autoOffsetReset: 'earliest' | 'latest';
  /**
   * A fetch position outside the partition's range (OffsetOutOfRange): reset to the earliest or
   * latest offset, or 'none': stop the partition with an error. Default: autoOffsetReset.
   */
  offsetOutOfRange?: 'earliest' | 'latest' | 'none';
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
  requestTimeoutMs: number;
  /** Upper bound on bytes fetched per request. */
  maxFetchBytes: number;
  /** Upper bound on messages handed over per batch (0 = no bound). */
  maxPollRecords: number;
  /** Custom assignment protocols (kafkajs assigners); transports that cannot use them ignore them. */
  partitionAssigners?: unknown[];
  /** Static membership (KIP-345, group.instance.id); transports that cannot use it ignore it. */
  groupInstanceId?: string;
}

/**
 * What a runtime part asks of the worker's connections for a consumer of its own (the changelog
 * reader, RPC replies): the worker turns it and the settings into ConsumerOptions, alike for all.
 */
export interface ConsumerPurpose {
  groupId: string;
  /** Default: the consumerAutoOffsetReset setting. */
  autoOffsetReset?: 'earliest' | 'latest';
  /** Default: the brokerMaxPollRecords setting (0 = no bound). */
  maxPollRecords?: number;
  /** What an out-of-range fetch offset does (ConsumerOptions.offsetOutOfRange); default autoOffsetReset. */
  offsetOutOfRange?: 'earliest' | 'latest' | 'none';
  partitionAssigners?: unknown[];
}

/** A consumer reads committed data only (Kafka's isolation.level=read_committed). */
export interface TransportConsumer {
  /** Adds topics to the subscription; call before start(). */
  subscribe(topics: string[]): void;
  /** Joins the group and starts fetching; resolves once running (the first assignment may come later). */
  start(handlers: ConsumerHandlers): Promise<void>;
  /** Commits offsets for partitions this member owns. Rejects when the group has moved on. */
  commit(offsets: CommitOffset[]): Promise<void>;
  /** Stops fetching these partitions until resume(); already delivered messages stay delivered. */
  pause(partitions: TopicPartition[]): void;
  resume(partitions: TopicPartition[]): void;
  /** Next fetch of this partition starts at `offset`. */
  seek(partition: TopicPartition, offset: number): void;
  /** The current assignment (empty before the first rebalance). */
  assignment(): TopicPartition[];
  /** Leaves the group and stops fetching. Idempotent. */
  stop(): Promise<void>;
}

export interface ProducerOptions {
  clientId: string;
  /** -1 (all in-sync replicas), 0 or 1. */
  acks: -1 | 0 | 1;
  /** lz4 and zstd: librdkafka only. */
  compression: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
  requestTimeoutMs: number;
  /** Max bytes in one produce request. */
  maxRequestSize: number;
}

export interface TransportProducer {
  /**
   * Optional: how many requests may be in flight at once with per-partition order kept across
   * retries (an idempotent producer); the ProducerBuffer then keeps that many in flight. Default 1.
   */
  readonly orderedInFlight?: number;
  connect(): Promise<void>;
  /** Sends messages as one request (per broker); resolves with one metadata per message, in order. */
  sendBatch(messages: OutgoingMessage[]): Promise<RecordMetadata[]>;
  disconnect(): Promise<void>;
}

export interface TransactionalProducerOptions extends ProducerOptions {
  /**
   * Connecting a producer with an id fences every older producer with the same id (their later
   * sends and commits fail) and aborts their open transaction. Per input partition (app id +
   * partition) that alone keeps a replaced worker (a zombie) from committing (EOS v1).
   */
  transactionalId: string;
  /** The broker aborts a transaction left open longer than this. */
  transactionTimeoutMs: number;
  /**
   * Only on a transport with `fencesByGroupMetadata` (KIP-447, EOS v2): the group member whose
   * group metadata (generation, member id) every sendOffsets() of this producer carries, so the
   * group coordinator refuses the offsets of a member of an older generation (a zombie). Its
   * sendOffsets() then commits for that member's group only.
   */
  groupMember?: TransportConsumer;
}

/**
 * A producer whose sends and consumed offsets become visible together or not at all (Kafka
 * transactions: consume-transform-produce). A transaction begins with the first sendBatch() or
 * sendOffsets() after connect(), commit() or abort(); consumers reading committed data never see
 * its records before commit() resolves, nor ever after abort().
 */
export interface TransactionalProducer {
  /** Registers the transactional id (fencing older producers with it). */
  connect(): Promise<void>;
  /**
   * Sends messages within the open transaction; resolves once the broker has them (not yet
   * visible). Their offsets are final only once committed (memory:// assigns them at commit).
   */
  sendBatch(messages: OutgoingMessage[]): Promise<void>;
  /** Adds a consumer group's offsets (next to read) to the open transaction. */
  sendOffsets(groupId: string, offsets: CommitOffset[]): Promise<void>;
  /**
   * Makes the open transaction's records and offsets visible; resolves with the metadata of every
   * record sent in it, in send order (empty without an open transaction).
   */
  commit(): Promise<RecordMetadata[]>;
  /** Discards the open transaction. No-op without one. */
  abort(): Promise<void>;
  /** True while a transaction is open. */
  readonly inTransaction: boolean;
  disconnect(): Promise<void>;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** cleanup.policy=compact (with `deleting` too: compact,delete). */
  compacting?: boolean;
  deleting?: boolean;
  retentionMs?: number;
  config?: Record<string, string>;
}

export interface PartitionOffsets {
  partition: number;
  /** First available offset. */
  low: number;
  /** One past the last offset. */
  high: number;
}

export interface TransportAdmin {
  /** Creates the topics that do not exist; existing ones are left as they are. */
  createTopics(specs: TopicSpec[]): Promise<void>;
  deleteTopics(names: string[]): Promise<void>;
  listTopics(): Promise<string[]>;
  /** Partition count, or undefined when the topic does not exist. */
  partitionCount(topic: string): Promise<number | undefined>;
  topicOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** Committed offsets of a group for a topic (-1 where nothing is committed). */
  committedOffsets(groupId: string, topic: string): Promise<CommitOffset[]>;
  /** A broker setting, e.g. `message.max.bytes` (absent: the transport has no brokers to ask). */
  brokerConfig?(name: string): Promise<string | undefined>;
  close(): Promise<void>;
}

export interface TransportOptions {
  /** Broker URLs of this transport's scheme, e.g. ["kafka://127.0.0.1:9092"]. */
  urls: string[];
  clientId: string;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  /** SASL credentials and TLS (runtime services issue); undefined = plaintext. */
  sasl?: unknown;
  ssl?: unknown;
  /** Logger for client diagnostics. */
  log?: (
    level: 'debug' | 'info' | 'warn' | 'error',
    message: string,
    extra?: Record<string, unknown>,
  ) => void;
}

export interface Transport {
  readonly scheme: string;
  /**
   * Whether its transactional producers take `groupMember` (KIP-447): offsets sent in a transaction
   * are then fenced by the consumer's generation, so one producer can serve every partition of a
   * worker (EOS v2). Absent: fencing is by transactional id only (a producer per input partition).
   */
  readonly fencesByGroupMetadata?: boolean;
  createConsumer(options: ConsumerOptions): TransportConsumer;
  createProducer(options: ProducerOptions): TransportProducer;
  createTransactionalProducer(options: TransactionalProducerOptions): TransactionalProducer;
  createAdmin(): TransportAdmin;
}

export type TransportFactory = (options: TransportOptions) => Transport;
