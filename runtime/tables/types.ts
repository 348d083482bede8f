/**
 * Table options and the interfaces between the table core and its neighbours: windowed tables
 * (runtime/tables/windows) and the partition assignor with standby replicas (runtime/assignor).
 */
import type { TypeOf, TypeSpec } from '../channels/serde.js';
import type { TopicPartition } from '../transport/types.js';

/** The TypeScript type of a table's keys or values: from the TypeSpec, else any JSON value. */
export type TableTypeOf<S> = S extends TypeSpec ? TypeOf<S> : unknown;

/** A changelog record applied to a table (recovery, standbys, global tables), decoded. */
export interface ChangelogEvent<K, V> {
  key: K;
  /** undefined for a deletion (a tombstone). */
  value: V | undefined;
  partition: number;
  offset: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

export interface TableOptions<
  KS extends TypeSpec | undefined = TypeSpec | undefined,
  VS extends TypeSpec | undefined = TypeSpec | undefined,
> {
  /** What the key is: a model or 'string' | 'number' | 'bytes' | 'json' (default: any JSON value). */
  keyType?: KS;
  valueType?: VS;
  /** How keys are written to the changelog (Faust's default for tables: 'json'; bytes stay raw). */
  keySerializer?: string;
  valueSerializer?: string;
  /** Value of a key that is not in the table (Faust's `default=int` is `() => 0`). Not stored. */
  default?: () => TableTypeOf<VS>;
  /** Changelog partitions (default: the topicPartitions setting); must equal the source topics'. */
  partitions?: number;
  /** Changelog topic name (default `<appId>-<table>-changelog`). */
  changelogTopic?: string;
  /** Store URL for this table (default: the `store` setting, `lmdb://`). */
  store?: string;
  /** Called after every recovery of this table has completed. */
  onRecover?: () => void | Promise<void>;
  /** Called for each changelog record read into the table (recovery, standbys, global tables). */
  onChangelogEvent?: (event: ChangelogEvent<TableTypeOf<KS>, TableTypeOf<VS>>) => void | Promise<void>;
  /** Windowed tables: called once per window when it closes (see runtime/tables/windows). */
  onWindowClose?: (key: unknown, value: TableTypeOf<VS>) => void | Promise<void>;
  /** Windowed tables: keep a key index table so keys()/entries() work (Faust's key_index). */
  keyIndex?: boolean;
  /** Changelog records applied per store transaction during recovery (Faust: 1000). */
  recoveryBufferSize?: number;
  /** Changelog records applied per store transaction on standbys and global tables (default: recoveryBufferSize). */
  standbyBufferSize?: number;
  /** Write each key to the changelog partition its serialized key hashes to, not the source event's. */
  usePartitioner?: boolean;
  /**
   * The topic whose events write this table (a topic or its name). A key's partition, for reads
   * outside any event (web routes, the router), is computed as this topic partitions its events:
   * its key serializer, then murmur2. Default: inferred from the topics the app's streams read
   * with as many partitions as the table (see runtime/tables/key-sources.ts).
   */
  sourceTopic?: string | { readonly name: string };
  /** Extra topic configs for the changelog topic (e.g. `{ 'segment.ms': '3600000' }`). */
  extraTopicConfigs?: Record<string, string>;
  /** One line about the table (the `tables` command shows it). */
  help?: string;
  /** Decoded values kept in memory per table for fast reads (default 100,000). */
  cacheSize?: number;
}

/** How the changelog topic is declared; windowed tables ask for `deleting` with a retention. */
export interface ChangelogConfig {
  /** cleanup.policy=compact,delete instead of compact. */
  deleting?: boolean;
  /** retention.ms (windowed tables: their `expires`). */
  retentionMs?: number;
}

/** A key and value of a table as held locally, with the changelog partition it belongs to. */
export interface RawEntry<V> {
  partition: number;
  /** The key as serialized in the changelog (e.g. `"abc"` for the string abc). */
  key: Buffer;
  value: V;
}

/**
 * Runs at every cleanup tick (tableCleanupInterval): windowed tables close and expire windows here,
 * by the committed event time of each partition.
 */
export interface TableExpirer {
  /** `nowMs`: wall-clock milliseconds; event-time expiry ignores it. */
  expire(nowMs: number): void | Promise<void>;
}

/**
 * What a windowed table (runtime/tables/windows) uses of the plain table it wraps. Keys are the
 * changelog key bytes (a windowed key is `[key,[start,end]]`, built by the windowed table); values
 * are the table's values. Writes follow the same rules as Table.set(): inside a stream only, into
 * the changelog partition of the event being processed.
 */
export interface WindowableTable<V> {
  readonly name: string;
  readonly changelogTopic: string;
  /** The table's options (onWindowClose, keyIndex, default...). */
  readonly options: TableOptions;
  /** Serialized key (JSON by default) of a plain key: the `key` inside `[key,[start,end]]`. */
  serializeKey(key: unknown): Buffer;
  getRaw(key: Buffer): V | undefined;
  partitionOfRaw(key: Buffer): number | undefined;
  setRaw(key: Buffer, value: V): void;
  deleteRaw(key: Buffer): boolean;
  /** Deletes an expired key of a partition (a tombstone), also outside an event. */
  expireRaw(partition: number, key: Buffer): void;
  /** The partitions whose keys this worker serves. */
  ownedPartitions(): number[];
  /** Changes with every assignment (rebalance) and start. */
  readonly assignmentEpoch: number;
  /** The highest committed event time (ms) of a partition; undefined when unknown. */
  committedEventTime(partition: number): number | undefined;
  /** Every key held for the partitions this worker owns (active ones; all for global tables). */
  localEntries(): Iterable<RawEntry<V>>;
  /** Changes how the changelog topic is declared; call before the app starts. */
  configureChangelog(config: ChangelogConfig): void;
  /** Registers something to run at every cleanup tick. */
  addExpirer(expirer: TableExpirer): void;
  /** A small fact kept with a partition's data (persisted with LMDB), e.g. the last closed window. */
  localMeta(partition: number, name: string): string | undefined;
  setLocalMeta(partition: number, name: string, value: string | undefined): Promise<void>;
}

/** A table's changelog as the assignor sees it. */
export interface ChangelogInfo {
  table: string;
  topic: string;
  partitions: number;
  /** Global tables: every worker reads every partition. */
  global: boolean;
}

/**
 * Standby replicas, decided by the partition assignor (runtime/assignor). After every rebalance
 * the table manager asks which changelog partitions this worker keeps as standbys; it reads them
 * continuously into the local store, so a standby promoted to active only replays the tail.
 */
export interface StandbyProvider {
  standbys(assignment: TopicPartition[], generation: number): TopicPartition[] | Promise<TopicPartition[]>;
  /** Optional: told the app's changelog topics when the worker starts, before its consumer joins. */
  declareTables?(tables: readonly { topic: string; partitions: number; global: boolean }[]): void;
  /** Optional: told which changelog partitions this worker has local state for (to keep them here). */
  setWarmPartitions?(partitions: Record<string, number[]>): void;
}
