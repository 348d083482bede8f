import type { PartitionAckTracker } from '../commit/ack-tracker.js';
import type { EventOrigin, Headers, Message } from '../core/types.js';

export type { EventOrigin };

/**
 * One consumed message shared by every stream it was delivered to. The offset becomes
 * committable when the last of them acks (Faust's message refcount).
 */
export class MessageRef {
  private remaining: number;

  constructor(
    readonly message: Message,
    readonly generation: number,
    subscribers: number,
    private readonly tracker: PartitionAckTracker | null,
    private readonly onAcked: (moved: boolean) => void,
  ) {
    this.remaining = subscribers;
  }

  get acked(): boolean {
    return this.remaining <= 0;
  }

  release(): void {
    if (this.remaining <= 0) return;
    this.remaining--;
    if (this.remaining === 0) {
      const moved = this.tracker ? this.tracker.ack(this.message.offset) : false;
      this.onAcked(moved);
    }
  }
}

/** The ack state shared by an event and the events derived from it (map, filter, ...). */
interface AckCell {
  done: boolean;
  readonly ref: MessageRef | null;
}

/** A decoded event as an agent sees it. */
export class Event<K = unknown, V = unknown> implements EventOrigin {
  private readonly cell: AckCell;

  constructor(
    readonly key: K,
    readonly value: V,
    readonly message: Message,
    ref: MessageRef | null | AckCell,
  ) {
    this.cell = ref && 'done' in ref ? ref : { done: false, ref: ref as MessageRef | null };
  }

  get topic(): string {
    return this.message.topic;
  }
  get partition(): number {
    return this.message.partition;
  }
  get offset(): number {
    return this.message.offset;
  }
  get timestamp(): number {
    return this.message.timestamp;
  }
  get headers(): Headers {
    return this.message.headers;
  }
  get generation(): number {
    return this.cell.ref?.generation ?? 0;
  }
  get acked(): boolean {
    return this.cell.done;
  }
  /** True for events consumed from a topic (false for channel events). */
  get fromTopic(): boolean {
    return this.cell.ref !== null;
  }

  /** Marks this event done for its stream (and every event derived from it). Idempotent. */
  ack(): void {
    if (this.cell.done) return;
    this.cell.done = true;
    this.cell.ref?.release();
  }

  /** The same event with another value (shares the ack). */
  withValue<U>(value: U): Event<K, U> {
    return new Event<K, U>(this.key, value, this.message, this.cell);
  }

  /** The same event with another key and value (shares the ack). */
  withKeyValue<K2, U>(key: K2, value: U): Event<K2, U> {
    return new Event<K2, U>(key, value, this.message, this.cell);
  }
}
