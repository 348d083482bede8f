/**
 * A windowed table: a plain table whose keys are `(key, window range)`, as in Faust.
 *
 *   const spend = app.table('spend', { default: () => 0 }).hopping(60, 10, { expires: 600, grace: 5 });
 *   spend.update(account, (v) => v + amount);   // every window the event's time falls in
 *   spend.get(account).current();               // the window of the event being processed
 *
 * Beyond Faust, time is event time throughout: each partition's watermark is the largest event
 * time written at; a window closes once the watermark reaches its end + grace, onWindowClose fires
 * once for each of its keys, and later (late) writes to it are dropped; its data is dropped once
 * the watermark passes its end + expires. Keys restored from the changelog take part too.
 *
 * Expiry, the one rule: a window whose end + expires is at or below the event-time watermark of
 * the partition holding it is never served (reads give the default, keys() and items() skip it,
 * writes skip it as late), whether or not its keys have been deleted from local state yet. The
 * watermark for this rule is the highest event time this worker knows for the partition: written
 * at here, recorded with the partition's data, or proven by the windows it holds (each key was
 * written by an event at or after its window's start). Physical deletion happens when the
 * partition is next written (WindowTracker); the rule makes a quiet partition answer the same. The
 * watermark is recorded with the partition's data once the closes it caused have completed, so a
 * graceful restart fires none again and a crash fires again only what had not completed (at least
 * once). A partition new to a worker (moved) has no record: windows that closed within one window
 * span + grace of the event time its keys prove fire again there (see WindowTracker.restore).
 */
import { currentEvent } from '../../streams/context.js';
import type { Event } from '../../streams/event.js';
import { createSerde, type Serde } from '../../channels/serde.js';
import type { Logger } from '../../core/logging/logger.js';
import {
  type Relativity,
  relativeTo,
  relativeToField,
  relativeToNow,
  relativeToStream,
  type TimeValue,
} from './relativity.js';
import type { WindowCloseCallback, WindowedKey, WindowHost } from './types.js';
import type { Window, WindowRange } from './window.js';
import { decodeWindowedKey, encodeWindowedKey, WindowedKeyError } from './window-key.js';
import { type TrackedWindow, WindowTracker } from './window-tracker.js';

/** The partition fact under which the watermark is recorded. */
export const WATERMARK_META = 'faustgen.windows.watermark';

export interface WindowedTableOptions<K, V> {
  /** Called once per key of each closed window (default: the table's onWindowClose option). */
  onWindowClose?: WindowCloseCallback<K, V>;
  logger?: Pick<Logger, 'debug' | 'warn' | 'error'>;
  /** Wall-clock milliseconds (relativeToNow, now()); Date.now by default. */
  clock?: () => number;
  /** The event being processed (default: the calling agent's current event). */
  currentEvent?: () => Event | undefined;
}

/** Counters for monitoring. */
export interface WindowStats {
  /** Window writes refused because the window had closed (late events). */
  lateWrites: number;
  closedWindows: number;
  expiredKeys: number;
}

/** The state every time-relativity view of one windowed table shares. */
class WindowedCore<K, V> {
  readonly tracker: WindowTracker;
  readonly onWindowClose: WindowCloseCallback<K, V> | undefined;
  readonly clock: () => number;
  readonly eventSource: () => Event | undefined;
  readonly logger: WindowedTableOptions<K, V>['logger'];
  readonly stats: WindowStats = { lateWrites: 0, closedWindows: 0, expiredKeys: 0 };
  private keySerde: Serde<unknown> | undefined;
  /**
   * Whether the table's time is the events' Kafka timestamps (the default relativity), so that the
   * committed event time of a partition moves its windows at the cleanup tick. False once a view
   * with another relativity exists: then only writes move them.
   */
  streamTime = true;
  /** The assignment (or consumer generation) each partition's tracker state was built in. */
  private readonly restoredIn = new Map<number, number>();
  private generation: number | undefined;
  /** Per partition: the latest record of the watermark, so records are written in order. */
  private readonly recording = new Map<number, Promise<void>>();
  /**
   * Per partition: the highest event time known (the expiry rule's watermark). Never lowered and
   * kept across rebalances: an event time seen in a partition stays a lower bound of its watermark.
   */
  private readonly known = new Map<number, number>();

