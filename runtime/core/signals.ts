/**
 * A signal: receivers connected with `connect()` are called, in order, by `send()`, which waits
 * for async receivers. A receiver that throws is logged by the sender and does not stop the others.
 */
export class Signal<T> {
  private receivers: ((value: T) => unknown)[] = [];

  constructor(readonly name: string) {}

  /** Adds a receiver; returns a function that removes it. */
  connect(receiver: (value: T) => unknown): () => void {
    this.receivers.push(receiver);
    return () => {
      this.receivers = this.receivers.filter((r) => r !== receiver);
    };
  }

  get connected(): number {
    return this.receivers.length;
  }

  /** Calls every receiver; resolves when all settled, with the errors of those that failed. */
  async send(value: T): Promise<unknown[]> {
    const errors: unknown[] = [];
    for (const receiver of this.receivers) {
      try {
        await receiver(value);
      } catch (error) {
        errors.push(error);
      }
    }
    return errors;
  }

  /** Calls every receiver synchronously (for hot paths such as onProduceMessage). */
  sendSync(value: T): unknown[] {
    const errors: unknown[] = [];
    for (const receiver of this.receivers) {
      try {
        receiver(value);
      } catch (error) {
        errors.push(error);
      }
    }
    return errors;
  }
}
