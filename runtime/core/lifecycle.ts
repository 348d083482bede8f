import type { TopicPartition } from './types.js';

/** How much of the app a start runs (Faust's boot strategies). */
export type BootMode =
  /** Everything: producer, consumer, agents, timers, web (Faust's default server mode). */
  | 'worker'
  /** Producer and the RPC reply consumer, for callers of agent.ask() (Faust's client_only). */
  | 'client'
  /** The producer only (Faust's producer_only; `send` uses it). */
  | 'producer';

/**
 * A part of the runtime that starts and stops with the app: timers, leader election, the RPC
 * reply consumer, sensors, user services. Every hook is optional; hooks run in registration
 * order at start and in reverse order at stop.
 */
export interface LifecycleHooks {
  readonly name: string;
  /** Which boot modes run this part (default: worker only). */
  readonly modes?: readonly BootMode[];
  /**
   * The producer and admin are up; agents have not started and the consumer is not running.
   * Subscribe to topics here (app.subscribe / topic.openSource), declare what you need.
   */
  onStart?(): void | Promise<void>;
  /** After every rebalance, with the whole new assignment. */
  onAssigned?(assignment: TopicPartition[], generation: number): void | Promise<void>;
  /** The worker is ready: the first assignment arrived and every ready gate opened (table recovery). */
  onReady?(): void | Promise<void>;
  /** The app is stopping: agents still run, the consumer is still a member. Stop timers here. */
  onStop?(): void | Promise<void>;
  /** After the consumer left the group and the producer flushed: release what is left. */
  onStopped?(): void | Promise<void>;
}

export const runsIn = (hooks: LifecycleHooks, mode: BootMode): boolean =>
  (hooks.modes ?? ['worker']).includes(mode);

/**
 * Which parts a worker starts (Faust's BootStrategy switches). Unset switches follow Faust:
 * the Kafka producer and consumer follow `enableKafka` (default true), the web server follows the
 * `webEnabled` setting, sensors are on.
 */
export interface BootStrategy {
  enableKafka?: boolean;
  enableKafkaProducer?: boolean;
  enableKafkaConsumer?: boolean;
  enableWeb?: boolean;
  enableSensors?: boolean;
}

export interface BootSwitches {
  kafkaProducer: boolean;
  kafkaConsumer: boolean;
  web: boolean;
  sensors: boolean;
}

export function bootSwitches(strategy: BootStrategy, webEnabled: boolean): BootSwitches {
  const kafka = strategy.enableKafka ?? true;
  return {
    kafkaProducer: strategy.enableKafkaProducer ?? kafka,
    kafkaConsumer: strategy.enableKafkaConsumer ?? kafka,
    web: strategy.enableWeb ?? webEnabled,
    sensors: strategy.enableSensors ?? true,
  };
}
