/**
 * Looks at the worker's assigned partitions every so often and tells which have lag and make no
 * progress (see sensors/stall-detector.ts). The numbers come from the broker (the group's committed
 * offsets and the high watermarks), so a partition that never hands over a batch counts too.
 */
import type { Logger } from '../core/logging/index.js';
import { type StalledPartition, StallDetector } from '../sensors/stall-detector.js';
import type { TopicPartition, TransportAdmin } from '../transport/types.js';

export interface StallWatchOptions {
  /** consumerStallTimeout in milliseconds; 0: no watching. */
  timeoutMs: number;
  groupId: string;
  admin: () => TransportAdmin | undefined;
  assignment: () => TopicPartition[];
  logger: Logger;
  clock?: () => number;
}

export class StallWatch {
  private readonly detector: StallDetector;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private reported = new Set<string>();

  constructor(private readonly options: StallWatchOptions) {
    this.detector = new StallDetector(options.timeoutMs, options.clock);
  }

  start(): void {
    if (this.timer || this.options.timeoutMs <= 0) return;
    const every = Math.max(1_000, Math.min(30_000, this.options.timeoutMs / 4));
    this.timer = setInterval(() => void this.check(), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.detector.reset();
  }

  stalled(): StalledPartition[] {
    return this.detector.stalled();
  }

  /** One look at the assigned partitions (the timer's tick; tests call it directly). */
  async check(): Promise<StalledPartition[]> {
    const admin = this.options.admin();
    if (this.checking || !admin) return this.detector.stalled();
    this.checking = true;
    try {
      const byTopic = new Map<string, number[]>();
      for (const { topic, partition } of this.options.assignment()) {
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
      }
      const samples = [];
      for (const [topic, partitions] of byTopic) {
        const [ends, committed] = await Promise.all([
          admin.topicOffsets(topic),
          admin.committedOffsets(this.options.groupId, topic),
        ]);
        for (const partition of partitions) {
          const high = ends.find((e) => e.partition === partition)?.high;
          if (high === undefined) continue;
          const offset = committed.find((c) => c.partition === partition)?.offset ?? -1;
          samples.push({ topic, partition, committed: offset, high });
        }
      }
      const stalled = this.detector.observe(samples);
      this.report(stalled);
      return stalled;
    } catch (error) {
      this.options.logger.debug(`stall check failed: ${(error as Error).message}`);
      return this.detector.stalled();
    } finally {
      this.checking = false;
    }
  }

  private report(stalled: StalledPartition[]): void {
    const now = new Set<string>();
    for (const s of stalled) {
      const name = `${s.topic}[${s.partition}]`;
      now.add(name);
      if (this.reported.has(name)) continue;
      this.options.logger.error(
        `${name} is stalled: committed offset ${s.committed}, high watermark ${s.high} (lag ${s.lag}), ` +
          `no progress for ${Math.round(s.stalledForMs / 1000)} s; the worker reports not ready`,
      );
    }
    this.reported = now;
  }
}
