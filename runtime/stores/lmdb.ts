/**
 * `lmdb://`: a table's state in an LMDB environment at `<tabledir>/<table>.lmdb/`, the default
 * store of workers. Each changelog partition is a named database `p<N>` holding the changelog's key
 * and value bytes; the database `meta` holds, per partition, the offset of the last changelog
 * record applied (`offset/<N>`, an ASCII integer as in Faust's rocksdb store) and small facts
 * (`meta/<N>/<name>`). Data and offset are written in one LMDB transaction, so the offset never runs
 * ahead of (or behind) the data it covers.
 *
 * Each Store.transact() is an lmdb-js child transaction inside the write batch lmdb-js commits on
 * its write thread, so the event loop does not wait for the disk, and a callback that throws
 * leaves nothing behind. LMDB's own locking keeps two processes from writing one environment at
 * the same time.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Database, open, type RootDatabase } from 'lmdb';
import { MAX_KEY_BYTES, type Store, type StoreEntry, type StoreOptions, type StoreWriter } from './types.js';

type BinaryDb = Database<Buffer, Buffer>;

const offsetKey = (partition: number): string => `offset/${partition}`;
const metaKey = (partition: number, name: string): string => `meta/${partition}/${name}`;
const PARTITIONS_KEY = 'partitions';
const MIN_PARTITION_DBS = 64;

/** The directory of a table's LMDB environment. */
export function lmdbPath(directory: string, table: string): string {
  return join(directory, `${table}.lmdb`);
}

export type LmdbStoreOptions = StoreOptions;

export class LmdbStore implements Store {
  readonly url = 'lmdb://';
  readonly persistent = true;
  readonly maxKeyBytes = MAX_KEY_BYTES;
  readonly path: string;
  private readonly env: RootDatabase;
  private readonly metaDb: Database<string, string>;
  private readonly dbs = new Map<number, BinaryDb>();
  private readonly readOnly: boolean;
  private closed = false;

  constructor(private readonly options: LmdbStoreOptions) {
    this.path = lmdbPath(options.directory, options.table);
    this.readOnly = options.readOnly ?? false;
    if (!this.readOnly) mkdirSync(this.path, { recursive: true });
    try {
      this.env = open({
        path: this.path,
        // A directory (data.mdb, lock.mdb), although its name has an extension.
        noSubdir: false,
        // One database per partition plus `meta` (room for a changelog that later gains partitions).
        maxDbs: Math.max(options.partitions, MIN_PARTITION_DBS) + 2,
        readOnly: this.readOnly,
      });
      this.metaDb = this.env.openDB<string, string>({ name: 'meta', encoding: 'string' });
    } catch (error) {
      throw new Error(
        `table ${options.table}: cannot open its LMDB store at ${this.path}: ${message(error)}`,
        {
          cause: error,
        },
      );
    }
    if (!this.readOnly) {
      const known = Number(this.metaDb.get(PARTITIONS_KEY) ?? 0);
      if (known < options.partitions) this.metaDb.putSync(PARTITIONS_KEY, String(options.partitions));
    }
  }

  /** Partition count recorded in an environment (the largest the table has had). */
  recordedPartitions(): number {
    return Number(this.metaDb.get(PARTITIONS_KEY) ?? 0);
  }

  get(partition: number, key: Buffer): Buffer | undefined {
    if (key.length > MAX_KEY_BYTES) return undefined;
    return this.db(partition)?.get(key);
  }

  *entries(partition: number): Iterable<StoreEntry> {
    const db = this.db(partition);
    if (!db) return;
    for (const { key, value } of db.getRange()) yield { key, value };
  }

  count(partition: number): number {
    const stats = this.db(partition)?.getStats() as { entryCount?: number } | undefined;
    return stats?.entryCount ?? 0;
  }

  partitions(): number[] {
    const found: number[] = [];
    for (let partition = 0; partition < this.recordedPartitions(); partition++) {
      if (this.persistedOffset(partition) >= 0 || this.count(partition) > 0) found.push(partition);
    }
    return found;
  }

  persistedOffset(partition: number): number {
    const text = this.metaDb.get(offsetKey(partition));
    return text === undefined ? -1 : Number(text);
  }

  meta(partition: number, name: string): string | undefined {
    return this.metaDb.get(metaKey(partition, name));
  }

  transact(write: (writer: StoreWriter) => void): Promise<void> {
    this.assertWritable();
    const writer: StoreWriter = {
      get: (partition, key) => this.writableDb(partition).get(key),
      put: (partition, key, value) => {
        if (key.length > MAX_KEY_BYTES) {
          throw new Error(
            `table ${this.options.table}: a key of ${key.length} bytes is longer than LMDB allows (${MAX_KEY_BYTES})`,
          );
        }
        this.writableDb(partition).putSync(key, value);
      },
      delete: (partition, key) => {
        if (key.length <= MAX_KEY_BYTES) this.writableDb(partition).removeSync(key);
      },
      offset: (partition) => this.persistedOffset(partition),
      setOffset: (partition, offset) => {
        this.metaDb.putSync(offsetKey(partition), String(offset));
      },
      setMeta: (partition, name, value) => {
        if (value === undefined) this.metaDb.removeSync(metaKey(partition, name));
        else this.metaDb.putSync(metaKey(partition, name), value);
      },
    };
    // A child transaction, so that a callback that throws leaves nothing behind (writes of a plain
    // asynchronous transaction stay in the batch lmdb-js commits anyway).
    return this.env.childTransaction(() => write(writer)) as Promise<void>;
  }

  async dropPartition(partition: number): Promise<void> {
    this.assertWritable();
    const db = this.writableDb(partition);
    await this.env.childTransaction(() => {
      db.clearSync();
      this.metaDb.removeSync(offsetKey(partition));
      for (const key of this.metaDb.getKeys({
        start: `meta/${partition}/`,
        end: `meta/${partition}/\uffff`,
      })) {
        this.metaDb.removeSync(key);
      }
    });
  }

  diskSize(): number {
    return directorySize(this.path);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.env.close();
  }

  /** The partition's database, opened on first use; undefined when read-only and absent. */
  private db(partition: number): BinaryDb | undefined {
    let db = this.dbs.get(partition);
    if (db) return db;
    try {
      db = this.env.openDB<Buffer, Buffer>({
        name: `p${partition}`,
        encoding: 'binary',
        keyEncoding: 'binary',
      });
    } catch (error) {
      if (this.readOnly) return undefined;
      throw new Error(
        `table ${this.options.table}: cannot open partition ${partition} of ${this.path}: ${message(error)}`,
        { cause: error },
      );
    }
    this.dbs.set(partition, db);
    return db;
  }

  private writableDb(partition: number): BinaryDb {
    return this.db(partition)!;
  }

  private assertWritable(): void {
    if (this.closed) throw new Error(`LMDB store of table ${this.options.table} is closed`);
    if (this.readOnly) throw new Error(`LMDB store of table ${this.options.table} is open read-only`);
  }
}

/** Total size of the files under a directory, in bytes (0 when it does not exist). */
export function directorySize(path: string): number {
  let total = 0;
  let names: string[];
  try {
    names = readdirSync(path);
  } catch {
    return 0;
  }
  for (const name of names) {
    const child = join(path, name);
    const stat = statSync(child, { throwIfNoEntry: false });
    if (!stat) continue;
    total += stat.isDirectory() ? directorySize(child) : stat.size;
  }
  return total;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
