import type { Event } from './event.js';
import type { Headers } from '../transport/types.js';

/**
 * Where a stream's events come from. `next()` gives undefined when the source has ended. It may
 * answer synchronously when an event is at hand: the per-event path then costs no promise.
 */
export interface EventSource<K, V> {
  next(): Event<K, V> | undefined | Promise<Event<K, V> | undefined>;
  /** The name of the topic or channel read (used to name repartition topics). */
  readonly name: string;
  /** Stops receiving: pending and later next() calls resolve undefined once drained. */
  close?(): void;
}

/** Something values can be sent to: a topic, a channel or an agent. */
export interface SendTarget<K = unknown, V = unknown> {
  readonly name: string;
  send(message: OutgoingRecord<K, V>): Promise<unknown>;
}

export interface OutgoingRecord<K, V> {
  key?: K | null;
  value: V;
  partition?: number;
  /** Milliseconds since the epoch. */
  timestamp?: number;
  headers?: Headers;
}

export type FailureStage = 'decode' | 'handler' | 'forward';

/** What streams need from the app they run in. */
export interface StreamHost {
  /** Publishes a failed event to its dead-letter topic (or logs and skips it), then acks it. */
  deadLetter(
    event: Event<unknown, unknown>,
    error: unknown,
    stage: FailureStage,
    agent?: string,
  ): Promise<void>;
  /** Forwards an event's original bytes with a new key to a topic (group_by). Resolves once queued. */
  forwardRaw(
    topic: string,
    event: Event<unknown, unknown>,
    key: unknown,
    keyTarget: SendTarget,
  ): Promise<void>;
  /** A topic or channel to repartition into, declared as internal. */
  repartitionTarget(name: string, partitions: number | undefined): SendTarget & StreamSourceFactory;
}

export interface StreamSourceFactory {
  /** A new source over this topic or channel, for operators that chain streams. */
  openSource(): EventSource<unknown, unknown>;
}

/** State shared by a stream and the streams derived from it. */
export interface StreamState {
  /** Events handed to user code and not yet acked. */
  inflight: Event<unknown, unknown>[];
  /** False after noack(): the user acks with stream.ack(event). */
  acks: boolean;
  /** Name of the agent iterating the stream, when there is one. */
  agent?: string;
}
