import type { SettingsInput } from '../core/settings/index.js';
import type { FailureStage } from '../streams/types.js';
import type { Headers } from '../transport/types.js';

export interface TestContextOptions {
  /**
   * Settings for this context on top of the test driver's own (which replace the broker with a
   * private memory:// one, commit after every event and send without linger).
   */
  settings?: SettingsInput;
  /**
   * How long put(), settle() and the start may wait for the app to go quiet before they fail,
   * naming what is still busy (default 30 s). Not a timing assumption: a healthy app settles in
   * a few event-loop turns; this only turns a stuck handler into an error instead of a hang.
   */
  settleTimeoutMs?: number;
}

/** Header values may be given as strings; they are sent as UTF-8 bytes. */
export type HeaderInput = Record<string, Buffer | string>;

export interface PutOptions<K = unknown> {
  key?: K | null;
  /** The partition to write to (the partitioner's choice from the key when absent). */
  partition?: number;
  /** Milliseconds since the epoch (now when absent). */
  timestamp?: number;
  headers?: HeaderInput;
  /**
   * true (the default): resolve once the app has processed everything queued so far.
   * false: resolve once the record is on the broker; call settle() to wait.
   */
  wait?: boolean;
}

export interface PutBytesOptions extends Omit<PutOptions, 'key'> {
  /** The key's bytes (a string is written as UTF-8). */
  key?: Buffer | string | null;
}

/** A value an agent's handler yielded. */
export interface YieldRecord {
  agent: string;
  value: unknown;
}

/** Where a put record landed, and what the app yielded while processing it. */
export interface PutResult {
  /** The topic (or channel) written to. */
  topic: string;
  partition: number;
  offset: number;
  /** The values every agent yielded from the start of this put until the app settled, in order. */
  yielded: YieldRecord[];
}

/** A record on a topic, decoded with the topic's key and value serdes. */
export interface SentRecord<K = unknown, V = unknown> {
  topic: string;
  partition: number;
  offset: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  key: K;
  value: V;
  headers: Headers;
}

/** A record the app could not process, as it was written to the topic's dead-letter topic. */
export interface DeadLetter<K = unknown, V = unknown> {
  /** Why it failed: the error's message, or a decode or validation error's reason. */
  reason: string;
  /** The error's class name (e.g. ValidationError, DecodeError, Error). */
  errorType: string;
  /** decode: the bytes did not decode or validate; handler: the agent threw; forward: a groupBy/through send failed. */
  stage: FailureStage;
  /** The agent that failed, when it was an agent. */
  agent: string | undefined;
  /** Where the failed record was read. */
  source: { topic: string; partition: number; offset: number; timestamp: number };
  /** The key and value decoded with the source topic's serdes; undefined when they do not decode. */
  key: K | undefined;
  value: V | undefined;
  rawKey: Buffer | null;
  rawValue: Buffer | null;
  /** The failed record's own headers (without the dead-letter ones). */
  headers: Headers;
  /** Where it is on the dead-letter topic. */
  deadLetterTopic: string;
  partition: number;
  offset: number;
}

/** The app's committed offset of a partition: the next offset to read (-1 when nothing is committed). */
export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: number;
}
