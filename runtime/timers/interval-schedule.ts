import type { NextRun, Schedule } from './schedule.js';

/**
 * An interval timer's schedule with drift correction (Faust's `max_drift_correction`).
 *
 * Runs are due on a fixed grid, `start + n * interval`. A wake-up always comes a little late, so
 * a plain `sleep(interval)` loop drifts later every tick; here each sleep is shortened by the
 * lateness of the run, by at most `maxDriftCorrection`, which keeps the timer on its grid. A
 * bigger delay (a blocked event loop) is caught up over several ticks, so no interval is ever
 * shorter than `interval - maxDriftCorrection`; a delay of a whole interval or more drops the runs
 * that fell due meanwhile (reported as `missed`) instead of running them back to back. As in
 * Faust, a timer whose interval is not longer than the correction is not corrected.
 */
export class IntervalSchedule implements Schedule {
  readonly time = 'monotonic';
  private readonly correctionMs: number;
  /** The grid point the pending run belongs to. */
  private gridPoint = 0;

  constructor(
    readonly intervalMs: number,
    maxDriftCorrectionMs: number,
  ) {
    if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
      throw new Error(`a timer's interval must be a positive number of seconds, got ${intervalMs / 1000}`);
    }
    if (!Number.isFinite(maxDriftCorrectionMs) || maxDriftCorrectionMs < 0) {
      throw new Error(
        `a timer's maxDriftCorrection must be zero or more seconds, got ${maxDriftCorrectionMs / 1000}`,
      );
    }
    this.correctionMs = intervalMs > maxDriftCorrectionMs ? maxDriftCorrectionMs : 0;
  }

  first(now: number): number {
    this.gridPoint = now + this.intervalMs;
    return this.gridPoint;
  }

  next(_due: number, now: number): NextRun {
    const interval = this.intervalMs;
    let lateMs = Math.max(0, now - this.gridPoint);
    let missed = 0;
    if (lateMs >= interval) {
      missed = Math.floor(lateMs / interval);
      this.gridPoint += missed * interval;
      lateMs -= missed * interval;
    }
    const target = this.gridPoint + interval;
    // Shorten this sleep by the lateness, within the correction bound; never lengthen it.
    const at = Math.max(target, now + interval - this.correctionMs);
    // Without correction there is no grid to return to: the schedule follows the wake-ups.
    this.gridPoint = this.correctionMs === 0 ? at : target;
    return { at, lateMs, missed };
  }
}
