import type { LatencySummary } from '../core/monitoring.js';

export type { LatencySummary };
/** A monotonic clock in milliseconds (performance.now by default; tests pass a fake one). */
export type Clock = () => number;

/**
 * Occurrences per second over a sliding window. Counting is one addition (no clock read on the
 * hot path); `sample(now)`, called about once a second, stores the running count with its time in
 * a ring, and the rate is the count added since the oldest sample inside the window, divided by
 * the time since it.
 */
export class RateMeter {
  /** Everything counted so far. */
  count = 0;
  private readonly times: Float64Array;
  private readonly counts: Float64Array;
  private next = 0;
  private filled = 0;

  /** `windowSeconds` of history make a rate; `startedAt` (clock ms) is when counting began. */
  constructor(
    readonly windowSeconds: number,
    startedAt: number,
  ) {
    if (!Number.isInteger(windowSeconds) || windowSeconds < 1) {
      throw new RangeError(`RateMeter: windowSeconds must be a positive integer, got ${windowSeconds}`);
    }
    // One sample a second: the window's worth, plus one at its far edge.
    this.times = new Float64Array(windowSeconds + 1);
    this.counts = new Float64Array(windowSeconds + 1);
    this.sample(startedAt);
  }

  mark(n = 1): void {
    this.count += n;
  }

  /** Remembers the count at `now` (clock ms). */
  sample(now: number): void {
    this.times[this.next] = now;
    this.counts[this.next] = this.count;
    this.next = (this.next + 1) % this.times.length;
    if (this.filled < this.times.length) this.filled++;
  }

  /**
   * Per second from the oldest sample no older than the window (or, when every sample is older,
   * the newest one) to `now`; 0 when no time has passed.
   */
  rate(now: number): number {
    const size = this.times.length;
    const from = now - this.windowSeconds * 1000;
    let reference = (this.next - 1 + size) % size; // the newest sample
    for (let i = this.filled; i > 0; i--) {
      const slot = (this.next - i + size) % size; // oldest first
      if (this.times[slot]! >= from) {
        reference = slot;
        break;
      }
    }
    const elapsedMs = now - this.times[reference]!;
    return elapsedMs > 0 ? ((this.count - this.counts[reference]!) * 1000) / elapsedMs : 0;
  }
}

/** The last `size` measurements of a latency (Faust's latency deques), with running totals. */
export class LatencyHistory {
  private readonly ring: Float64Array;
  private next = 0;
  private filled = 0;
  private total = 0;
  private sum = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`LatencyHistory: size must be a positive integer, got ${size}`);
    }
    this.ring = new Float64Array(size);
  }

  get count(): number {
    return this.total;
  }

  record(ms: number): void {
    this.ring[this.next] = ms;
    this.next = this.next + 1 === this.size ? 0 : this.next + 1;
    if (this.filled < this.size) this.filled++;
    this.total++;
    this.sum += ms;
  }

  /** The recent measurements, oldest first. */
  recent(): number[] {
    const out: number[] = [];
    const start = this.filled < this.size ? 0 : this.next;
    for (let i = 0; i < this.filled; i++) out.push(this.ring[(start + i) % this.size]!);
    return out;
  }

  summary(): LatencySummary {
    const values = this.recent().sort((a, b) => a - b);
    const n = values.length;
    if (n === 0) return { count: this.total, totalMs: this.sum, avgMs: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 };
    let sum = 0;
    for (const v of values) sum += v;
    return {
      count: this.total,
      totalMs: this.sum,
      avgMs: sum / n,
      p50Ms: nearestRank(values, 0.5),
      p99Ms: nearestRank(values, 0.99),
      maxMs: values[n - 1]!,
    };
  }
}

/** The nearest-rank percentile of sorted values: the smallest value with at least q of them at or below it. */
export function nearestRank(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}
