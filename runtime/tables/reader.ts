/**
 * Reads changelog partitions from given offsets, for recovery, standbys and global tables.
 *
 * kafkajs cannot assign partitions by hand, so the reader is a consumer of the transport contract
 * in a consumer group of its own (`<appId>-changelog-reader-<host>-<pid>-<random>`): as the only
 * member it is assigned every partition of the changelog topics. It commits nothing; it pauses
 * every partition nobody follows and seeks the followed ones to where their follower is. After any
 * rejoin (which resets positions to the committed offsets, i.e. the start) it seeks again, and
 * messages before a follower's position are dropped, so followers see each offset once, in order.
 * The same code runs on memory:// and kafka://.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Message, MessageBatch, TopicPartition, TransportConsumer } from '../transport/types.js';

/** Receives one changelog partition's records. */
export interface PartitionFollower {
  /** Records from the follower's position on, in offset order; a promise holds further reading. */
  onRecords(messages: Message[]): void | Promise<void>;
  /** The position moved to `next` without records (transaction markers, aborted records). */
  onPosition(next: number): void;
}

interface Follow {
  tp: TopicPartition;
  /** The next offset the follower wants. */
  next: number;
  follower: PartitionFollower;
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/** A group id no other process uses. */
export function readerGroupId(appId: string): string {
  const host = hostname().replace(/[^a-zA-Z0-9._-]/g, '_');
  return `${appId}-changelog-reader-${host}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export class ChangelogReader {
  private consumer: TransportConsumer | undefined;
  private readonly follows = new Map<string, Follow>();
  private assigned: TopicPartition[] | undefined;
  private stopped = false;

  constructor(
    /** Opens the reader's consumer (a group of its own: see readerGroupId). */
    private readonly openConsumer: () => TransportConsumer,
    /** Changelog topics and their partition counts. */
    private readonly topics: { topic: string; partitions: number }[],
    private readonly onFailure: (error: Error) => void,
  ) {}

  /** Joins the reader's group with every partition paused; reading starts with follow(). */
  async start(): Promise<void> {
    if (this.topics.length === 0 || this.consumer) return;
    const consumer = this.openConsumer();
    this.consumer = consumer;
    consumer.subscribe(this.topics.map(({ topic }) => topic));
    const all: TopicPartition[] = this.topics.flatMap(({ topic, partitions }) =>
      Array.from({ length: partitions }, (_, partition) => ({ topic, partition })),
    );
    consumer.pause(all);
    await consumer.start({
      onBatch: (batch) => this.onBatch(batch),
      onAssigned: (assignment) => this.onAssigned(assignment),
      onPosition: (tp, next) => this.onPosition(tp, next),
      onStopped: (error) => {
        if (error && !this.stopped) {
          this.onFailure(new Error(`the changelog reader stopped: ${error.message}`, { cause: error }));
        }
      },
    });
  }

  /** Starts handing `follower` the records of `tp` from offset `from` on (replacing any follower). */
  follow(tp: TopicPartition, from: number, follower: PartitionFollower): void {
    const follow: Follow = { tp: { topic: tp.topic, partition: tp.partition }, next: from, follower };
    this.follows.set(key(tp.topic, tp.partition), follow);
    if (this.assigned && this.isAssigned(tp)) {
      this.consumer?.seek(follow.tp, from);
      this.consumer?.resume([follow.tp]);
    }
  }

  /** Stops reading `tp`. */
  unfollow(tp: TopicPartition): void {
    if (!this.follows.delete(key(tp.topic, tp.partition))) return;
    if (this.assigned && this.isAssigned(tp)) this.consumer?.pause([{ ...tp }]);
  }

  isFollowing(tp: TopicPartition): boolean {
    return this.follows.has(key(tp.topic, tp.partition));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.follows.clear();
    await this.consumer?.stop();
  }

  private isAssigned(tp: TopicPartition): boolean {
    return this.assigned?.some((a) => a.topic === tp.topic && a.partition === tp.partition) ?? false;
  }

  private onAssigned(assignment: TopicPartition[]): void {
    this.assigned = assignment;
    const consumer = this.consumer;
    if (!consumer) return;
    const idle: TopicPartition[] = [];
    for (const tp of assignment) {
      const follow = this.follows.get(key(tp.topic, tp.partition));
      if (!follow) {
        idle.push(tp);
        continue;
      }
      consumer.seek(tp, follow.next);
      consumer.resume([tp]);
    }
    consumer.pause(idle);
  }

  private onBatch(batch: MessageBatch): void | Promise<void> {
    const follow = this.follows.get(key(batch.topic, batch.partition));
    if (!follow) return;
    const { messages } = batch;
    let first = 0;
    while (first < messages.length && messages[first]!.offset < follow.next) first++;
    if (first >= messages.length) return;
    const records = first === 0 ? messages : messages.slice(first);
    follow.next = records[records.length - 1]!.offset + 1;
    return follow.follower.onRecords(records);
  }

  private onPosition(tp: TopicPartition, next: number): void {
    const follow = this.follows.get(key(tp.topic, tp.partition));
    if (!follow || next <= follow.next) return;
    follow.next = next;
    follow.follower.onPosition(next);
  }
}
