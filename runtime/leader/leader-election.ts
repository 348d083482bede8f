import type { LifecycleHooks } from '../core/lifecycle.js';
import type { Event } from '../streams/event.js';
import type { TopicOptions } from '../channels/topic.js';
import type { Logger } from '../core/logging/index.js';
import type { EventSource } from '../streams/types.js';
import type { TopicPartition } from '../transport/types.js';

/** Faust's leader topic: `<appId>-__assignor-__leader`. */
export const leaderTopicName = (appId: string): string => `${appId}-__assignor-__leader`;

/** What leader election needs from its app. */
export interface LeaderHost {
  /** Read at start, once the settings of the run are final. */
  readonly appId: string;
  readonly conf: { readonly topicDisableLeader: boolean; readonly topicReplicationFactor: number };
  readonly logger: Logger;
  topic(name: string, options: TopicOptions): { openSource(): EventSource<unknown, unknown> };
}

/**
 * Leader election as in Faust: every worker subscribes to a one-partition internal topic in the
 * app's consumer group, and the worker the group assigns its only partition to is the leader.
 * Leadership moves with rebalances: when the leader stops or dies, the partition, and with it
 * leadership, goes to another worker in the next rebalance. With `topicDisableLeader` no topic
 * is created and no worker is the leader (`isLeader()` is false everywhere, as in Faust).
 * Nothing is written to the topic; its offsets are never committed.
 */
export class LeaderElection implements LifecycleHooks {
  readonly name = 'leader election';
  private topicName: string | undefined;
  private leader = false;
  private draining: Promise<void> | undefined;
  private readonly listeners: ((leader: boolean) => void)[] = [];

  constructor(private readonly host: LeaderHost) {}

  /** Whether this worker is the leader now (false before the first assignment and after stop). */
  isLeader(): boolean {
    return this.leader;
  }

  /** The leader topic of this run; undefined before start or when election is off. */
  get topic(): string | undefined {
    return this.topicName;
  }

  /** Called with the new state whenever this worker gains or loses leadership. */
  onChange(listener: (leader: boolean) => void): void {
    this.listeners.push(listener);
  }

  onStart(): void {
    const { conf, logger } = this.host;
    if (conf.topicDisableLeader) {
      logger.debug('leader election is off (topicDisableLeader): no worker is the leader');
      return;
    }
    const name = leaderTopicName(this.host.appId);
    this.topicName = name;
    const topic = this.host.topic(name, {
      partitions: 1,
      replicas: conf.topicReplicationFactor,
      internal: true,
      acks: false,
      deadLetter: false,
      keySerializer: 'raw',
      valueSerializer: 'raw',
    });
    // Subscribing puts the topic in the consumer's subscription, hence in the group's assignment.
    this.draining = drain(topic.openSource());
  }

  onAssigned(assignment: TopicPartition[]): void {
    const name = this.topicName;
    this.set(name !== undefined && assignment.some((tp) => tp.topic === name && tp.partition === 0));
  }

  async onStopped(): Promise<void> {
    this.set(false);
    await this.draining;
  }

  private set(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.host.logger.info(
      leader ? `this worker is now the leader (${this.topicName}[0])` : 'this worker is no longer the leader',
    );
    for (const listener of this.listeners) listener(leader);
  }
}

/** Nothing is meant to be written to the leader topic; anything that is, is read and dropped. */
async function drain(source: EventSource<unknown, unknown>): Promise<void> {
  for (;;) {
    const event: Event<unknown, unknown> | undefined = await source.next();
    if (!event) return;
    event.ack();
  }
}