  constructor(
    readonly host: WindowHost<V>,
    readonly window: Window,
    options: WindowedTableOptions<K, V>,
  ) {
    this.tracker = new WindowTracker(window);
    this.onWindowClose =
      options.onWindowClose ?? (host.options.onWindowClose as WindowCloseCallback<K, V> | undefined);
    this.clock = options.clock ?? Date.now;
    this.eventSource = options.currentEvent ?? currentEvent;
    this.logger = options.logger;
  }

  get what(): string {
    return `windowed table ${this.host.name} (${this.window.describe()})`;
  }

  defaultValue(): V {
    return this.host.options.default?.() as V;
  }

  windowedKey(key: K, range: WindowRange): Buffer {
    return encodeWindowedKey(this.host.serializeKey(key), range);
  }

  decodeKey(bytes: Buffer): K {
    if (this.host.deserializeKey) return this.host.deserializeKey(bytes) as K;
    this.keySerde ??= createSerde(
      this.host.options.keyType as Parameters<typeof createSerde>[0],
      this.host.options.keySerializer ?? (this.host.options.keyType === 'bytes' ? 'raw' : 'json'),
      'key',
    );
    return this.keySerde.deserialize(bytes) as K;
  }

  /** The event being processed; writes need one. */
  requireEvent(operation: string): Event {
    const event = this.eventSource();
    if (!event) {
      throw new Error(
        `${this.what}: ${operation}() outside of a stream: windowed tables are changed while processing an event`,
      );
    }
    return event;
  }

  /**
   * Before a write at `timestamp` in the event's partition: brings the partition's windows up to
   * date (after a rebalance, from the local data) and moves its watermark, closing and expiring
   * windows.
   */
  advance(event: Event, timestamp: number): number {
    const { partition } = event;
    this.ensureRestored(partition, this.epochOf(event));
    this.advanceTo(partition, timestamp);
    return partition;
  }

  /**
   * The cleanup tick: every partition this worker serves is brought up to date from its local data
   * (after a start or a rebalance) and moved to its committed event time, so that windows close
   * and expire even when nothing writes the partition any more. Runs outside any event.
   */
  tick(): void {
    // A global table's partitions are written by every worker: their writes close its windows.
    const owned = this.host.global ? undefined : this.host.ownedPartitions?.();
    if (!owned) return;
    const epoch = this.epochOf(undefined);
    for (const tracked of this.tracker.trackedPartitions()) {
      if (owned.includes(tracked)) continue;
      this.tracker.drop(tracked); // revoked: rebuilt from the local data if it comes back
      this.restoredIn.delete(tracked);
    }
    for (const partition of owned) {
      this.ensureRestored(partition, epoch);
      if (!this.streamTime) continue;
      const committedMs = this.host.committedEventTime?.(partition);
      if (committedMs !== undefined) this.advanceTo(partition, committedMs / 1000);
    }
  }

  private advanceTo(partition: number, timestamp: number): void {
    this.learn(partition, timestamp);
    const { closed, expired } = this.tracker.advance(partition, timestamp);
    if (closed.length > 0) this.close(partition, closed);
    if (expired.length > 0) this.expire(partition, expired);
  }

  /** Which assignment the local data belongs to: the host's epoch, else the event's generation. */
  private epochOf(event: Event | undefined): number {
    const epoch = this.host.assignmentEpoch ?? event?.generation ?? this.generation ?? 0;
    return epoch;
  }

  /**
   * The expiry rule: whether the range's data may no longer be served in the partition. The
   * partition's watermark is proven from its local data the first time it is asked for.
   */
  isExpired(partition: number, range: WindowRange): boolean {
    const expiresAt = this.window.expiresAt(range);
    if (expiresAt === Number.POSITIVE_INFINITY) return false;
    return this.knownWatermark(partition) >= expiresAt;
  }

  /** Whether a write into the range comes too late: the window closed or expired. */
  isLate(partition: number, range: WindowRange): boolean {
    return this.tracker.isClosed(partition, range) || this.isExpired(partition, range);
  }

  /** Whether the windowed key's range has expired in the partition holding it (absent keys: no). */
  isExpiredKey(bytes: Buffer, range: WindowRange): boolean {
    if (this.window.expiresAt(range) === Number.POSITIVE_INFINITY) return false;
    const partition = this.host.partitionOfRaw(bytes);
    return partition !== undefined && this.isExpired(partition, range);
  }

