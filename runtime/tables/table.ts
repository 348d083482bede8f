/**
 * Table and GlobalTable: a typed, Map-like view of a changelogged key-value state.
 *
 *   const totals = app.table('totals', { keyType: 'string', valueType: 'number', default: () => 0 });
 *   totals.set(account, totals.get(account) + amount);   // inside an agent
 *   totals.update(account, (v) => v + amount);            // the same, read-modify-write
 *
 * Keys and values are written to the changelog as Faust writes them (JSON by default: the string
 * key abc is the bytes "abc" with its quotes, the number 5 is 5; raw for bytes), one record per
 * change; a deletion is a tombstone. A Python Faust app reading the changelog sees the same table.
 */
import { currentEvent } from '../streams/context.js';
import { createSerde, type Serde, type TypeSpec } from '../channels/serde.js';
import type { StoreWriter } from '../stores/types.js';
import { type ChangelogRecord, Collection, keyId, type TableHost, type TableKind } from './collection.js';
import { DELETED } from './local-state.js';
import type { TableOptions, WindowableTable } from './types.js';
import { hopping, sliding, tumbling, type WindowedOptions, type WindowHost } from './windows/index.js';
import type { WindowedTable } from './windows/windowed-table.js';

/** Faust's table serializers: json unless the type is bytes (raw) or a model names its own. */
export function tableSerde<T>(
  type: TypeSpec | undefined,
  serializer: string | undefined,
  role: 'key' | 'value',
): Serde<T> {
  return createSerde<T>(type, serializer ?? 'json', role, { allowEmpty: role === 'value' });
}

/**
 * A table. `G` is what get() returns: V when the table has a default, else V | undefined.
 * Reads work anywhere; changes (set, delete, update) only inside an agent processing an event.
 */
