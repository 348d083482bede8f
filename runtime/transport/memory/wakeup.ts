/**
 * A one-waiter wake-up flag: the fetch loop sleeps on wait() and anything that may give it work
 * (a produce, resume, seek, a rebalance, stop) calls notify(). A notify() with nobody waiting is
 * remembered, so a wake-up that races with going to sleep is never lost. Holds no timer or handle.
 */
export class Wakeup {
  private pending = false;
  private release: (() => void) | undefined;

  notify(): void {
    const release = this.release;
    if (release) {
      this.release = undefined;
      release();
    } else {
      this.pending = true;
    }
  }

  wait(): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.release = resolve;
    });
  }
}

/** Resolves on the next turn of the event loop, after pending I/O callbacks (never a timer). */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
