/**
 * What a windowed table needs from the plain table it wraps (the table core implements it; see
 * WindowableTable in runtime/tables/types.ts, which has these members). Keys are changelog key
 * bytes; a windowed key is `[key,[start,end]]`, built here. Writes follow Table.set()'s rules:
 * inside a stream, into the changelog partition of the event being processed.
 */
import type { WindowRange } from './window.js';

/** How the changelog topic is declared (the table core's ChangelogConfig). */
export interface WindowChangelogConfig {
  /** cleanup.policy=compact,delete instead of compact. */
  deleting?: boolean;
  retentionMs?: number;
}

export interface WindowHostOptions<V> {
  default?: () => V;
  keyType?: unknown;
  keySerializer?: string;
  onWindowClose?: (key: unknown, value: V) => void | Promise<void>;
}

export interface WindowHost<V> {
  readonly name: string;
  readonly changelogTopic: string;
  readonly options: WindowHostOptions<V>;
  /** The changelog bytes of a plain key (JSON by default): the `key` inside `[key,[start,end]]`. */
  serializeKey(key: unknown): Buffer;
  /** The plain key of its changelog bytes; when absent, the windowed table decodes with the key type. */
  deserializeKey?(bytes: Buffer): unknown;
  getRaw(key: Buffer): V | undefined;
  /**
   * The partition holding the key locally (undefined when no owned partition has it): a window is
   * served only while the watermark of that partition has not passed its expiry.
   */
  partitionOfRaw(key: Buffer): number | undefined;
  setRaw(key: Buffer, value: V): void;
  deleteRaw(key: Buffer): boolean;
  /**
   * Deletes an expired key of a partition, inside or outside an event: from local state, and a
   * tombstone into the changelog partition (the store drops the key once the broker has it).
   */
  expireRaw(partition: number, key: Buffer): void;
  /** Every key held for the partitions this worker owns. */
  localEntries(): Iterable<{ partition: number; key: Buffer; value: V }>;
  configureChangelog(config: WindowChangelogConfig): void;
  localMeta(partition: number, name: string): string | undefined;
  setLocalMeta(partition: number, name: string, value: string | undefined): Promise<void>;
  /** Optional: a global table (every worker holds every partition); the cleanup tick skips it. */
  readonly global?: boolean;
  /** Optional: the partitions this worker serves (the cleanup tick visits them). */
  ownedPartitions?(): number[];
  /** Optional: changes with every assignment and start (local data must be read again). */
  readonly assignmentEpoch?: number;
  /**
   * Optional: the assignment epoch since which the partition is continuously this worker's
   * (undefined when it is not assigned): window state built since then is still valid.
   */
  activeSince?(partition: number): number | undefined;
  /** Optional: the highest committed event time (ms) of a partition; undefined when unknown. */
  committedEventTime?(partition: number): number | undefined;
  /** Optional: runs `expirer.expire` at every cleanup tick (tableCleanupInterval). */
  addExpirer?(expirer: { expire(nowMs: number): void | Promise<void> }): void;
  /**
   * Optional: `flush` is awaited at a graceful stop before the store closes, so the watermarks of
   * closes still running are recorded (without it they fire again after the restart).
   */
  addFlusher?(flush: () => Promise<void>): void;
}

/** A windowed key as onWindowClose receives it: Faust's `(key, (start, end))`. */
export type WindowedKey<K> = readonly [key: K, range: WindowRange];

export type WindowCloseCallback<K, V> = (key: WindowedKey<K>, value: V) => void | Promise<void>;
