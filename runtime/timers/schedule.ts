/** When a periodic job runs next. */
export interface Schedule {
  /** Which of the clock's times the schedule is in: interval timers are monotonic, crontabs wall-clock. */
  readonly time: 'monotonic' | 'wall';
  /** The job starts at `now`: when its first run is due. */
  first(now: number): number;
  /** The run due at `due` fired at `now` (never earlier than `due`): when the next run is due. */
  next(due: number, now: number): NextRun;
}

export interface NextRun {
  /** When the next run is due. */
  at: number;
  /** How late this run fired, against the schedule (ms). */
  lateMs: number;
  /** Runs that fell due while the worker was busy or asleep and are dropped, not run late. */
  missed: number;
}
