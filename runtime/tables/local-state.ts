/**
 * The decoded values a table holds in memory, per changelog partition, in front of its store.
 *
 * An entry is either a pending write (sent to the changelog, not yet in the store: reads must see
 * it) or a cached copy of what the store holds. Pending entries are never evicted; cached ones go
 * oldest first once a partition holds more than its share of `capacity`. `pending` counts the
 * writes of the key not yet in the store, so an entry is released only after its latest write.
 */

/** A deletion that is not in the store yet. */
export const DELETED: unique symbol = Symbol('deleted');
export type Slot<V> = V | typeof DELETED;

export interface LocalEntry<V> {
  /** The key as the store holds it. */
  readonly key: Buffer;
  value: Slot<V>;
  pending: number;
}

export class LocalState<V> {
  private readonly parts = new Map<number, Map<string, LocalEntry<V>>>();

  constructor(private readonly capacity: number) {}

  get(partition: number, id: string): LocalEntry<V> | undefined {
    return this.parts.get(partition)?.get(id);
  }

  /** A local write: pending until the store has it. */
  write(partition: number, id: string, key: Buffer, value: Slot<V>): void {
    const map = this.partition(partition);
    const entry = map.get(id);
    if (entry) {
      entry.value = value;
      entry.pending++;
      // Newest last, so that eviction from the front meets few pending entries.
      map.delete(id);
      map.set(id, entry);
      return;
    }
    map.set(id, { key, value, pending: 1 });
    this.evict(map);
  }

  /** Caches a value read from the store. */
  cache(partition: number, id: string, key: Buffer, value: V): void {
    const map = this.partition(partition);
    if (map.has(id)) return;
    map.set(id, { key, value, pending: 0 });
    this.evict(map);
  }

  /** One write of the key reached the store. */
  release(partition: number, id: string): void {
    const map = this.parts.get(partition);
    const entry = map?.get(id);
    if (!map || !entry || entry.pending === 0) return;
    entry.pending--;
    if (entry.pending === 0 && entry.value === DELETED) map.delete(id);
  }

  /** The store's value of the key changed underneath (recovery, standby): drop a cached copy. */
  invalidate(partition: number, id: string): void {
    const map = this.parts.get(partition);
    const entry = map?.get(id);
    if (map && entry && entry.pending === 0) map.delete(id);
  }

  /** Drops the cached (not pending) entries of a partition. */
  forgetCached(partition: number): void {
    const map = this.parts.get(partition);
    if (!map) return;
    for (const [id, entry] of map) if (entry.pending === 0) map.delete(id);
    if (map.size === 0) this.parts.delete(partition);
  }

  /** Forgets one key whatever its state (expiry). */
  remove(partition: number, id: string): void {
    this.parts.get(partition)?.delete(id);
  }

  /** Forgets everything (the worker stopped: the next start reads the store afresh). */
  clear(): void {
    this.parts.clear();
  }

  entries(partition: number): Iterable<[string, LocalEntry<V>]> {
    return this.parts.get(partition)?.entries() ?? [];
  }

  partitions(): number[] {
    return [...this.parts.keys()];
  }

  private partition(partition: number): Map<string, LocalEntry<V>> {
    let map = this.parts.get(partition);
    if (!map) {
      map = new Map();
      this.parts.set(partition, map);
    }
    return map;
  }

  private evict(map: Map<string, LocalEntry<V>>): void {
    const limit = Math.max(16, Math.floor(this.capacity / Math.max(1, this.parts.size)));
    if (map.size <= limit) return;
    const target = Math.floor(limit * 0.9);
    let scanned = 0;
    for (const [id, entry] of map) {
      if (map.size <= target || scanned++ > limit) break;
      if (entry.pending === 0) map.delete(id);
    }
  }
}