  private knownWatermark(partition: number): number {
    const known = this.known.get(partition);
    if (known !== undefined) return known;
    // Not written here yet: what the recorded watermark and the held windows prove.
    let proven = this.recordedWatermark(partition) ?? Number.NEGATIVE_INFINITY;
    for (const entry of this.host.localEntries()) {
      if (entry.partition !== partition) continue;
      const range = rangeOf(entry.key);
      if (range) proven = Math.max(proven, this.window.earliestEventTime(range));
    }
    // Nothing proven (no data yet, e.g. before recovery): ask again next time.
    if (proven !== Number.NEGATIVE_INFINITY) this.known.set(partition, proven);
    return proven;
  }

  private learn(partition: number, eventTime: number): void {
    const known = this.known.get(partition);
    if (known === undefined || eventTime > known) this.known.set(partition, eventTime);
  }

  private recordedWatermark(partition: number): number | undefined {
    const recorded = this.host.localMeta(partition, WATERMARK_META);
    const watermark = recorded === undefined ? undefined : Number(recorded);
    return watermark !== undefined && Number.isFinite(watermark) ? watermark : undefined;
  }

  private ensureRestored(partition: number, generation: number): void {
    const since = this.host.activeSince?.(partition);
    if (since !== undefined) {
      // Kept across rebalances while the partition stays here; rebuilt once it (re)arrived.
      const restored = this.restoredIn.get(partition);
      if (restored !== undefined && restored >= since) return;
      this.restoredIn.set(partition, Math.max(generation, since));
      this.restore(partition);
      return;
    }
    if (this.generation !== generation) {
      // A rebalance: partitions may have moved; each is rebuilt from local data when next written.
      this.generation = generation;
      for (const tracked of this.tracker.trackedPartitions()) this.tracker.drop(tracked);
      this.restoredIn.clear();
    }
    if (this.restoredIn.get(partition) === generation) return;
    this.restoredIn.set(partition, generation);
    this.restore(partition);
  }

  /** Rebuilds the partition's windows from its local data and recorded watermark. */
  private restore(partition: number): void {
    const keys: { range: WindowRange; key: string }[] = [];
    for (const entry of this.host.localEntries()) {
      if (entry.partition !== partition) continue;
      try {
        keys.push({ range: decodeWindowedKey(entry.key).range, key: entry.key.toString('latin1') });
      } catch (error) {
        if (!(error instanceof WindowedKeyError)) throw error;
        this.logger?.warn(`${this.what}: partition ${partition} holds a key that is not windowed; ignored`, {
          error: error.message,
        });
      }
    }
    const watermark = this.recordedWatermark(partition);
    if (watermark !== undefined) this.learn(partition, watermark);
    for (const { range } of keys) this.learn(partition, this.window.earliestEventTime(range));
    const expired = this.tracker.restore(partition, keys, watermark);
    if (expired.length > 0) this.expire(partition, expired);
    this.logger?.debug(`${this.what}: partition ${partition} restored`, {
      keys: keys.length,
      watermark: this.tracker.watermark(partition),
    });
  }

  /** Fires onWindowClose for every key of the closed windows, then records the watermark. */
  private close(partition: number, windows: TrackedWindow[]): void {
    const settled: Promise<unknown>[] = [];
    for (const { range, keys } of windows) {
      this.stats.closedWindows++;
      if (!this.onWindowClose) continue;
      for (const id of keys) {
        const bytes = Buffer.from(id, 'latin1');
        let windowedKey: WindowedKey<K>;
        try {
          windowedKey = [this.decodeKey(decodeWindowedKey(bytes).keyJson), range];
        } catch (error) {
          this.logger?.error(
            `${this.what}: cannot decode the key of a closed window; onWindowClose skipped`,
            {
              key: id,
              error: (error as Error).message,
            },
          );
          continue;
        }
        const value = this.host.getRaw(bytes) ?? this.defaultValue();
        settled.push(this.callOnWindowClose(windowedKey, value));
      }
    }
    const watermark = this.tracker.watermark(partition);
    const previous = this.recording.get(partition) ?? Promise.resolve();
    const next = previous
      .then(() => Promise.all(settled))
      .then(() => this.host.setLocalMeta(partition, WATERMARK_META, String(watermark)))
      .catch((error: unknown) => {
        this.logger?.warn(`${this.what}: recording the watermark of partition ${partition} failed`, {
          error: (error as Error).message,
        });
      });
    this.recording.set(partition, next);
  }

