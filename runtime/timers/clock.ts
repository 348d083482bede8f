/**
 * Where timers read the time and wait. The runtime uses `systemClock`; tests pass a fake clock
 * that they advance by hand, so schedules are checked without sleeping.
 */
export interface Clock {
  /** Wall-clock milliseconds since the epoch: crontab schedules are in wall-clock time. */
  now(): number;
  /** Monotonic milliseconds: interval timers, unaffected by changes of the system time. */
  monotonic(): number;
  /** Calls `callback` once, `ms` from now; the returned function cancels it. */
  setTimer(ms: number, callback: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimer(ms, callback) {
    const handle = setTimeout(callback, ms);
    return () => clearTimeout(handle);
  },
};

/** The longest single wait setTimeout accepts (a longer one fires at once). */
export const MAX_TIMER_MS = 2 ** 31 - 1;
