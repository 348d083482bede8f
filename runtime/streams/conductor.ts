import { AckTrackers, tpKey } from '../commit/ack-tracker.js';
import { MessageRef } from './event.js';
import type { Sensors } from '../core/sensor.js';
import type { MessageBatch, TopicPartition } from '../transport/types.js';
import { StreamBuffer } from './buffer.js';

export interface ConductorOptions {
  /** Buffer size per subscription before fetching pauses (stream_buffer_maxsize). */
  maxsize: number;
  /** Called for every message whose last subscriber acked. */
  onAck: (moved: boolean) => void;
  /** Whether consumed offsets of this topic are committed (false for internal reply/leader topics). */
  commits: (topic: string) => boolean;
  /** Told of every batch taken and every buffer that filled (the app's sensors). */
  sensors?: Sensors;
  /**
   * A partition's position moved back without a rebalance (an out-of-range reset to the earliest
   * offset): `from` is the batch's first offset, `lastDelivered` the highest delivered before.
   */
  onRewind?: (topic: string, partition: number, from: number, lastDelivered: number) => void;
}

interface Subscription {
  topic: string;
  buffer: StreamBuffer<MessageRef>;
  /** Only these partitions (isolated-partition actors); all when undefined. */
  partitions: ReadonlySet<number> | undefined;
}

/**
 * Routes each fetched message to every stream buffer that reads its topic, tracks acks per
 * partition for commits, and applies back-pressure: a batch that fills a buffer is accepted, and
 * the transport is told to fetch no more of that partition until the buffer drained to half.
 * On every rebalance it drops what was buffered: those messages were not committed and are
 * fetched again by whoever owns their partition now.
 */
export class Conductor {
  private subscriptions = new Map<string, Subscription[]>();
  private trackers = new AckTrackers();
  private assignment: TopicPartition[] = [];
  private roomWaiters: { subs: Subscription[]; resolve: () => void }[] = [];
  private gen = 0;
  /** The generation whose assignment is being revoked: its batches are refused. */
  private revokedGen = -1;
  private readonly highWatermarks = new Map<string, number>();

  constructor(private readonly options: ConductorOptions) {}

  get generation(): number {
    return this.gen;
  }

  get ackTrackers(): AckTrackers {
    return this.trackers;
  }

  /** Topics read by at least one stream. */
  topics(): string[] {
    return [...this.subscriptions.keys()];
  }

  currentAssignment(): TopicPartition[] {
    return this.assignment;
  }

  /** A new buffer receiving the messages of `topic` (optionally only some partitions). */
  subscribe(topic: string, partitions?: ReadonlySet<number>): StreamBuffer<MessageRef> {
    const subscription: Subscription = {
      topic,
      partitions,
      buffer: undefined as unknown as StreamBuffer<MessageRef>,
    };
    subscription.buffer = new StreamBuffer<MessageRef>(this.options.maxsize, {
      onDrained: () => this.wakeRoomWaiters(),
    });
    const list = this.subscriptions.get(topic) ?? [];
    list.push(subscription);
    this.subscriptions.set(topic, list);
    return subscription.buffer;
  }

  /** Removes a buffer (an isolated-partition actor that stopped). */
  unsubscribe(buffer: StreamBuffer<MessageRef>): void {
    for (const [topic, list] of this.subscriptions) {
      const kept = list.filter((s) => s.buffer !== buffer);
      if (kept.length !== list.length) this.subscriptions.set(topic, kept);
    }
    buffer.close();
  }

  /** A rebalance completed: start a new generation. */
  assigned(assignment: TopicPartition[], generation: number): void {
    this.gen = generation;
    this.assignment = assignment;
    this.trackers = new AckTrackers();
    this.highWatermarks.clear();
    for (const list of this.subscriptions.values()) {
      for (const sub of list) sub.buffer.drop((ref) => ref.generation !== generation);
    }
    this.releaseRoomWaiters();
  }