export class Table<K = unknown, V = unknown, G = V | undefined>
  extends Collection<V>
  implements WindowableTable<V>, Iterable<[K, V]>
{
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;

  /** `valueSerde`: how values are written, when not by the options (a table-table join's pairs). */
  constructor(
    host: TableHost,
    name: string,
    options: TableOptions,
    kind: TableKind = 'table',
    valueSerde?: Serde<V>,
  ) {
    super(host, name, options, kind);
    this.keySerde = tableSerde<K>(options.keyType, options.keySerializer, 'key');
    this.valueSerde = valueSerde ?? tableSerde<V>(options.valueType, options.valueSerializer, 'value');
  }

  /** The key's value; the default (not stored) or undefined when the table does not have the key. */
  get(key: K): G {
    const value = this.readValue(this.serializeKey(key));
    if (value !== undefined) return value as unknown as G;
    return this.options.default?.() as G;
  }

  /** Whether the table has the key (defaults do not count). */
  has(key: K): boolean {
    return this.readValue(this.serializeKey(key)) !== undefined;
  }

  /** Sets a key; null or undefined deletes it (a tombstone in the changelog). */
  set(key: K, value: V): this {
    this.setRaw(this.serializeKey(key), value);
    return this;
  }

  /** Deletes a key (a tombstone in the changelog); true when the table had it. */
  delete(key: K): boolean {
    return this.deleteRaw(this.serializeKey(key));
  }

  /** Read-modify-write: `fn` gets the current value (or the default) and returns the new one. */
  update(key: K, fn: (current: G) => V): V {
    const bytes = this.serializeKey(key);
    const id = keyId(bytes);
    const current = this.readValue(bytes, id);
    const next = fn((current === undefined ? this.options.default?.() : current) as G);
    if (next === null || next === undefined) this.deleteRaw(bytes);
    else this.writeValue(bytes, next, { key: bytes, value: this.valueSerde.serialize(next) }, 'update()', id);
    return next;
  }

  /** Every key and value of the partitions this worker owns (all of them for a global table). */
  *entries(): IterableIterator<[K, V]> {
    for (const { key, value } of this.localEntries()) yield [this.keySerde.deserialize(key), value];
  }

  *keys(): IterableIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): IterableIterator<V> {
    for (const { value } of this.localEntries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }

  /** Number of keys of the partitions this worker owns (counts them: O(keys)). */
  get size(): number {
    let n = 0;
    for (const _ of this.localEntries()) n++;
    return n;
  }

  /** The entries as a plain object (keys as their JSON text when they are not strings). */
  toObject(): Record<string, V> {
    const out: Record<string, V> = {};
    for (const [key, value] of this.entries()) {
      out[typeof key === 'string' ? key : JSON.stringify(key)] = value;
    }
    return out;
  }

  // ---- windows (runtime/tables/windows) ---------------------------------------------------------

  /** This table by fixed windows of `size` seconds (Faust's `.tumbling(size, expires=...)`). */
  tumbling(size: number, options?: WindowedOptions<K, V>): WindowedTable<K, V> {
    return tumbling<K, V>(this.windowHost(), size, options);
  }

  /** This table by windows of `size` seconds starting every `step` seconds. */
  hopping(size: number, step: number, options?: WindowedOptions<K, V>): WindowedTable<K, V> {
    return hopping<K, V>(this.windowHost(), size, step, options);
  }

  /** This table by one window `[t - before, t + after]` around each event's time. */
  sliding(before: number, after: number, options?: WindowedOptions<K, V>): WindowedTable<K, V> {
    return sliding<K, V>(this.windowHost(), before, after, options);
  }

  private windowHost(): WindowHost<V> {
    if (this.isStarted) throw new Error(`table ${this.name}: windows must be declared before the app starts`);
    return this as unknown as WindowHost<V>;
  }

  // ---- by changelog key bytes (windowed tables) ---------------------------------------------

  protected changelogKeyBytes(key: unknown): Buffer {
    return this.serializeKey(key);
  }

  serializeKey(key: unknown): Buffer {
    const bytes = this.keySerde.serialize(key as K);
    if (bytes === null) throw new Error(`table ${this.name}: a key cannot be null or undefined`);
    return bytes;
  }

  getRaw(key: Buffer): V | undefined {
    return this.readValue(key);
  }

  partitionOfRaw(key: Buffer): number | undefined {
    const id = keyId(key);
    const partitions = this.ownedPartitions();
    const event = currentEvent();
    const indexed = this.keyIndex.get(id);
    const likely = [indexed, event?.partition].filter(
      (p): p is number => p !== undefined && partitions.includes(p),
    );
    for (const p of new Set([...likely, ...partitions])) {
      if (this.lookup(p, id, key) !== undefined) return p;
    }
    return undefined;
  }

  setRaw(key: Buffer, value: V): void {
    if (value === null || value === undefined) {
      this.deleteRaw(key);
      return;
    }
    const bytes = this.valueSerde.serialize(value);
    this.writeValue(key, value, { key, value: bytes }, 'set()');
  }

  deleteRaw(key: Buffer): boolean {
    const had = this.readValue(key) !== undefined;
    this.writeValue(key, DELETED, { key, value: null }, 'delete()');
    return had;
  }

  // ---- changelog ------------------------------------------------------------------------------

  protected decodeStored(bytes: Buffer): V {
    return this.valueSerde.deserialize(bytes);
  }

  protected applyRecord(writer: StoreWriter, partition: number, record: ChangelogRecord): Buffer {
    if (record.value === null) writer.delete(partition, record.key);
    else writer.put(partition, record.key, record.value);
    return record.key;
  }

  protected decodeChangelog(record: ChangelogRecord): { key: unknown; value: unknown } {
    return {
      key: this.keySerde.deserialize(record.key),
      value: record.value === null ? undefined : this.valueSerde.deserialize(record.value),
    };
  }
}

/**
 * A table every worker holds whole: each reads every changelog partition continuously. Writes
 * still go to the partition of the event being processed, so every worker may write.
 */
export class GlobalTable<K = unknown, V = unknown, G = V | undefined> extends Table<K, V, G> {
  constructor(host: TableHost, name: string, options: TableOptions) {
    super(host, name, options, 'global table');
  }
}
