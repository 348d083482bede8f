/**
 * Which changelog partition holds a key, for reads outside a stream (web views, timers): Faust's
 * `_key_index`, an LRU of `tableKeyIndexSize` keys. Without it such a read looks in every partition.
 */
export class KeyIndex {
  private readonly map = new Map<string, number>();

  constructor(private readonly capacity: number) {}

  get(id: string): number | undefined {
    const partition = this.map.get(id);
    if (partition !== undefined) {
      this.map.delete(id);
      this.map.set(id, partition);
    }
    return partition;
  }

  set(id: string, partition: number): void {
    if (this.capacity <= 0) return;
    if (this.map.get(id) === partition) return;
    this.map.delete(id);
    this.map.set(id, partition);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }

  delete(id: string): void {
    this.map.delete(id);
  }

  /** Forgets the keys of a partition (revoked). */
  forgetPartition(partition: number): void {
    for (const [id, p] of this.map) if (p === partition) this.map.delete(id);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
