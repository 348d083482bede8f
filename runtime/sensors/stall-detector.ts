import type { StalledPartition } from '../core/monitoring.js';

export type { StalledPartition };
/**
 * Finds partitions that have lag and make no progress: the group's committed offset has not moved
 * for `timeoutMs` while the partition's high watermark is past it. A worker that answers "ready"
 * while one of its partitions sits still hides lost processing (issue 10, part 3); the engine feeds
 * this from the broker's own numbers (committed offsets, high watermarks) so a partition that never
 * delivers a batch is seen too. A negative committed offset (none, or kafkajs's symbolic -2/-1)
 * counts as position 0; one past the high watermark (out of range: nothing can be read from it)
 * counts as lag of the distance past the end.
 */

export interface PartitionProgressSample {
  topic: string;
  partition: number;
  /** The group's committed offset (negative: none). */
  committed: number;
  /** The partition's high watermark. */
  high: number;
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class StallDetector {
  private readonly seen = new Map<string, { committed: number; since: number }>();
  private current: StalledPartition[] = [];

  constructor(
    private readonly timeoutMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /**
   * One look at every partition this worker owns now (partitions left out are forgotten: a new
   * owner starts a fresh clock). Returns the stalled ones.
   */
  observe(samples: PartitionProgressSample[]): StalledPartition[] {
    const now = this.clock();
    const keep = new Set<string>();
    const stalled: StalledPartition[] = [];
    for (const { topic, partition, committed, high } of samples) {
      const k = key(topic, partition);
      keep.add(k);
      const position = Math.max(0, committed);
      const lag = position > high ? position - high : high - position;
      const last = this.seen.get(k);
      if (!last || last.committed !== committed || lag === 0) {
        this.seen.set(k, { committed, since: now });
        continue;
      }
      const stalledForMs = now - last.since;
      if (this.timeoutMs > 0 && stalledForMs >= this.timeoutMs) {
        stalled.push({ topic, partition, committed, high, lag, stalledForMs });
      }
    }
    for (const k of this.seen.keys()) if (!keep.has(k)) this.seen.delete(k);
    this.current = stalled;
    return stalled;
  }

  /** The stalled partitions of the last observe(). */
  stalled(): StalledPartition[] {
    return this.current.map((s) => ({ ...s }));
  }

  /** Forget everything (a rebalance, a stop). */
  reset(): void {
    this.seen.clear();
    this.current = [];
  }
}
