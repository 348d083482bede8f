/**
 * The part of @confluentinc/kafka-javascript's native (node-rdkafka style) API this transport uses,
 * and loading it.
 *
 * The package is an optional dependency: it builds librdkafka from source at `npm install` where
 * no prebuilt binary downloads, and that needs Debian packages. So nothing here imports it at
 * load time, and its types are declared here (the subset used): `npm run build` and a worker on
 * kafkajs work without it; choosing `brokerClient: librdkafka` without it fails with what to
 * install.
 */
import { createRequire } from 'node:module';

export const PACKAGE = '@confluentinc/kafka-javascript';

/** Debian packages the source build of librdkafka needs (with CKJS_LINKING=dynamic). */
export const BUILD_PACKAGES = [
  'zlib1g-dev',
  'libssl-dev',
  'libzstd-dev',
  'liblz4-dev',
  'libsasl2-dev',
  'libcurl4-openssl-dev',
  'pkg-config',
] as const;

/** librdkafka configuration properties (CONFIGURATION.md); callbacks are functions. */
export type RdConfig = Record<string, string | number | boolean | ((...args: never[]) => void)>;

export interface RdError extends Error {
  code: number;
  isFatal?: boolean;
  isRetriable?: boolean;
  abortable?: boolean;
  origin?: string;
}

export interface RdTopicPartition {
  topic: string;
  partition: number;
  offset?: number;
  error?: RdError;
}

export type RdHeaders = { [name: string]: Buffer | string }[];

export interface RdMessage {
  topic: string;
  partition: number;
  offset: number;
  key?: Buffer | null;
  value: Buffer | null;
  timestamp?: number;
  headers?: RdHeaders;
}

export interface RdDeliveryReport {
  topic: string;
  partition: number;
  offset: number;
  timestamp?: number;
  opaque?: unknown;
}

export interface RdMetadata {
  topics: { name: string; partitions: { id: number; leader: number }[] }[];
}

type Callback<T = void> = (error: RdError | null | undefined, value: T) => void;

export interface RdClient {
  connect(options: { timeout?: number; topic?: string; allTopics?: boolean }, cb: Callback<RdMetadata>): void;
  disconnect(cb?: Callback<unknown>): void;
  isConnected(): boolean;
  getMetadata(
    options: { topic?: string; timeout?: number; allTopics?: boolean },
    cb: Callback<RdMetadata>,
  ): void;
  on(event: 'event.log', listener: (entry: { severity: number; fac: string; message: string }) => void): void;
  on(event: 'event.error', listener: (error: RdError) => void): void;
  on(event: 'delivery-report', listener: (error: RdError | null, report: RdDeliveryReport) => void): void;
}

export interface RdKafkaConsumer extends RdClient {
  subscribe(topics: string[]): void;
  unsubscribe(): void;
  consume(count: number, cb: Callback<RdMessage[]>): void;
  setDefaultConsumeTimeout(timeoutMs: number): void;
  assign(assignment: RdTopicPartition[]): void;
  unassign(): void;
  incrementalAssign(assignment: RdTopicPartition[]): void;
  incrementalUnassign(assignment: RdTopicPartition[]): void;
  assignmentLost(): boolean;
  rebalanceProtocol(): 'NONE' | 'EAGER' | 'COOPERATIVE';
  /** Queues a commit; the result comes to the offset_commit_cb while the consumer is polled. */
  commit(offsets: RdTopicPartition[]): void;
  committed(partitions: RdTopicPartition[], timeoutMs: number, cb: Callback<RdTopicPartition[]>): void;
  queryWatermarkOffsets(
    topic: string,
    partition: number,
    timeoutMs: number,
    cb: Callback<{ lowOffset: number; highOffset: number }>,
  ): void;
  pause(partitions: RdTopicPartition[]): void;
  resume(partitions: RdTopicPartition[]): void;
  seek(partition: RdTopicPartition, timeoutMs: number, cb: (error?: RdError) => void): void;
}

export interface RdProducer extends RdClient {
  produce(
    topic: string,
    partition: number,
    value: Buffer | null,
    key: Buffer | null,
    timestamp: number | null,
    opaque: unknown,
    headers: RdHeaders | undefined,
  ): void;
  setPollInBackground(on: boolean): void;
  flush(timeoutMs: number, cb: (error?: RdError) => void): void;
  initTransactions(timeoutMs: number, cb: (error?: RdError) => void): void;
  beginTransaction(cb: (error?: RdError) => void): void;
  commitTransaction(timeoutMs: number, cb: (error?: RdError) => void): void;
  abortTransaction(timeoutMs: number, cb: (error?: RdError) => void): void;
  sendOffsetsToTransaction(
    offsets: RdTopicPartition[],
    consumer: RdKafkaConsumer,
    timeoutMs: number,
    cb: (error?: RdError) => void,
  ): void;
}

export interface RdListedOffsets {
  topic: string;
  partitions: { partition: number; offset: number | string; high?: string; low?: string }[];
}

/** The KafkaJS-compatible admin client (promise API), used for the admin operations. */
export interface KjsAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  listTopics(): Promise<string[]>;
  createTopics(options: {
    topics: {
      topic: string;
      numPartitions: number;
      replicationFactor: number;
      configEntries: { name: string; value: string }[];
    }[];
    timeout?: number;
  }): Promise<boolean>;
  deleteTopics(options: { topics: string[]; timeout?: number }): Promise<void>;
  /** Unlike kafkajs's, an array of the topics. */
  fetchTopicMetadata(options: {
    topics: string[];
  }): Promise<{ name: string; partitions: { partitionId: number; leader: number }[] }[]>;
  fetchTopicOffsets(topic: string): Promise<{ partition: number; low: string; high: string }[]>;
  fetchOffsets(options: {
    groupId: string;
    topics: string[];
  }): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
}

export interface KafkaJavascript {
  KafkaConsumer: new (config: RdConfig, topicConfig: RdConfig) => RdKafkaConsumer;
  Producer: new (config: RdConfig, topicConfig?: RdConfig) => RdProducer;
  CODES: { ERRORS: Record<string, number> };
  librdkafkaVersion: string;
  features: string[];
  KafkaJS: {
    Kafka: new (config: Record<string, unknown>) => { admin(): KjsAdmin };
    logLevel: Record<string, number>;
  };
}

let loaded: KafkaJavascript | undefined;

/** Loads the package (once), or throws naming what to install. */
export function loadKafkaJavascript(): KafkaJavascript {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  try {
    loaded = require(PACKAGE) as KafkaJavascript;
  } catch (error) {
    throw missingClientError(error);
  }
  return loaded;
}

export function missingClientError(cause: unknown): Error {
  const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
  return new Error(
    `brokerClient "librdkafka" needs the optional dependency ${PACKAGE}, which is not installed or did not build ` +
      `(${reason}). It builds librdkafka from source: install the Debian packages ${BUILD_PACKAGES.join(' ')} ` +
      `(apt-get install -y ${BUILD_PACKAGES.join(' ')}), then run \`CKJS_LINKING=dynamic npm install ${PACKAGE}\`; ` +
      'or use brokerClient "kafkajs".',
    { cause },
  );
}
