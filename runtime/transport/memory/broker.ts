import type { CommitOffset, Headers, Message, OutgoingMessage, RecordMetadata, TopicSpec } from '../types.js';
import { GroupCoordinator, type TransportLog } from './group-coordinator.js';
import { PartitionLog } from './partition-log.js';
import { formatTopicPartition } from './topic-partition.js';
import { nextTurn } from './wakeup.js';

/** A started consumer, as the broker sees it: it can be stopped and asked whether it is idle. */
export interface TrackedConsumer {
  stop(): Promise<void>;
  isIdle(): boolean;
}

const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/**
 * An in-process Kafka-like broker: topics of N partitions with append-only logs, consumer
 * groups with committed offsets. Not supported (by design): retention (the low watermark stays
 * 0), log compaction (`compacting` topics keep every record), replication (the factor is
 * ignored). Transactions are atomic appends at commit (see commitTransaction). Topics are never created implicitly.
 */
export class MemoryBroker {
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly groups = new Map<string, GroupCoordinator>();
  private readonly consumers = new Set<TrackedConsumer>();
  private memberSequence = 0;
  /** The current producer epoch of each transactional id (a newer producer fences older ones). */
  private readonly transactionEpochs = new Map<string, number>();
  private destroyed = false;

  constructor(
    readonly url: string,
    private readonly log?: TransportLog,
  ) {}

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  assertAlive(who: string): void {
    if (this.destroyed) throw new Error(`${who}: memory broker ${this.url} was destroyed`);
  }

  /** Checks a spec the way Kafka would; throws naming the topic. */
  validateTopicSpec(spec: TopicSpec): void {
    if (
      typeof spec.name !== 'string' ||
      !LEGAL_TOPIC_NAME.test(spec.name) ||
      spec.name === '.' ||
      spec.name === '..'
    ) {
      throw new Error(
        `memory broker ${this.url}: illegal topic name ${JSON.stringify(spec.name)} (use 1-249 of a-z A-Z 0-9 . _ -)`,
      );
    }
    if (!Number.isSafeInteger(spec.partitions) || spec.partitions < 1) {
      throw new Error(
        `memory broker ${this.url}: topic "${spec.name}" needs a positive integer partition count, got ${spec.partitions}`,
      );
    }
  }

  /** Creates the topics that do not exist yet (all specs are validated first); returns the names created. */
  createTopics(specs: readonly TopicSpec[]): string[] {
    this.assertAlive('createTopics');
    for (const spec of specs) this.validateTopicSpec(spec);
    const created: string[] = [];
    for (const spec of specs) {
      if (this.topics.has(spec.name)) continue;
      const logs: PartitionLog[] = [];
      for (let partition = 0; partition < spec.partitions; partition++) {
        logs.push(new PartitionLog(spec.name, partition));
      }
      this.topics.set(spec.name, logs);
      created.push(spec.name);
    }
    if (created.length > 0) for (const group of this.groups.values()) group.topicsChanged(created);
    return created;
  }

  /** Deletes the topics that exist, with their committed offsets; returns the names deleted. */
  deleteTopics(names: readonly string[]): string[] {
    this.assertAlive('deleteTopics');
    const deleted: string[] = [];
    for (const name of names) {
      const logs = this.topics.get(name);
      if (!logs) continue;
      this.topics.delete(name);
      deleted.push(name);
      for (const group of this.groups.values()) group.forgetTopic(name);
      for (const log of logs) log.notifyWatchers();
    }
    if (deleted.length > 0) for (const group of this.groups.values()) group.topicsChanged(deleted);
    return deleted;
  }

  topicNames(): string[] {
    return [...this.topics.keys()].sort();
  }

  partitionCount(topic: string): number | undefined {
    return this.topics.get(topic)?.length;
  }

