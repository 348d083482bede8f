/**
 * An unbounded FIFO with async consumers and back-pressure signals: `onFull` fires when the
 * size reaches `maxsize`, `onDrained` when it falls back to half of it. Producers never block
 * (the transport must return promptly); the signals pause and resume fetching instead.
 */
export interface BufferSignals {
  onFull?(): void;
  onDrained?(): void;
}

export class StreamBuffer<T> {
  private items: T[] = [];
  private head = 0;
  private waiters: ((item: T | undefined) => void)[] = [];
  private closed = false;
  private full = false;

  constructor(
    readonly maxsize: number,
    private readonly signals: BufferSignals = {},
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** True from reaching maxsize until drained back to half of it. */
  get isFull(): boolean {
    return this.full;
  }

  push(item: T): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter(item);
      return;
    }
    this.items.push(item);
    if (!this.full && this.size >= this.maxsize) {
      this.full = true;
      this.signals.onFull?.();
    }
  }

  /** The next item, waiting for one; undefined once the buffer is closed and empty. */
  shift(): Promise<T | undefined> {
    const item = this.take();
    if (item !== undefined || this.closed) return Promise.resolve(item);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Like shift(), but `cancel()` ends the wait with undefined and withdraws it, so no item pushed
   * later is handed to a reader that is gone.
   */
  cancellableShift(): { promise: Promise<T | undefined>; cancel(): void } {
    const item = this.take();
    if (item !== undefined || this.closed) return { promise: Promise.resolve(item), cancel: () => {} };
    let waiter!: (item: T | undefined) => void;
    const promise = new Promise<T | undefined>((resolve) => {
      waiter = resolve;
    });
    this.waiters.push(waiter);
    return {
      promise,
      cancel: () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) {
          this.waiters.splice(index, 1);
          waiter(undefined);
        }
      },
    };
  }

  /** The next item if one is buffered, without waiting. */
  take(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head] = undefined as T;
    this.head++;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (this.full && this.size <= this.maxsize / 2) {
      this.full = false;
      this.signals.onDrained?.();
    }
    return item;
  }

  /** Removes the buffered items that match; returns them. */
  drop(predicate: (item: T) => boolean): T[] {
    const kept: T[] = [];
    const dropped: T[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i]!;
      (predicate(item) ? dropped : kept).push(item);
    }
    this.items = kept;
    this.head = 0;
    if (this.full && this.size <= this.maxsize / 2) {
      this.full = false;
      this.signals.onDrained?.();
    }
    return dropped;
  }

  /** Ends the buffer: waiting and future consumers get undefined once it is empty. */
  close(): void {
    this.closed = true;
    if (this.full) {
      this.full = false;
      this.signals.onDrained?.();
    }
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  /** Empties the buffer (it stays open), returning what was left. */
  clear(): T[] {
    const left = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    if (this.full) {
      this.full = false;
      this.signals.onDrained?.();
    }
    return left;
  }
}
