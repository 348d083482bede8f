/**
 * Event-time bookkeeping of a windowed table, per partition: the partition's watermark (the
 * largest event time seen), the windows holding keys that are still open, and the closed ones
 * whose data is kept until it expires. Pure: the windowed table feeds it events and keys and acts
 * on what it returns (fire onWindowClose, drop expired keys).
 *
 * A window closes once: when the watermark reaches its closing time (end + grace), it is handed
 * out with its keys exactly once and never again, and updates for it are refused from then on
 * (late events). Keys restored from the changelog are tracked too, so they close and expire like
 * live ones; a restored window whose closing time lies at or below the partition's recorded
 * watermark was closed before and is not handed out again.
 */
import type { Window, WindowRange } from './window.js';

/** A window's keys, as the table identifies them (e.g. the windowed key bytes as a string). */
export interface TrackedWindow {
  range: WindowRange;
  keys: string[];
}

export interface WatermarkAdvance {
  /** Windows that closed with this advance, oldest first; fire onWindowClose for each key. */
  closed: TrackedWindow[];
  /** Windows whose data expired with this advance; drop their keys. */
  expired: TrackedWindow[];
}

interface Slot {
  range: WindowRange;
  at: number;
  keys: Set<string>;
}

/** A min-heap of slots by time (`at`). */
class SlotHeap {
  private readonly items: Slot[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Slot | undefined {
    return this.items[0];
  }

  push(slot: Slot): void {
    const items = this.items;
    items.push(slot);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (items[parent]!.at <= slot.at) break;
      items[index] = items[parent]!;
      index = parent;
    }
    items[index] = slot;
  }

  pop(): Slot | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && items[right]!.at < items[left]!.at ? right : left;
      if (items[child]!.at >= last.at) break;
      items[index] = items[child]!;
      index = child;
    }
    items[index] = last;
    return top;
  }
}

const rangeId = (range: WindowRange): string => `${range[0]}/${range[1]}`;

class PartitionWindows {
  watermark = Number.NEGATIVE_INFINITY;
  /** Open windows with keys, by range id, and the same ordered by closing time. */
  readonly open = new Map<string, Slot>();
  readonly closing = new SlotHeap();
  /** Closed windows whose data is still kept, by range id, and ordered by expiry time. */
  readonly closed = new Map<string, Slot>();
  readonly expiring = new SlotHeap();
}

export class WindowTracker {
  private readonly partitions = new Map<number, PartitionWindows>();

  constructor(private readonly window: Window) {}

  /** The largest event time seen in the partition (-Infinity before any). */
  watermark(partition: number): number {
    return this.partitions.get(partition)?.watermark ?? Number.NEGATIVE_INFINITY;
  }

  /** Whether the range is closed in the partition: no update may change it any more. */
  isClosed(partition: number, range: WindowRange): boolean {
    return this.watermark(partition) >= this.window.closesAt(range);
  }

  /**
   * An event of the partition at `timestamp`: raises the watermark and returns the windows that
   * closed and expired because of it, removing them from the open/kept sets.
   */
  advance(partition: number, timestamp: number): WatermarkAdvance {
    const state = this.state(partition);
    if (!(timestamp > state.watermark)) return { closed: [], expired: [] };
    state.watermark = timestamp;
    return this.collect(state);
  }

  /** A key was written into an open range of the partition. Throws for a closed range. */
  track(partition: number, range: WindowRange, key: string): void {
    const state = this.state(partition);
    if (state.watermark >= this.window.closesAt(range)) {
      throw new Error(
        `window [${range[0]}, ${range[1]}] of partition ${partition} is closed (watermark ${state.watermark})`,
      );
    }
    this.add(state, range, key);
  }

  /** A key was deleted from a range (by the user); it is no longer handed out on close or expiry. */
  untrack(partition: number, range: WindowRange, key: string): void {
    const state = this.partitions.get(partition);
    if (!state) return;
    const id = rangeId(range);
    state.open.get(id)?.keys.delete(key);
    state.closed.get(id)?.keys.delete(key);
  }

