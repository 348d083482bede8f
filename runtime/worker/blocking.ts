/**
 * Warns when the event loop was blocked longer than `blockingTimeout` seconds, naming what the
 * agents were processing: a blocked loop stalls heartbeats, commits and every other agent.
 */
export class BlockingDetector {
  private timer: NodeJS.Timeout | undefined;
  private last = 0;

  constructor(
    private readonly thresholdMs: number,
    private readonly describe: () => string,
    private readonly warn: (message: string) => void,
    private readonly tickMs = Math.max(50, Math.min(1000, thresholdMs / 4)),
  ) {}

  start(): void {
    if (this.timer || !(this.thresholdMs > 0)) return;
    this.last = performance.now();
    let snapshot = this.describe();
    this.timer = setInterval(() => {
      const now = performance.now();
      const blocked = now - this.last - this.tickMs;
      if (blocked > this.thresholdMs) {
        this.warn(
          `event loop was blocked for ${(blocked / 1000).toFixed(2)}s (blockingTimeout ${this.thresholdMs / 1000}s) while processing: ${this.describe() || snapshot || 'nothing'}`,
        );
      }
      this.last = now;
      snapshot = this.describe();
    }, this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
