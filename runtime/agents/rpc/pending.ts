/** A request waiting for its reply. */
interface Waiter {
  readonly agent: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The requests of one app waiting for replies, by correlation id (Faust's ReplyConsumer
 * `_waiting`). Each settles once: with its reply, with the error of its timeout, or when the
 * reply can no longer come. Replies for ids not waited for (late, duplicate, or from an earlier
 * run that used the same reply topic) are left to the caller to ignore.
 */
export class PendingReplies {
  private readonly waiting = new Map<string, Waiter>();

  /** Requests still waiting. */
  get size(): number {
    return this.waiting.size;
  }

  has(correlationId: string): boolean {
    return this.waiting.has(correlationId);
  }

  /**
   * Registers a request before it is sent, so that no reply can come before it is expected.
   * After `timeoutMs` (Infinity: never) it rejects with `onTimeout()`. The returned promise is
   * marked handled: a request whose sender gave up does not crash the process when it times out.
   */
  expect(correlationId: string, agent: string, timeoutMs: number, onTimeout: () => Error): Promise<unknown> {
    if (this.waiting.has(correlationId)) {
      throw new Error(`agent ${agent}: correlation id ${correlationId} is already waiting for a reply`);
    }
    const promise = new Promise<unknown>((resolve, reject) => {
      const waiter: Waiter = { agent, resolve, reject, timer: undefined };
      if (Number.isFinite(timeoutMs)) {
        waiter.timer = setTimeout(() => {
          if (this.waiting.get(correlationId) !== waiter) return;
          this.waiting.delete(correlationId);
          reject(onTimeout());
        }, timeoutMs);
      }
      this.waiting.set(correlationId, waiter);
    });
    promise.catch(() => {});
    return promise;
  }

  /** Settles a request with its reply value; false when nobody waits for this id. */
  resolve(correlationId: string, value: unknown): boolean {
    const waiter = this.take(correlationId);
    waiter?.resolve(value);
    return waiter !== undefined;
  }

  /** Fails a request (its reply came but cannot be read); false when nobody waits for this id. */
  reject(correlationId: string, error: (agent: string) => Error): boolean {
    const waiter = this.take(correlationId);
    waiter?.reject(error(waiter.agent));
    return waiter !== undefined;
  }

  /** Forgets a request without settling it (its send failed, or its map/join was abandoned). */
  cancel(correlationId: string): void {
    this.take(correlationId);
  }

  /** Fails every waiting request: no reply can come any more. */
  rejectAll(error: (agent: string, correlationId: string) => Error): void {
    const all = [...this.waiting.keys()];
    for (const correlationId of all) this.reject(correlationId, (agent) => error(agent, correlationId));
  }

  private take(correlationId: string): Waiter | undefined {
    const waiter = this.waiting.get(correlationId);
    if (!waiter) return undefined;
    this.waiting.delete(correlationId);
    clearTimeout(waiter.timer);
    return waiter;
  }
}
