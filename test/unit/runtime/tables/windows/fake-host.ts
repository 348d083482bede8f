/** An in-memory WindowHost for tests: keys per partition, written to the current event's partition. */
import { currentEvent, runInActor } from '../../../../../runtime/streams/context.js';
import { Event, MessageRef } from '../../../../../runtime/streams/event.js';
import type {
  WindowChangelogConfig,
  WindowHost,
  WindowHostOptions,
} from '../../../../../runtime/tables/windows/types.js';

export class FakeHost<V> implements WindowHost<V> {
  readonly name = 'counts';
  readonly changelogTopic = 'app-counts-changelog';
  /** partition -> key (latin1) -> value: survives a "restart" when handed to a new table. */
  readonly data = new Map<number, Map<string, V>>();
  readonly meta = new Map<string, string>();
  /** Every changelog record the table would send: [partition, key bytes, value or null]. */
  readonly changelog: [number, string, V | null][] = [];
  /** Keys expired (each also a tombstone in `changelog`). */
  readonly expired: [number, string][] = [];
  /** What ownedPartitions() returns (the partitions with data when undefined). */
  owned: number[] | undefined;
  /** What committedEventTime() returns, per partition (ms). */
  readonly committed = new Map<number, number>();
  assignmentEpoch: number | undefined;
  /** What activeSince() returns, per partition (undefined: the table falls back to generations). */
  readonly since = new Map<number, number>();
  readonly expirers: { expire(nowMs: number): void | Promise<void> }[] = [];
  changelogConfig: WindowChangelogConfig | undefined;
  readonly flushers: (() => Promise<void>)[] = [];

  constructor(readonly options: WindowHostOptions<V> = {}) {}

  serializeKey(key: unknown): Buffer {
    return Buffer.from(JSON.stringify(key));
  }

  getRaw(key: Buffer): V | undefined {
    const event = currentEvent();
    const id = key.toString('latin1');
    if (event) return this.data.get(event.partition)?.get(id);
    for (const partition of this.data.values()) if (partition.has(id)) return partition.get(id);
    return undefined;
  }

  partitionOfRaw(key: Buffer): number | undefined {
    const id = key.toString('latin1');
    const event = currentEvent();
    if (event) return this.data.get(event.partition)?.has(id) ? event.partition : undefined;
    for (const [partition, map] of this.data) if (map.has(id)) return partition;
    return undefined;
  }

  setRaw(key: Buffer, value: V): void {
    const partition = this.partition('setRaw');
    let map = this.data.get(partition);
    if (!map) {
      map = new Map();
      this.data.set(partition, map);
    }
    map.set(key.toString('latin1'), value);
    this.changelog.push([partition, key.toString('latin1'), value]);
  }

  deleteRaw(key: Buffer): boolean {
    const partition = this.partition('deleteRaw');
    this.changelog.push([partition, key.toString('latin1'), null]);
    return this.data.get(partition)?.delete(key.toString('latin1')) ?? false;
  }

  expireRaw(partition: number, key: Buffer): void {
    this.expired.push([partition, key.toString('latin1')]);
    this.changelog.push([partition, key.toString('latin1'), null]);
    this.data.get(partition)?.delete(key.toString('latin1'));
  }

  ownedPartitions(): number[] {
    return this.owned ?? [...this.data.keys()].sort((a, b) => a - b);
  }

  activeSince(partition: number): number | undefined {
    return this.since.get(partition);
  }

  committedEventTime(partition: number): number | undefined {
    return this.committed.get(partition);
  }

  addExpirer(expirer: { expire(nowMs: number): void | Promise<void> }): void {
    this.expirers.push(expirer);
  }

  /** One cleanup tick, as the table manager runs it. */
  async tick(): Promise<void> {
    for (const expirer of this.expirers) await expirer.expire(Date.now());
  }

  *localEntries(): Iterable<{ partition: number; key: Buffer; value: V }> {
    for (const [partition, map] of this.data) {
      for (const [key, value] of map) yield { partition, key: Buffer.from(key, 'latin1'), value };
    }
  }

  configureChangelog(config: WindowChangelogConfig): void {
    this.changelogConfig = config;
  }

  localMeta(partition: number, name: string): string | undefined {
    return this.meta.get(`${partition}/${name}`);
  }

  async setLocalMeta(partition: number, name: string, value: string | undefined): Promise<void> {
    if (value === undefined) this.meta.delete(`${partition}/${name}`);
    else this.meta.set(`${partition}/${name}`, value);
  }

  addFlusher(flush: () => Promise<void>): void {
    this.flushers.push(flush);
  }

  /** Keys of a partition, as text. */
  keys(partition: number): string[] {
    return [...(this.data.get(partition)?.keys() ?? [])].sort();
  }

  private partition(operation: string): number {
    const event = currentEvent();
    if (!event) throw new Error(`${operation} outside of a stream`);
    return event.partition;
  }
}

/** An event of `partition` at `timestampMs`, in consumer generation `generation`. */
export function eventAt(
  timestampMs: number,
  options: { partition?: number; generation?: number; value?: unknown } = {},
): Event {
  const { partition = 0, generation = 1, value = null } = options;
  const message = {
    topic: 'orders',
    partition,
    offset: 0,
    key: null,
    value: null,
    timestamp: timestampMs,
    headers: {},
  };
  return new Event(null, value, message, new MessageRef(message, generation, 1, null, () => {}));
}

/** Runs `fn` as an agent processing `event` (currentEvent() returns it). */
export function processing<T>(event: Event, fn: () => T): T {
  return runInActor({ agent: 'test', state: { inflight: [event], acks: true }, since: 0 }, fn);
}