  /**
   * Hands a fetched batch to the buffers of its topic, at once. When that filled a buffer, returns
   * a promise that resolves once every buffer it went to drained to half (or was emptied).
   */
  deliver(batch: MessageBatch): void | Promise<void> {
    // Fetched before the rebalance, or while it takes the assignment: refetched by the owner.
    if (batch.generation !== this.gen || this.revokedGen === this.gen) return;
    const { topic, partition } = batch;
    const sensors = this.options.sensors;
    if (sensors?.active) sensors.onMessagesIn(batch);
    if (batch.highWatermark >= 0) this.highWatermarks.set(tpKey(topic, partition), batch.highWatermark);
    const all = this.subscriptions.get(topic) ?? [];
    const subs = all.filter((s) => !s.partitions || s.partitions.has(partition));
    let tracker = this.options.commits(topic) ? this.trackers.tracker(topic, partition) : null;
    const from = batch.messages[0]?.offset;
    if (tracker && from !== undefined && from <= tracker.lastDeliveredOffset()) {
      // Tracking starts over from here; the events still buffered are delivered again in this batch
      // or the ones after it, so they are dropped rather than handled twice now.
      const lastDelivered = tracker.lastDeliveredOffset();
      tracker = this.trackers.restart(topic, partition);
      for (const sub of subs) {
        sub.buffer.drop((ref) => ref.message.topic === topic && ref.message.partition === partition);
      }
      this.options.onRewind?.(topic, partition, from, lastDelivered);
    }
    const onAck = this.options.onAck;
    for (const message of batch.messages) {
      tracker?.track(message.offset);
      const ref = new MessageRef(message, this.gen, Math.max(1, subs.length), tracker, onAck);
      if (subs.length === 0) {
        ref.release();
        continue;
      }
      for (const sub of subs) sub.buffer.push(ref);
    }
    if (!subs.some((sub) => sub.buffer.isFull)) return;
    if (sensors?.active) sensors.onTopicBufferFull(topic, partition);
    return new Promise<void>((resolve) => this.roomWaiters.push({ subs, resolve }));
  }

  /** Events waiting in stream buffers, by topic, for topics with any (the test driver settles at none). */
  bufferedEvents(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const [topic, list] of this.subscriptions) {
      const events = list.reduce((sum, sub) => sum + sub.buffer.size, 0);
      if (events > 0) counts.set(topic, events);
    }
    return counts;
  }

  /** Lag per assigned partition (highwater - next offset to process), where known. */
  lag(): { topic: string; partition: number; lag: number }[] {
    const out: { topic: string; partition: number; lag: number }[] = [];
    for (const { topic, partition } of this.assignment) {
      const high = this.highWatermarks.get(tpKey(topic, partition));
      if (high === undefined) continue;
      const tracker = this.trackers.tracker(topic, partition);
      const committable = tracker.committableOffset();
      const next = committable >= 0 ? committable : tracker.lastDeliveredOffset() + 1;
      out.push({ topic, partition, lag: Math.max(0, high - next) });
    }
    return out;
  }

  /** Closes every buffer: streams end once they are empty. */
  close(): void {
    for (const list of this.subscriptions.values()) for (const sub of list) sub.buffer.close();
    this.releaseRoomWaiters();
  }

  /**
   * A rebalance is about to take this generation's assignment (runtime's onRevoking): drops what
   * is buffered and refuses later batches of the generation, so what stays outstanding in the ack
   * trackers is what agents are processing now (see inFlight()). Returns how many were dropped.
   */
  revoke(generation: number): number {
    if (generation !== this.gen) return 0;
    this.revokedGen = generation;
    const firstDropped = new Map<string, TopicPartition & { offset: number }>();
    let dropped = 0;
    for (const list of this.subscriptions.values()) {
      for (const sub of list) {
        for (const { message } of sub.buffer.clear()) {
          dropped++;
          const key = tpKey(message.topic, message.partition);
          const first = firstDropped.get(key);
          if (!first || message.offset < first.offset) firstDropped.set(key, message);
        }
      }
    }
    for (const { topic, partition, offset } of firstDropped.values()) {
      if (this.options.commits(topic)) this.trackers.tracker(topic, partition).forgetFrom(offset);
    }
    this.releaseRoomWaiters();
    return dropped;
  }

  /**
   * Starts a partition over within the generation (its events come again from a seek): its
   * buffered events are dropped and its ack tracking restarts.
   */
  restartPartition(topic: string, partition: number): void {
    for (const sub of this.subscriptions.get(topic) ?? []) {
      sub.buffer.drop((ref) => ref.message.partition === partition);
    }
    if (this.options.commits(topic)) this.trackers.restart(topic, partition);
    this.releaseRoomWaiters();
  }

  /** Events of the current generation handed to streams and not yet acked. */
  inFlight(): number {
    return this.trackers.outstanding();
  }

  /** Drops everything buffered (shutdown: those events are redone after restart). */
  dropBuffered(): number {
    let n = 0;
    for (const list of this.subscriptions.values()) for (const sub of list) n += sub.buffer.clear().length;
    this.releaseRoomWaiters();
    return n;
  }

  private wakeRoomWaiters(): void {
    if (this.roomWaiters.length === 0) return;
    const waiting: typeof this.roomWaiters = [];
    for (const waiter of this.roomWaiters) {
      if (waiter.subs.some((sub) => sub.buffer.isFull)) waiting.push(waiter);
      else waiter.resolve();
    }
    this.roomWaiters = waiting;
  }

  private releaseRoomWaiters(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }
}
