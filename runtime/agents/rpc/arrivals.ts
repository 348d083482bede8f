/**
 * Replies in the order they arrive, for map/kvmap: values are pushed as replies come, and read
 * with `next()`. The queue ends once `close()` was called (no more requests will be sent) and
 * every expected reply was pushed; a failure is delivered after the values that came before it.
 */
export class Arrivals<T> {
  private values: T[] = [];
  private head = 0;
  private expected = 0;
  private closed = false;
  private failure: { error: unknown } | undefined;
  private wake: (() => void) | undefined;

  /** One more reply to wait for. */
  expect(): void {
    this.expected++;
  }

  push(value: T): void {
    this.expected--;
    this.values.push(value);
    this.notify();
  }

  /** Ends the queue with an error (the first one wins). */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.notify();
  }

  /** No more requests will be sent. */
  close(): void {
    this.closed = true;
    this.notify();
  }

  async next(): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      if (this.head < this.values.length) return { done: false, value: this.take() };
      if (this.failure) throw this.failure.error;
      if (this.closed && this.expected <= 0) return { done: true, value: undefined };
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private take(): T {
    const value = this.values[this.head++] as T;
    if (this.head === this.values.length) {
      this.values = [];
      this.head = 0;
    }
    return value;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
