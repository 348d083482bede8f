import type { Settings } from '../../core/settings/index.js';
import type { Logger } from '../../core/logging/index.js';
import type {
  ConsumerPurpose,
  Message,
  MessageBatch,
  TopicSpec,
  TransportAdmin,
  TransportConsumer,
} from '../../transport/types.js';
import { ReplyLostError } from './errors.js';
import type { PendingReplies } from './pending.js';
import { decodeResponse, reviveValue } from './response.js';

export interface ReplyConsumerOptions {
  /** The reply topic of this app instance (`replyTo`). */
  topic: string;
  conf: Readonly<Settings>;
  logger: Logger;
  /** The running app's admin client. */
  admin: () => TransportAdmin;
  /** A consumer with the worker's connection settings. */
  consumer: (purpose: ConsumerPurpose) => TransportConsumer;
  pending: PendingReplies;
}

/**
 * How a reply topic is declared (Faust's `_reply_topic`): one partition, deleted after
 * `replyExpires` seconds.
 */
export function replyTopicSpec(topic: string, conf: Readonly<Settings>): TopicSpec {
  return {
    name: topic,
    partitions: 1,
    replicationFactor: conf.topicReplicationFactor,
    deleting: true,
    retentionMs: Math.round(conf.replyExpires * 1000),
  };
}

/**
 * The reply topic of one app instance and the consumer that reads it, handing each reply to the
 * request waiting for it. It has its own transport consumer (group: the topic's name), because a
 * kafkajs consumer cannot add a topic once it runs.
 *
 * Why no reply is missed: the consumer starts from the earliest offset (the reply topic is new,
 * or, when `replyTo` names a topic that is used again, from the offset it committed last time),
 * and the topic exists before the first request is sent. A reply produced before the consumer
 * got its partition is therefore still read once it does, so requests need not wait for the
 * group join. Positions are committed as replies are read, so a restart with the same `replyTo`
 * does not read old replies again.
 */
export class ReplyConsumer {
  private starting: Promise<void> | undefined;
  private consumer: TransportConsumer | undefined;
  private stopped = false;
  /** Next offset to read, and the last committed one, per partition of the reply topic. */
  private readonly positions = new Map<number, number>();
  private readonly committed = new Map<number, number>();
  private committing: Promise<void> | undefined;

  constructor(private readonly options: ReplyConsumerOptions) {}

  get topic(): string {
    return this.options.topic;
  }

  /** Whether the consumer was started (or is starting). */
  get started(): boolean {
    return this.starting !== undefined;
  }

  /** Declares the reply topic and starts consuming it; idempotent, and retried after a failure. */
  start(): Promise<void> {
    if (this.stopped) {
      return Promise.reject(new Error(`reply consumer of ${this.topic}: the app was stopped`));
    }
    this.starting ??= this.open().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  /** Stops consuming (committing what was read) and fails the requests still waiting. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.starting?.catch(() => undefined);
    await this.committing;
    await this.commitPositions();
    await this.consumer?.stop();
    this.consumer = undefined;
    this.options.pending.rejectAll(
      (agent, correlationId) =>
        new ReplyLostError(agent, correlationId, `the app stopped (reply topic ${this.topic})`),
    );
  }

  private async open(): Promise<void> {
    const { logger, topic } = this.options;
    await this.declare();
    const consumer = this.options.consumer({ groupId: topic, autoOffsetReset: 'earliest' });
    consumer.subscribe([topic]);
    this.consumer = consumer;
    try {
      await consumer.start({
        onBatch: (batch) => this.onBatch(batch),
        onAssigned: (assignment) => {
          logger.debug(`reply consumer of ${topic} assigned ${assignment.length} partition(s)`);
        },
        onStopped: (error) => this.onStopped(consumer, error),
      });
    } catch (error) {
      this.consumer = undefined;
      throw new Error(`cannot consume the reply topic ${topic}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    logger.debug(`consuming replies from ${topic}`);
  }

  private async declare(): Promise<void> {
    const { conf, topic } = this.options;
    const admin = this.options.admin();
    if (conf.topicAllowDeclare) await admin.createTopics([replyTopicSpec(topic, conf)]);
    if ((await admin.partitionCount(topic)) === undefined) {
      throw new Error(
        `reply topic ${topic} does not exist and topicAllowDeclare is off: create it ` +
          `(1 partition, cleanup.policy=delete, retention.ms=${Math.round(conf.replyExpires * 1000)})`,
      );
    }
  }

  private onBatch(batch: MessageBatch): void {
    for (const message of batch.messages) this.onMessage(message);
    const last = batch.messages[batch.messages.length - 1];
    if (last) {
      this.positions.set(batch.partition, last.offset + 1);
      this.scheduleCommit();
    }
  }

  private onMessage(message: Message): void {
    const { pending, logger, topic } = this.options;
    let response: ReturnType<typeof decodeResponse>;
    try {
      response = decodeResponse(message.value);
    } catch (error) {
      logger.warn(
        `skipped ${topic}[${message.partition}]@${message.offset}: not a reply (${(error as Error).message})`,
      );
      return;
    }
    const { correlationId } = response;
    if (!pending.has(correlationId)) {
      // Late (after its timeout), a duplicate (at-least-once), or for an earlier run of this topic.
      logger.debug(`reply ${correlationId} in ${topic} has no waiting request`);
      return;
    }
    let value: unknown;
    try {
      value = reviveValue(response.value);
    } catch (error) {
      pending.reject(
        correlationId,
        (agent) =>
          new Error(
            `agent ${agent}: the reply to request ${correlationId} cannot be read: ${(error as Error).message}`,
            { cause: error },
          ),
      );
      return;
    }
    pending.resolve(correlationId, value);
  }

  private onStopped(consumer: TransportConsumer, error?: Error): void {
    if (!error || this.stopped || this.consumer !== consumer) return;
    const { logger, pending, topic } = this.options;
    logger.error(`the reply consumer of ${topic} stopped: ${error.message}; the next ask() restarts it`);
    this.consumer = undefined;
    this.starting = undefined;
    pending.rejectAll(
      (agent, correlationId) =>
        new ReplyLostError(agent, correlationId, `the reply consumer of ${topic} failed: ${error.message}`, {
          cause: error,
        }),
    );
  }

  /** Commits the read positions in the background, one commit at a time. */
  private scheduleCommit(): void {
    if (this.committing) return;
    this.committing = (async () => {
      while (!this.stopped && this.hasUncommitted()) {
        if (!(await this.commitPositions())) break;
      }
    })().finally(() => {
      this.committing = undefined;
    });
  }

  private hasUncommitted(): boolean {
    for (const [partition, offset] of this.positions) {
      if (this.committed.get(partition) !== offset) return true;
    }
    return false;
  }

  /** One commit of every moved position; false when it failed (the next batch tries again). */
  private async commitPositions(): Promise<boolean> {
    const consumer = this.consumer;
    if (!consumer) return false;
    const offsets = [...this.positions]
      .filter(([partition, offset]) => this.committed.get(partition) !== offset)
      .map(([partition, offset]) => ({ topic: this.topic, partition, offset }));
    if (offsets.length === 0) return true;
    try {
      await consumer.commit(offsets);
    } catch (error) {
      this.options.logger.debug(`commit of reply topic ${this.topic} failed: ${(error as Error).message}`);
      return false;
    }
    for (const { partition, offset } of offsets) this.committed.set(partition, offset);
    return true;
  }
}
