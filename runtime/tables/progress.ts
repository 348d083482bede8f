/**
 * Recovery progress: records done/total, records per second and the time left, logged at least
 * every 5 seconds while a recovery runs, and drawn as a progress bar when stderr is a terminal.
 */
import type { Logger } from '../core/logging/index.js';

export interface ProgressSource {
  /** Records read and to read, summed over the partitions recovering now. */
  progress(): { done: number; total: number; partitions: number };
}

export const LOG_EVERY_MS = 5000;
const BAR_EVERY_MS = 250;
const BAR_WIDTH = 30;

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** `12s`, `3m 20s`, `1h 5m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'unknown';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** One progress line: done/total, percent, rate, ETA. */
export function describeProgress(done: number, total: number, seconds: number, partitions: number): string {
  const rate = seconds > 0 ? done / seconds : 0;
  const percent = total > 0 ? (100 * done) / total : 100;
  const eta = rate > 0 ? formatDuration((total - done) / rate) : 'unknown';
  const which = `${partitions} changelog partition${partitions === 1 ? '' : 's'}`;
  return `recovering tables (${which}): ${fmt(done)}/${fmt(total)} records (${percent.toFixed(1)}%), ${fmt(rate)} records/s, ETA ${eta}`;
}

export class RecoveryProgress {
  private timer: NodeJS.Timeout | undefined;
  private started = 0;
  private lastLog = 0;
  private readonly bar: boolean;

  constructor(
    private readonly source: ProgressSource,
    private readonly logger: Logger,
    stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.bar = stream.isTTY === true;
    this.stream = stream;
  }

  private readonly stream: NodeJS.WriteStream;

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer) return;
    this.started = performance.now();
    this.lastLog = this.started;
    this.timer = setInterval(() => this.tick(), this.bar ? BAR_EVERY_MS : 1000);
    this.timer.unref();
  }

  /** Stops reporting; logs the summary. */
  stop(summary?: string): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.bar) this.stream.write('\r\x1b[K');
    if (summary) this.logger.info(summary);
  }

  get elapsedSeconds(): number {
    return this.timer ? (performance.now() - this.started) / 1000 : 0;
  }

  private tick(): void {
    const now = performance.now();
    const { done, total, partitions } = this.source.progress();
    const seconds = (now - this.started) / 1000;
    if (this.bar) {
      const filled = total > 0 ? Math.round((BAR_WIDTH * done) / total) : BAR_WIDTH;
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
      this.stream.write(`\r\x1b[K${bar} ${describeProgress(done, total, seconds, partitions)}`);
    }
    if (now - this.lastLog >= LOG_EVERY_MS) {
      this.lastLog = now;
      const rate = seconds > 0 ? Math.round(done / seconds) : 0;
      if (!this.bar) {
        this.logger.info(describeProgress(done, total, seconds, partitions), {
          done,
          total,
          recordsPerSecond: rate,
        });
      }
    }
  }
}
