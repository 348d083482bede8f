import type { Logger } from '../core/logging/index.js';
import { type Clock, MAX_TIMER_MS } from './clock.js';
import type { JobRunner } from './job.js';
import type { Schedule } from './schedule.js';

/**
 * The longest single wait of a periodic job. Waiting in steps re-reads the clock: a crontab
 * stays on wall-clock time when the system time changes or the machine was suspended (timers
 * pause during a suspend, the wall clock does not).
 */
const MAX_WAIT_MS = Math.min(60_000, MAX_TIMER_MS);

/** How late (ms) a timer run must be before it is logged: 30% of the interval, at most 1.2 s (as Faust). */
export const lateThresholdMs = (intervalMs: number): number => Math.min(intervalMs * 0.3, 1200);

/**
 * Runs a job on its schedule until stopped. A run that is due while the previous one still
 * runs is skipped (not queued): the job keeps its schedule and never runs twice at once.
 */
export class PeriodicJob {
  private due = 0;
  private cancel: (() => void) | undefined;
  private stopped = true;
  private warnedBusy = false;

  constructor(
    private readonly runner: JobRunner,
    private readonly schedule: Schedule,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Runs later than this (ms) are logged. */
    private readonly lateLogMs = Number.POSITIVE_INFINITY,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.due = this.schedule.first(this.read());
    this.arm();
  }

  /** Stops scheduling; a run in progress goes on (await `runner.idle()` for it). */
  stop(): void {
    this.stopped = true;
    this.cancel?.();
    this.cancel = undefined;
  }

  /** When the next run is due, in the schedule's time. */
  get nextDue(): number {
    return this.due;
  }

  private read(): number {
    return this.schedule.time === 'wall' ? this.clock.now() : this.clock.monotonic();
  }

  private arm(): void {
    const wait = Math.min(Math.max(0, this.due - this.read()), MAX_WAIT_MS);
    this.cancel = this.clock.setTimer(wait, () => this.wake());
  }

  private wake(): void {
    this.cancel = undefined;
    if (this.stopped) return;
    const now = this.read();
    if (now >= this.due) {
      this.fire();
      let next: ReturnType<Schedule['next']>;
      try {
        next = this.schedule.next(this.due, now);
      } catch (error) {
        this.stopped = true;
        this.logger.error(`${this.runner.label} stopped: ${(error as Error).message}`, { err: error });
        return;
      }
      this.report(next.lateMs, next.missed);
      this.due = next.at;
    }
    this.arm();
  }

  private fire(): void {
    const wasBusy = this.runner.busy;
    if (this.runner.tryRun()) {
      this.warnedBusy = false;
    } else if (wasBusy && !this.warnedBusy) {
      this.warnedBusy = true;
      this.logger.warn(`${this.runner.label}: the previous run is still going; skipping runs until it ends`);
    }
  }

  private report(lateMs: number, missed: number): void {
    if (missed > 0) {
      this.runner.noteMissed(missed);
      this.logger.warn(`${this.runner.label}: the worker fell behind; ${missed} run(s) dropped`);
    } else if (lateMs >= this.lateLogMs) {
      this.logger.info(`${this.runner.label} woke up ${Math.round(lateMs)} ms late`);
    }
  }
}
