/**
 * What the table layer needs from the worker it runs in (a port: the app's worker implements it).
 * The table manager declares changelog topics and set-manager agents through it, reads the
 * settings, produces changelog records, gates deliveries until recovery, and opens the changelog
 * reader's consumer through the worker's connections.
 */
import type { LifecycleHooks } from '../core/lifecycle.js';
import type { Logger } from '../core/logging/index.js';
import type { Settings } from '../core/settings/index.js';
import type { Topic, TopicOptions } from '../channels/topic.js';
import type { Stream } from '../streams/stream.js';
import type {
  ConsumerPurpose,
  TopicPartition,
  TransportAdmin,
  TransportConsumer,
} from '../transport/types.js';
import type { TableSensors } from './collection.js';

/** A handler of an agent the table layer declares (set managers). */
export type TableAgentHandler = (stream: Stream<unknown, unknown>) => Promise<void>;

/** The running worker, as the table manager uses it (after the start). */
export interface TablesEngine {
  readonly running: boolean;
  readonly transportAdmin: TransportAdmin;
  readonly producer: {
    /** Queues a record now; `delivered` settles on the broker's acknowledgement. */
    sendNow(
      topic: string,
      key: Buffer | null,
      value: Buffer | null,
      options: { partition: number },
    ): { delivered: Promise<{ offset: number }> };
    knownPartitions(topic: string): number | undefined;
  };
  readonly conductor: { topics(): string[] };
  addReadyGate(gate: () => Promise<void>): void;
  addDeliveryGate(gate: (partition: TopicPartition) => Promise<void> | undefined): void;
  /** Runs after an exactly_once transaction aborted, before its changelog records are discarded. */
  addAbortSettler(settler: () => Promise<void>): void;
  /** A consumer of the configured broker, with the worker's connection settings. */
  consumer(purpose: ConsumerPurpose): TransportConsumer;
}

export interface TablesHost {
  readonly appId: string;
  readonly conf: Readonly<Settings>;
  readonly logger: Logger;
  readonly sensors: TableSensors;
  readonly engine: TablesEngine;
  topics(): Topic<unknown, unknown>[];
  topic(name: string, options: TopicOptions): Topic<unknown, unknown>;
  agent(source: Topic<unknown, unknown>, options: { name: string }, handler: TableAgentHandler): unknown;
  addLifecycle(hooks: LifecycleHooks): void;
  /** Stops the worker: at-least-once is at stake. */
  crash(error: Error): void;
}
