import { randomBytes } from 'node:crypto';
import type { MemoryTransport } from '../../../../../runtime/transport/memory/index.js';
import { memoryTransport } from '../../../../../runtime/transport/memory/index.js';
import type {
  ConsumerHandlers,
  ConsumerOptions,
  Message,
  MessageBatch,
  OutgoingMessage,
  TopicPartition,
} from '../../../../../runtime/transport/types.js';

export interface LogLine {
  level: string;
  message: string;
}

/** A transport on a broker of its own (destroy it with destroyMemoryBroker(transport.url)). */
export function freshTransport(logs: LogLine[] = []): MemoryTransport {
  return memoryTransport({
    urls: [`memory://unit-${randomBytes(6).toString('hex')}`],
    clientId: 'unit',
    connectionTimeoutMs: 1_000,
    requestTimeoutMs: 1_000,
    log: (level, message) => logs.push({ level, message }),
  });
}

export function consumerOptions(groupId: string, overrides: Partial<ConsumerOptions> = {}): ConsumerOptions {
  return {
    groupId,
    clientId: 'unit',
    autoOffsetReset: 'earliest',
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 1_000,
    rebalanceTimeoutMs: 60_000,
    requestTimeoutMs: 1_000,
    maxFetchBytes: 0,
    maxPollRecords: 0,
    ...overrides,
  };
}

export const producerOptions = {
  clientId: 'unit',
  acks: -1,
  compression: 'none',
  requestTimeoutMs: 1_000,
  maxRequestSize: 1_048_576,
} as const;

export function msg(
  topic: string,
  partition: number,
  value: string,
  key: string | null = null,
): OutgoingMessage {
  return { topic, partition, key: key === null ? null : Buffer.from(key), value: Buffer.from(value) };
}

/** Handlers that record everything, in order; onBatch may be replaced to return a promise. */
export class Recorder implements ConsumerHandlers {
  readonly batches: MessageBatch[] = [];
  readonly assignments: { assignment: TopicPartition[]; generation: number }[] = [];
  /** 'assigned:<gen>' and 'batch:<topic>[<partition>]:<gen>' in call order. */
  readonly events: string[] = [];
  stopped: { error: Error | undefined } | undefined;
  batchResult: (batch: MessageBatch) => void | Promise<void> = () => {};
  private readonly waiters = new Set<() => void>();

  onBatch(batch: MessageBatch): void | Promise<void> {
    this.batches.push(batch);
    this.events.push(`batch:${batch.topic}[${batch.partition}]:${batch.generation}`);
    this.changed();
    return this.batchResult(batch);
  }

  onAssigned(assignment: TopicPartition[], generation: number): void {
    this.assignments.push({ assignment, generation });
    this.events.push(`assigned:${generation}`);
    this.changed();
  }

  onStopped(error?: Error): void {
    this.stopped = { error };
    this.changed();
  }

  /** Resolves once `ready()` holds, re-checked after every handler call (no timer: node:test's timeout catches a hang). */
  waitFor(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const check = () => {
        if (!ready()) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  private changed(): void {
    for (const check of [...this.waiters]) check();
  }

  get generation(): number {
    return this.assignments.at(-1)?.generation ?? 0;
  }

  partitions(): number[] {
    return (this.assignments.at(-1)?.assignment ?? []).map((tp) => tp.partition);
  }

  messages(): Message[] {
    return this.batches.flatMap((batch) => batch.messages);
  }

  offsets(partition: number): number[] {
    return this.messages()
      .filter((m) => m.partition === partition)
      .map((m) => m.offset);
  }
}

/** Lets the broker's loops run: a number of event-loop turns, no timers involved. */
export async function turns(count = 20): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A promise with its resolve/reject exposed. */
export function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
