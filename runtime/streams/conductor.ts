import { AckTrackers, tpKey } from '../commit/ack-tracker.js';
import { MessageRef } from '../channels/event.js';
import type { MessageBatch, TopicPartition } from '../transport/types.js';
import { StreamBuffer } from './buffer.js';

export interface ConductorOptions {
  /** Buffer size per subscription before fetching pauses (stream_buffer_maxsize). */
  maxsize: number;
  /** Called for every message whose last subscriber acked. */
  onAck: (moved: boolean) => void;
  pause: (partitions: TopicPartition[]) => void;
  resume: (partitions: TopicPartition[]) => void;
  /** Whether consumed offsets of this topic are committed (false for internal reply/leader topics). */
  commits: (topic: string) => boolean;
}

interface Subscription {
  topic: string;
  buffer: StreamBuffer<MessageRef>;
  /** Only these partitions (isolated-partition actors); all when undefined. */
  partitions: ReadonlySet<number> | undefined;
}

/**
 * Routes each fetched message to every stream buffer that reads its topic, tracks acks per
 * partition for commits, and applies back-pressure by pausing the partitions that feed a full
 * buffer. On every rebalance it drops what was buffered: those messages were not committed and
 * are fetched again by whoever owns their partition now.
 */
export class Conductor {
  private subscriptions = new Map<string, Subscription[]>();
  private trackers = new AckTrackers();
  private assignment: TopicPartition[] = [];
  private readonly pausedBy = new Map<string, { tp: TopicPartition; by: Set<Subscription> }>();
  private gen = 0;
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
      onFull: () => this.pauseFor(subscription),
      onDrained: () => this.resumeFor(subscription),
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
      if (kept.length !== list.length) {
        for (const sub of list) if (sub.buffer === buffer) this.resumeFor(sub);
        this.subscriptions.set(topic, kept);
      }
    }
    buffer.close();
  }

  /** A rebalance completed: start a new generation. */
  assigned(assignment: TopicPartition[], generation: number): void {
    this.gen = generation;
    this.assignment = assignment;
    this.trackers = new AckTrackers();
    const paused = [...this.pausedBy.values()].map((p) => p.tp);
    this.pausedBy.clear();
    // The transport keeps pauses across rebalances; buffers restart empty, so resume them.
    if (paused.length > 0) this.options.resume(paused);
    this.highWatermarks.clear();
    for (const list of this.subscriptions.values()) {
      for (const sub of list) sub.buffer.drop((ref) => ref.generation !== generation);
    }
  }

  /** Hands a fetched batch to the buffers of its topic. Never blocks. */
  deliver(batch: MessageBatch): void {
    if (batch.generation !== this.gen) return; // fetched before the rebalance; refetched by the owner
    const { topic, partition } = batch;
    if (batch.highWatermark >= 0) this.highWatermarks.set(tpKey(topic, partition), batch.highWatermark);
    const all = this.subscriptions.get(topic) ?? [];
    const subs = all.filter((s) => !s.partitions || s.partitions.has(partition));
    const tracker = this.options.commits(topic) ? this.trackers.tracker(topic, partition) : null;
    const onAck = this.options.onAck;
    for (const message of batch.messages) {
      tracker?.track(message.offset);
      const ref = new MessageRef(message, this.gen, subs.length, tracker, onAck);
      if (subs.length === 0) {
        ref.release();
        continue;
      }
      for (const sub of subs) sub.buffer.push(ref);
      // A message may be delivered to several buffers; the release happens per subscriber.
    }
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
  }

  /** Drops everything buffered (shutdown: those events are redone after restart). */
  dropBuffered(): number {
    let n = 0;
    for (const list of this.subscriptions.values()) for (const sub of list) n += sub.buffer.clear().length;
    return n;
  }

  private feeding(sub: Subscription): TopicPartition[] {
    return this.assignment.filter(
      (tp) => tp.topic === sub.topic && (!sub.partitions || sub.partitions.has(tp.partition)),
    );
  }

  private pauseFor(sub: Subscription): void {
    const toPause: TopicPartition[] = [];
    for (const tp of this.feeding(sub)) {
      const key = tpKey(tp.topic, tp.partition);
      let entry = this.pausedBy.get(key);
      if (!entry) {
        entry = { tp, by: new Set() };
        this.pausedBy.set(key, entry);
        toPause.push(tp);
      }
      entry.by.add(sub);
    }
    if (toPause.length > 0) this.options.pause(toPause);
  }

  private resumeFor(sub: Subscription): void {
    const toResume: TopicPartition[] = [];
    for (const [key, { tp, by }] of this.pausedBy) {
      if (!by.delete(sub) || by.size > 0) continue;
      this.pausedBy.delete(key);
      toResume.push(tp);
    }
    if (toResume.length > 0) this.options.resume(toResume);
  }
}
