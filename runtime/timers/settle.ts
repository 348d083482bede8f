import type { Clock } from './clock.js';

/** Waits for `promise` at most `ms` on `clock`: true when it settled in time. Never rejects. */
export async function settlesWithin(promise: Promise<unknown>, ms: number, clock: Clock): Promise<boolean> {
  let cancel: (() => void) | undefined;
  const timeout = new Promise<false>((resolve) => {
    cancel = clock.setTimer(ms, () => resolve(false));
  });
  const settled = promise.then(
    () => true as const,
    () => true as const,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    cancel?.();
  }
}