  /**
   * The partition's keys after recovery. `watermark` is the one recorded with the data once the
   * closes it caused had completed; windows closing at or below it count as closed (not handed out
   * again), and those already expired are returned for dropping.
   *
   * Without a record (a partition new to this worker, after a move or a crash elsewhere), the keys
   * prove an event time: an event at or after a window's start created each key. Closes caused by
   * the last events before a crash may not have completed, so only windows that closed more than
   * one window span + grace of event time before that proof count as closed; the more recent ones
   * are handed out again when the watermark passes them (at least once).
   */
  restore(
    partition: number,
    keys: Iterable<{ range: WindowRange; key: string }>,
    watermark: number | undefined,
  ): TrackedWindow[] {
    const state = new PartitionWindows();
    this.partitions.set(partition, state);
    const entries = [...keys];
    if (watermark !== undefined) {
      state.watermark = watermark;
    } else {
      const proven = entries.reduce(
        (latest, { range }) => Math.max(latest, this.window.earliestEventTime(range)),
        Number.NEGATIVE_INFINITY,
      );
      state.watermark = proven - this.window.span - this.window.grace;
    }
    const expired = new Map<string, TrackedWindow>();
    for (const { range, key } of entries) {
      if (state.watermark >= this.window.expiresAt(range)) {
        const id = rangeId(range);
        const window = expired.get(id) ?? { range, keys: [] };
        window.keys.push(key);
        expired.set(id, window);
      } else if (state.watermark >= this.window.closesAt(range)) {
        this.keep(state, range, [key]);
      } else {
        this.add(state, range, key);
      }
    }
    return [...expired.values()].sort((a, b) => a.range[0] - b.range[0]);
  }

  /** Forgets a partition (revoked or dropped). */
  drop(partition: number): void {
    this.partitions.delete(partition);
  }

  /** Partitions with state. */
  trackedPartitions(): number[] {
    return [...this.partitions.keys()].sort((a, b) => a - b);
  }

  private state(partition: number): PartitionWindows {
    let state = this.partitions.get(partition);
    if (!state) {
      state = new PartitionWindows();
      this.partitions.set(partition, state);
    }
    return state;
  }

  private add(state: PartitionWindows, range: WindowRange, key: string): void {
    const id = rangeId(range);
    let slot = state.open.get(id);
    if (!slot) {
      slot = { range, at: this.window.closesAt(range), keys: new Set() };
      state.open.set(id, slot);
      state.closing.push(slot);
    }
    slot.keys.add(key);
  }

  private keep(state: PartitionWindows, range: WindowRange, keys: Iterable<string>): void {
    const expiresAt = this.window.expiresAt(range);
    if (expiresAt === Number.POSITIVE_INFINITY) return;
    const id = rangeId(range);
    let slot = state.closed.get(id);
    if (!slot) {
      slot = { range, at: expiresAt, keys: new Set() };
      state.closed.set(id, slot);
      state.expiring.push(slot);
    }
    for (const key of keys) slot.keys.add(key);
  }

  private collect(state: PartitionWindows): WatermarkAdvance {
    const closed: TrackedWindow[] = [];
    for (let slot = state.closing.peek(); slot && slot.at <= state.watermark; slot = state.closing.peek()) {
      state.closing.pop();
      state.open.delete(rangeId(slot.range));
      if (slot.keys.size === 0) continue;
      closed.push({ range: slot.range, keys: [...slot.keys] });
      this.keep(state, slot.range, slot.keys);
    }
    const expired: TrackedWindow[] = [];
    for (let slot = state.expiring.peek(); slot && slot.at <= state.watermark; slot = state.expiring.peek()) {
      state.expiring.pop();
      state.closed.delete(rangeId(slot.range));
      if (slot.keys.size > 0) expired.push({ range: slot.range, keys: [...slot.keys] });
    }
    return { closed, expired };
  }
}