  private async callOnWindowClose(key: WindowedKey<K>, value: V): Promise<void> {
    try {
      await this.onWindowClose!(key, value);
    } catch (error) {
      this.logger?.error(`${this.what}: onWindowClose threw for window [${key[1][0]}, ${key[1][1]}]`, {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private expire(partition: number, windows: TrackedWindow[]): void {
    for (const { keys } of windows) {
      for (const id of keys) {
        this.host.expireRaw(partition, Buffer.from(id, 'latin1'));
        this.stats.expiredKeys++;
      }
    }
  }

  /** Resolves once every watermark record started so far is written. */
  async flush(): Promise<void> {
    await Promise.all(this.recording.values());
  }
}

/** The windows of one key (Faust's WindowSet): pick a window by time, then read its value. */
export class WindowSet<K, V> {
  constructor(
    private readonly table: WindowedTable<K, V>,
    readonly key: K,
    private readonly event: Event | undefined,
  ) {}

  /** The window at the table's relative time (the event's time by default). */
  value(event?: Event): V {
    return this.table.valueAt(this.key, this.table.timeOf(event ?? this.event));
  }

  /** The window at the event's own time (stream time), whatever the table's relativity. */
  current(event?: Event): V {
    return this.table.valueAt(this.key, relativeToStream(event ?? this.event ?? this.table.event(), 0));
  }

  /** The window at the wall clock's time. */
  now(): V {
    return this.table.valueAt(this.key, this.table.nowSeconds());
  }

  /** The window `seconds` before the event's time. */
  delta(seconds: number, event?: Event): V {
    const time = relativeToStream(event ?? this.event ?? this.table.event(), 0);
    return this.table.valueIn(this.key, this.table.window.delta(time, seconds));
  }

  /** The value of one window range (Faust's `wset[range]`). */
  at(range: WindowRange): V {
    return this.table.valueIn(this.key, range);
  }
}

export class WindowedTable<K, V> {
  private readonly core: WindowedCore<K, V>;

  constructor(host: WindowHost<V>, window: Window, options?: WindowedTableOptions<K, V>);
  constructor(core: WindowedCore<K, V>, relativity: Relativity);
  constructor(
    hostOrCore: WindowHost<V> | WindowedCore<K, V>,
    windowOrRelativity: Window | Relativity,
    options: WindowedTableOptions<K, V> = {},
    private readonly relativity: Relativity = relativeToStream,
  ) {
    if (hostOrCore instanceof WindowedCore) {
      this.core = hostOrCore;
      this.relativity = windowOrRelativity as Relativity;
      if (this.relativity !== relativeToStream) this.core.streamTime = false;
      return;
    }
    const window = windowOrRelativity as Window;
    this.core = new WindowedCore(hostOrCore, window, options);
    const core = this.core;
    hostOrCore.addFlusher?.(() => core.flush());
    hostOrCore.addExpirer?.({ expire: () => core.tick() });
    hostOrCore.configureChangelog({
      deleting: true,
      ...(window.expires !== undefined ? { retentionMs: Math.ceil(retentionSeconds(window) * 1000) } : {}),
    });
  }

  get name(): string {
    return this.core.host.name;
  }

  get window(): Window {
    return this.core.window;
  }

  get stats(): Readonly<WindowStats> {
    return this.core.stats;
  }

  /** The partition's watermark: the largest event time written at (-Infinity before any). */
  watermark(partition: number): number {
    return this.core.tracker.watermark(partition);
  }

  // ---- time relativity (each returns a view sharing this table's data) -------------------------

  /** Windows by the event's Kafka timestamp (the default). */
  relativeToStream(): WindowedTable<K, V> {
    return new WindowedTable<K, V>(this.core, relativeToStream);
  }

  /** Windows by the wall clock. */
  relativeToNow(): WindowedTable<K, V> {
    return new WindowedTable<K, V>(this.core, relativeToNow);
  }

  /** Windows by a field of the event's value: seconds (a number), a Date or an ISO-8601 string. */
  relativeToField(field: string): WindowedTable<K, V> {
    return new WindowedTable<K, V>(this.core, relativeToField(field));
  }

  /** Windows by a fixed time or a function of the event. */
  relativeTo(time: TimeValue | ((event: Event | undefined) => TimeValue)): WindowedTable<K, V> {
    return new WindowedTable<K, V>(this.core, relativeTo(time));
  }

  // ---- reads and writes -----------------------------------------------------------------------

  /** The key's windows; pick one with value(), current(), now(), delta() or at(). */
  get(key: K): WindowSet<K, V> {
    return new WindowSet(this, key, this.core.eventSource());
  }

  /**
   * Read-modify-write of every open window the event's time falls in (Faust's `table[k] += v`).
   * Windows that closed already are left alone (the event is late for them).
   */
  update(key: K, fn: (value: V) => V): void {
    this.write('update', key, (bytes) => fn(this.core.host.getRaw(bytes) ?? this.core.defaultValue()));
  }

  /** Sets the key in every open window the event's time falls in. */
  set(key: K, value: V): void {
    this.write('set', key, () => value);
  }

  /** Deletes the key from every open window the event's time falls in. */
  delete(key: K): void {
    const event = this.core.requireEvent('delete');
    const time = this.relativity(event, this.core.clock());
    const partition = this.core.advance(event, time);
    for (const range of this.core.window.ranges(time)) {
      if (this.core.isLate(partition, range)) {
        this.core.stats.lateWrites++;
        continue;
      }
      const bytes = this.core.windowedKey(key, range);
      this.core.host.deleteRaw(bytes);
      this.core.tracker.untrack(partition, range, bytes.toString('latin1'));
    }
  }

  /** Keys with any window held locally (active partitions). */
  keys(): K[] {
    const seen = new Map<string, K>();
    for (const { key, partition } of this.core.host.localEntries()) {
      const { keyJson, range } = decodeWindowedKey(key);
      if (this.core.isExpired(partition, range)) continue;
      const id = keyJson.toString('latin1');
      if (!seen.has(id)) seen.set(id, this.core.decodeKey(keyJson));
    }
    return [...seen.values()];
  }

  /** `[key, value]` of every local key in the window at the table's relative time (Faust's items()). */
  items(event?: Event): [K, V][] {
    const time = this.timeOf(event ?? this.core.eventSource());
    const range = this.core.window.current(time);
    const result: [K, V][] = [];
    for (const key of this.keys()) {
      const bytes = this.core.windowedKey(key, range);
      const value = this.core.host.getRaw(bytes);
      if (value !== undefined && !this.core.isExpiredKey(bytes, range)) result.push([key, value]);
    }
    return result;
  }

  values(event?: Event): V[] {
    return this.items(event).map(([, value]) => value);
  }

  /** Resolves once the watermarks recorded so far are written (for a graceful stop and tests). */
  flush(): Promise<void> {
    return this.core.flush();
  }

  // ---- used by WindowSet ----------------------------------------------------------------------

  /** @internal */
  timeOf(event: Event | undefined): number {
    return this.relativity(event, this.core.clock());
  }

  /** @internal */
  event(): Event | undefined {
    return this.core.eventSource();
  }

  /** @internal */
  nowSeconds(): number {
    return this.core.clock() / 1000;
  }

  /** @internal The value of the window current at `time` (the default when absent). */
  valueAt(key: K, time: number): V {
    return this.valueIn(key, this.core.window.current(time));
  }

  /** @internal The value of one window range; the default when absent or expired. */
  valueIn(key: K, range: WindowRange): V {
    const bytes = this.core.windowedKey(key, range);
    const value = this.core.host.getRaw(bytes);
    if (value === undefined || this.core.isExpiredKey(bytes, range)) return this.core.defaultValue();
    return value;
  }

  private write(operation: string, key: K, next: (bytes: Buffer) => V): void {
    const event = this.core.requireEvent(operation);
    const time = this.relativity(event, this.core.clock());
    const partition = this.core.advance(event, time);
    for (const range of this.core.window.ranges(time)) {
      if (this.core.isLate(partition, range)) {
        this.core.stats.lateWrites++;
        this.core.logger?.debug(`${this.core.what}: late write for a closed window dropped`, {
          partition,
          window: range,
          watermark: this.core.tracker.watermark(partition),
        });
        continue;
      }
      const bytes = this.core.windowedKey(key, range);
      this.core.host.setRaw(bytes, next(bytes));
      this.core.tracker.track(partition, range, bytes.toString('latin1'));
    }
  }
}

/**
 * The changelog's retention: long enough that the broker never deletes a record of a window the
 * workers still keep. A record is written no earlier than its window's start and the window is
 * dropped at its end + expires, so retention = the window's span + expires.
 */
export function retentionSeconds(window: Window): number {
  return window.span + (window.expires ?? 0);
}

/** The window range of a windowed key, or undefined for a key that is not windowed. */
function rangeOf(key: Buffer): WindowRange | undefined {
  try {
    return decodeWindowedKey(key).range;
  } catch (error) {
    if (error instanceof WindowedKeyError) return undefined;
    throw error;
  }
}