  partitionLog(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topic)?.[partition];
  }

  /** The logs of a topic; throws naming the topic when it does not exist. */
  requireTopic(topic: string, who: string): readonly PartitionLog[] {
    const logs = this.topics.get(topic);
    if (!logs) throw new Error(`${who}: topic "${topic}" does not exist on memory broker ${this.url}`);
    return logs;
  }

  /**
   * Appends the messages as one request: every message is validated first, so a bad one
   * appends nothing. Buffers are copied, so the caller may reuse its own. Readers are woken
   * once per touched partition.
   */
  produce(messages: readonly OutgoingMessage[], who: string): RecordMetadata[] {
    this.assertAlive(who);
    for (const message of messages) this.validateOutgoing(message, who);
    const now = Date.now();
    const touched = new Set<PartitionLog>();
    const metadata: RecordMetadata[] = [];
    for (const message of messages) {
      const log = this.partitionLog(message.topic, message.partition)!;
      const timestamp = message.timestamp ?? now;
      const offset = log.append({
        key: copyBuffer(message.key),
        value: copyBuffer(message.value),
        timestamp,
        headers: copyHeaders(message.headers),
      });
      touched.add(log);
      metadata.push({ topic: message.topic, partition: message.partition, offset, timestamp });
    }
    for (const log of touched) log.notifyWatchers();
    return metadata;
  }

  /**
   * Registers a transactional producer: returns its epoch, fencing every producer with the same id
   * and a lower epoch (their open transactions were never appended, so nothing is left to abort).
   */
  initTransactions(transactionalId: string): number {
    this.assertAlive(`transactional producer ${transactionalId}`);
    const epoch = (this.transactionEpochs.get(transactionalId) ?? -1) + 1;
    this.transactionEpochs.set(transactionalId, epoch);
    return epoch;
  }

  /**
   * Commits a transaction at once: its records are appended (all validated first) and its
   * offsets committed, together, so readers see all of it or none. Throws, appending nothing,
   * when a newer producer with the same id has fenced this one.
   */
  commitTransaction(
    transactionalId: string,
    epoch: number,
    messages: readonly OutgoingMessage[],
    offsets: ReadonlyMap<string, readonly CommitOffset[]>,
  ): RecordMetadata[] {
    const who = `transactional producer ${transactionalId}`;
    this.assertFenced(transactionalId, epoch);
    for (const message of messages) this.validateOutgoing(message, who);
    const metadata = this.produce(messages, who);
    for (const [groupId, groupOffsets] of offsets) this.group(groupId).commitTransactional(groupOffsets);
    return metadata;
  }

  /** Throws when `epoch` is no longer the id's current epoch (a zombie producer). */
  assertFenced(transactionalId: string, epoch: number): void {
    const current = this.transactionEpochs.get(transactionalId);
    if (current !== epoch) {
      throw new Error(
        `transactional producer ${transactionalId} (epoch ${epoch}) was fenced by a newer producer with the same id (epoch ${current})`,
      );
    }
  }

  /** Reads stored messages (for test drivers and inspection); does not involve any group. */
  readMessages(topic: string, partition: number, fromOffset = 0, maxRecords = 0): Message[] {
    const log = this.requireTopic(topic, 'readMessages')[partition];
    if (!log) throw new Error(`readMessages: ${formatTopicPartition(topic, partition)} does not exist`);
    return log.read(Math.max(0, fromOffset), maxRecords, 0);
  }

  group(groupId: string): GroupCoordinator {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new GroupCoordinator(groupId, (topic) => this.partitionCount(topic), this.log);
      this.groups.set(groupId, group);
    }
    return group;
  }

  findGroup(groupId: string): GroupCoordinator | undefined {
    return this.groups.get(groupId);
  }

  /** Member ids sort by client id, then by join order (the range assignor sorts by member id). */
  nextMemberId(clientId: string): string {
    this.memberSequence++;
    return `${clientId}-${String(this.memberSequence).padStart(10, '0')}`;
  }

  trackConsumer(consumer: TrackedConsumer): void {
    this.consumers.add(consumer);
  }

  untrackConsumer(consumer: TrackedConsumer): void {
    this.consumers.delete(consumer);
  }

  /**
   * Resolves once every started consumer is idle (see MemoryConsumer.isIdle), checking once per
   * event-loop turn; rejects after `maxTurns` turns, naming how many consumers are still busy.
   * Idle covers delivery only: what the handlers queued may still be being processed.
   */
  async idle(maxTurns = 100_000): Promise<void> {
    for (let turn = 0; ; turn++) {
      const busy = [...this.consumers].filter((consumer) => !consumer.isIdle()).length;
      if (busy === 0) return;
      if (turn >= maxTurns) {
        throw new Error(
          `memory broker ${this.url}: ${busy} consumer(s) still busy after ${maxTurns} event-loop turns`,
        );
      }
      await nextTurn();
    }
  }

  /** Stops every running consumer, then drops all topics, groups and offsets. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
    this.destroyed = true;
    for (const group of this.groups.values()) group.dispose();
    this.groups.clear();
    this.topics.clear();
  }

  private validateOutgoing(message: OutgoingMessage, who: string): void {
    const logs = this.topics.get(message.topic);
    if (!logs) {
      throw new Error(
        `${who}: cannot produce to topic "${message.topic}": it does not exist on memory broker ${this.url} (topics are never auto-created; create it first)`,
      );
    }
    if (!Number.isInteger(message.partition) || message.partition < 0 || message.partition >= logs.length) {
      throw new Error(
        `${who}: cannot produce to ${formatTopicPartition(message.topic, message.partition)}: topic "${message.topic}" has ${logs.length} partition(s)`,
      );
    }
    const where = `${who}: message for ${formatTopicPartition(message.topic, message.partition)}`;
    if (message.key !== null && !Buffer.isBuffer(message.key))
      throw new TypeError(`${where}: key must be a Buffer or null`);
    if (message.value !== null && !Buffer.isBuffer(message.value)) {
      throw new TypeError(`${where}: value must be a Buffer or null`);
    }
    if (
      message.timestamp !== undefined &&
      (!Number.isSafeInteger(message.timestamp) || message.timestamp < 0)
    ) {
      throw new TypeError(
        `${where}: timestamp must be a non-negative integer (ms since the epoch), got ${message.timestamp}`,
      );
    }
    for (const [name, value] of Object.entries(message.headers ?? {})) {
      if (!Buffer.isBuffer(value)) throw new TypeError(`${where}: header "${name}" must be a Buffer`);
    }
  }
}

function copyBuffer(buffer: Buffer | null): Buffer | null {
  return buffer === null ? null : Buffer.from(buffer);
}

function copyHeaders(headers: Headers | undefined): Headers {
  const copy: Headers = {};
  if (headers) for (const [name, value] of Object.entries(headers)) copy[name] = Buffer.from(value);
  return copy;
}
