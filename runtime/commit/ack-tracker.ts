/**
 * Tracks, for one topic partition, which delivered offsets are done, and answers the offset
 * that may be committed: one past the end of the run of done offsets that starts at the
 * oldest delivered one.
 *
 * Contiguity is over the offsets actually delivered, not over integers: offsets that never
 * reach the consumer (compacted away, transaction markers) are gaps that must not stall
 * commits, and they cannot be acked because no one ever sees them.
 */
export class PartitionAckTracker {
  /** Delivered offsets in delivery (= offset) order, from the oldest not yet committable one. */
  private readonly pending: number[] = [];
  private head = 0;
  private readonly done = new Set<number>();
  /** The next offset to commit (Kafka convention), or -1 when nothing is committable yet. */
  private committable = -1;
  /** Highest offset delivered so far. */
  private lastDelivered = -1;

  /** Registers a delivered offset. Offsets arrive in increasing order. */
  track(offset: number): void {
    if (offset <= this.lastDelivered) {
      throw new Error(`offset ${offset} delivered out of order (last was ${this.lastDelivered})`);
    }
    this.lastDelivered = offset;
    this.pending.push(offset);
  }

  /** Marks a delivered offset as done. Returns true when the committable offset moved. */
  ack(offset: number): boolean {
    if (this.head >= this.pending.length || offset < (this.pending[this.head] ?? Number.POSITIVE_INFINITY)) {
      return false; // already committable, or never tracked in this generation
    }
    let moved = false;
    if (offset === this.pending[this.head] && this.done.size === 0) {
      // The usual case, acks in delivery order: nothing to remember.
      this.committable = offset + 1;
      this.head++;
      moved = true;
    } else {
      this.done.add(offset);
    }
    while (this.head < this.pending.length) {
      const next = this.pending[this.head]!;
      if (!this.done.has(next)) break;
      this.done.delete(next);
      this.committable = next + 1;
      this.head++;
      moved = true;
    }
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
    return moved;
  }

  /**
   * Forgets the delivered offsets from `offset` on that are not committable yet: they were
   * dropped unprocessed (a rebalance is taking the partition), so nothing will ack them and
   * outstanding() counts only the events still being processed. Commits cannot pass `offset`.
   */
  forgetFrom(offset: number): void {
    let end = this.pending.length;
    while (end > this.head && this.pending[end - 1]! >= offset) {
      end--;
      this.done.delete(this.pending[end]!);
    }
    this.pending.length = end;
  }

  /** The offset to commit (next to read), or -1 when nothing is committable. */
  committableOffset(): number {
    return this.committable;
  }

  /** Delivered offsets not yet done. */
  outstanding(): number {
    return this.pending.length - this.head;
  }

  lastDeliveredOffset(): number {
    return this.lastDelivered;
  }
}

export interface TopicPartitionKey {
  topic: string;
  partition: number;
}

export const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/** Ack trackers of every partition this worker owns in the current generation. */
export class AckTrackers {
  private trackers = new Map<string, { topic: string; partition: number; tracker: PartitionAckTracker }>();
  /** Committed offsets already sent to the broker, to skip commits that would not move. */
  private readonly committed = new Map<string, number>();

  tracker(topic: string, partition: number): PartitionAckTracker {
    const key = tpKey(topic, partition);
    let entry = this.trackers.get(key);
    if (!entry) {
      entry = { topic, partition, tracker: new PartitionAckTracker() };
      this.trackers.set(key, entry);
    }
    return entry.tracker;
  }

  /**
   * Starts a partition over within the generation: the transport moved its position back (an
   * out-of-range reset to the earliest offset). What was delivered before is delivered again.
   */
  restart(topic: string, partition: number): PartitionAckTracker {
    const key = tpKey(topic, partition);
    this.trackers.delete(key);
    this.committed.delete(key);
    return this.tracker(topic, partition);
  }

  /** Forgets everything (a new generation starts from the committed offsets). */
  reset(): void {
    this.trackers = new Map();
    this.committed.clear();
  }

  /** Offsets that moved since the last markCommitted(). */
  pendingCommits(): { topic: string; partition: number; offset: number }[] {
    const out: { topic: string; partition: number; offset: number }[] = [];
    for (const [key, { topic, partition, tracker }] of this.trackers) {
      const offset = tracker.committableOffset();
      if (offset >= 0 && offset > (this.committed.get(key) ?? -1)) out.push({ topic, partition, offset });
    }
    return out;
  }

  markCommitted(offsets: { topic: string; partition: number; offset: number }[]): void {
    for (const { topic, partition, offset } of offsets) {
      const key = tpKey(topic, partition);
      if (offset > (this.committed.get(key) ?? -1)) this.committed.set(key, offset);
    }
  }

  outstanding(): number {
    let n = 0;
    for (const { tracker } of this.trackers.values()) n += tracker.outstanding();
    return n;
  }
}
