/**
 * `memory://`: a table's state in process memory, per partition. It keeps offsets like any store,
 * so a partition that comes back to this worker only replays the changelog's tail, but nothing
 * survives a restart: a new process replays each changelog from its start (Faust's memory store).
 */
import type { Store, StoreEntry, StoreWriter } from './types.js';

const id = (key: Buffer): string => key.toString('latin1');

/** What one transaction changes in a partition; a null value is a deletion. */
interface PartitionChanges {
  entries: Map<string, Buffer | null>;
  offset: number | undefined;
  meta: Map<string, string | undefined>;
}

interface PartitionData {
  entries: Map<string, StoreEntry>;
  offset: number;
  meta: Map<string, string>;
}

export class MemoryStore implements Store {
  readonly url = 'memory://';
  readonly persistent = false;
  private readonly data = new Map<number, PartitionData>();
  private closed = false;

  constructor(private readonly table: string) {}

  get(partition: number, key: Buffer): Buffer | undefined {
    return this.data.get(partition)?.entries.get(id(key))?.value;
  }

  entries(partition: number): Iterable<StoreEntry> {
    return this.data.get(partition)?.entries.values() ?? [];
  }

  count(partition: number): number {
    return this.data.get(partition)?.entries.size ?? 0;
  }

  partitions(): number[] {
    return [...this.data.keys()].sort((a, b) => a - b);
  }

  persistedOffset(partition: number): number {
    return this.data.get(partition)?.offset ?? -1;
  }

  meta(partition: number, name: string): string | undefined {
    return this.data.get(partition)?.meta.get(name);
  }

  /**
   * Applies the writes at once: a memory transaction is atomic because nothing else runs meanwhile.
   * Writes collect in a per-transaction overlay first, so a throwing callback leaves nothing behind.
   */
  async transact(write: (writer: StoreWriter) => void): Promise<void> {
    this.assertOpen();
    const changes = new Map<number, PartitionChanges>();
    const changesOf = (partition: number): PartitionChanges => {
      let found = changes.get(partition);
      if (!found) {
        found = { entries: new Map(), offset: undefined, meta: new Map() };
        changes.set(partition, found);
      }
      return found;
    };
    write({
      get: (partition, key) => {
        const changed = changes.get(partition)?.entries.get(id(key));
        if (changed !== undefined) return changed ?? undefined;
        return this.get(partition, key);
      },
      put: (partition, key, value) => {
        changesOf(partition).entries.set(id(key), value);
      },
      delete: (partition, key) => {
        changesOf(partition).entries.set(id(key), null);
      },
      offset: (partition) => changes.get(partition)?.offset ?? this.persistedOffset(partition),
      setOffset: (partition, offset) => {
        changesOf(partition).offset = offset;
      },
      setMeta: (partition, name, value) => {
        changesOf(partition).meta.set(name, value);
      },
    });
    for (const [partition, change] of changes) {
      let data = this.data.get(partition);
      if (!data) {
        data = { entries: new Map(), offset: -1, meta: new Map() };
        this.data.set(partition, data);
      }
      for (const [key, value] of change.entries) {
        if (value === null) data.entries.delete(key);
        else data.entries.set(key, { key: Buffer.from(key, 'latin1'), value });
      }
      if (change.offset !== undefined) data.offset = change.offset;
      for (const [name, value] of change.meta) {
        if (value === undefined) data.meta.delete(name);
        else data.meta.set(name, value);
      }
    }
  }

  async dropPartition(partition: number): Promise<void> {
    this.data.delete(partition);
  }

  diskSize(): number {
    return 0;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`memory store of table ${this.table} is closed`);
  }
}
