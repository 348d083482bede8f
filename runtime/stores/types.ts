/**
 * The store contract: where a table keeps its local state, per changelog partition.
 *
 * A store holds bytes: keys and values exactly as a table's changelog carries them (Faust's
 * rocksdb store does the same), so recovery copies records without decoding them. Every
 * partition also keeps the offset of the last changelog record applied to it, written in the same
 * transaction as the data it covers: after any crash, replaying the changelog from that offset on
 * brings the partition to the changelog's state (records carry whole values, so a replay is
 * idempotent).
 */

/** A key and its value as stored (both bytes, as in the changelog). */
export interface StoreEntry {
  key: Buffer;
  value: Buffer;
}

/** The writes of one transaction; only valid inside the callback given to Store.transact(). */
export interface StoreWriter {
  /** The value of a key as of this transaction (it sees its own writes). */
  get(partition: number, key: Buffer): Buffer | undefined;
  put(partition: number, key: Buffer, value: Buffer): void;
  delete(partition: number, key: Buffer): void;
  /** Offset of the last changelog record applied to the partition, as of this transaction (-1: none). */
  offset(partition: number): number;
  setOffset(partition: number, offset: number): void;
  /** Small per-partition facts kept with the data (e.g. the last closed window); undefined removes. */
  setMeta(partition: number, name: string, value: string | undefined): void;
}

export interface Store {
  /** The store's URL, e.g. `lmdb://` or `memory://`. */
  readonly url: string;
  /** Whether the data outlives the process (so a restart only replays the changelog's tail). */
  readonly persistent: boolean;
  /** The longest key the store keeps, in bytes (undefined: no limit); tables refuse longer keys. */
  readonly maxKeyBytes?: number;
  /** Committed value of a key, or undefined. */
  get(partition: number, key: Buffer): Buffer | undefined;
  /** Committed entries of a partition, in key order for persistent stores. */
  entries(partition: number): Iterable<StoreEntry>;
  /** Number of keys of a partition. */
  count(partition: number): number;
  /** Partitions with data or an offset. */
  partitions(): number[];
  /** Offset of the last changelog record applied to the partition (-1: none). */
  persistedOffset(partition: number): number;
  meta(partition: number, name: string): string | undefined;
  /** Runs `write` in one atomic transaction; resolves once it is committed. */
  transact(write: (writer: StoreWriter) => void): Promise<void>;
  /** Removes a partition's data and offset in one transaction. */
  dropPartition(partition: number): Promise<void>;
  /** Bytes the store takes on disk (0 in memory). */
  diskSize(): number;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** The table's name (one store per table). */
  table: string;
  /** Directory for persistent stores (the app's tabledir). */
  directory: string;
  /** Changelog partitions the table has. */
  partitions: number;
  /** Open existing data for reading only (CLI listings); persistent stores fail when there is none. */
  readOnly?: boolean;
}

export type StoreFactory = (url: string, options: StoreOptions) => Store;

/** LMDB keeps keys up to this many bytes (its compile-time limit in lmdb-js). */
export const MAX_KEY_BYTES = 1978;
