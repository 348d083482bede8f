import { Cron } from 'croner';
import type { NextRun, Schedule } from './schedule.js';

/** How many dropped runs are counted at most after a long stall (the count is for logging). */
const MAX_COUNTED_MISSES = 1000;

/**
 * A crontab's schedule: croner computes each next run from the cron expression in the given IANA
 * time zone (so `30 9 * * *` in Europe/Oslo follows daylight saving time). Five fields (minute
 * hour day-of-month month day-of-week) as in Faust's crontab; croner also accepts a leading
 * seconds field. After a run the next one is computed from the time it fired, so runs that fell
 * due while the worker stalled are dropped, not run back to back.
 */
export class CronSchedule implements Schedule {
  readonly time = 'wall';
  private readonly cron: Cron;

  constructor(
    readonly expression: string,
    readonly timezone: string,
  ) {
    try {
      this.cron = new Cron(expression, { timezone, paused: true });
    } catch (error) {
      throw new Error(`crontab ${JSON.stringify(expression)}: ${(error as Error).message}`, { cause: error });
    }
    this.after(Date.now()); // fails now, at declaration, on an unknown time zone or a schedule that never runs
  }

  /** The first run strictly after `ms`. */
  after(ms: number): number {
    let next: Date | null;
    try {
      next = this.cron.nextRun(new Date(ms));
    } catch (error) {
      throw new Error(
        `crontab ${JSON.stringify(this.expression)} in time zone ${this.timezone}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (!next) {
      throw new Error(
        `crontab ${JSON.stringify(this.expression)} has no run after ${new Date(ms).toISOString()}`,
      );
    }
    return next.getTime();
  }

  first(now: number): number {
    return this.after(now);
  }

  next(due: number, now: number): NextRun {
    let missed = 0;
    for (let at = this.after(due); at <= now && missed < MAX_COUNTED_MISSES; at = this.after(at)) missed++;
    return { at: this.after(now), lateMs: Math.max(0, now - due), missed };
  }
}
