import type { SendReceipt } from '../channels/types.js';
import type { DeliveryListener } from '../transport/producer-buffer.js';
import type { RecordMetadata } from '../transport/types.js';

const ignore = () => {};

/**
 * One message's delivery, as the app's producer tracks it and as the sender's receipt: the
 * `delivered` promise is made only when someone asks for it (most sends are awaited only until
 * queued), so a send costs this one object rather than promises and closures per message.
 */
export class Delivery implements SendReceipt, DeliveryListener {
  private settled = false;
  private metadata: RecordMetadata | undefined;
  private error: Error | undefined;
  private promise: Promise<RecordMetadata> | undefined;
  private resolvePromise: ((metadata: RecordMetadata) => void) | undefined;
  private rejectPromise: ((error: Error) => void) | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    /** Told once, before anyone awaiting `delivered`, of the outcome (the app producer's bookkeeping). */
    private readonly onSettled: (delivery: Delivery, error: Error | undefined) => void,
  ) {}

  /** Settles with the broker's acknowledgement, or rejects with the send's failure. */
  get delivered(): Promise<RecordMetadata> {
    if (this.promise) return this.promise;
    if (!this.settled) {
      this.promise = new Promise<RecordMetadata>((resolve, reject) => {
        this.resolvePromise = resolve;
        this.rejectPromise = reject;
      });
    } else if (this.error) {
      this.promise = Promise.reject(this.error);
    } else {
      this.promise = Promise.resolve(this.metadata!);
    }
    // A failure nobody awaits is no unhandled rejection: the app producer handles every failure.
    this.promise.catch(ignore);
    return this.promise;
  }

  acknowledged(metadata: RecordMetadata): void {
    if (this.settled) return;
    this.settled = true;
    this.metadata = metadata;
    this.onSettled(this, undefined);
    this.resolvePromise?.(metadata);
  }

  failed(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.error = error;
    this.onSettled(this, error);
    this.rejectPromise?.(error);
  }
}
