/**
 * Committed event time per topic partition: the highest Kafka timestamp of the events of a
 * partition whose offsets are committed. Windowed tables close and expire windows on it at the
 * cleanup tick, so a window closes when the events that close it are durable (under exactly_once:
 * in a committed transaction), never on events that may still be redone.
 *
 * A sensor: the agents report each event they are done with (onEventOut), the commit manager or
 * the transactions report commits (onCommit). Between the two, per partition, only the events
 * processed since the last commit are held (offset and the highest timestamp up to it).
 */
import type { Sensor } from '../core/sensor.js';
import type { CommitOffset, EventOrigin } from '../core/types.js';

/** Events processed since the last commit: their offsets and timestamps, in the order reported. */
interface Pending {
  offsets: number[];
  timestamps: number[];
}

export class CommittedEventTimes implements Sensor {
  private readonly committed = new Map<string, Map<number, number>>();
  private readonly pending = new Map<string, Map<number, Pending>>();
  /** A floor every partition's event time has (the test driver's advanceEventTime). */
  private floor = Number.NEGATIVE_INFINITY;

  onEventOut(_agent: string, event: EventOrigin): void {
    if (event.offset < 0) return; // a channel's event: no partition of a topic
    let byPartition = this.pending.get(event.topic);
    if (!byPartition) {
      byPartition = new Map();
      this.pending.set(event.topic, byPartition);
    }
    let pending = byPartition.get(event.partition);
    if (!pending) {
      pending = { offsets: [], timestamps: [] };
      byPartition.set(event.partition, pending);
    }
    pending.offsets.push(event.offset);
    pending.timestamps.push(event.timestamp);
  }

  onCommit(offsets: readonly CommitOffset[]): void {
    for (const { topic, partition, offset } of offsets) {
      const pending = this.pending.get(topic)?.get(partition);
      if (!pending || pending.offsets.length === 0) continue;
      // The events below the committed offset are durable; the others wait for a later commit.
      let highest = Number.NEGATIVE_INFINITY;
      let kept = 0;
      for (let i = 0; i < pending.offsets.length; i++) {
        const eventOffset = pending.offsets[i]!;
        const timestamp = pending.timestamps[i]!;
        if (eventOffset < offset) {
          if (timestamp > highest) highest = timestamp;
          continue;
        }
        pending.offsets[kept] = eventOffset;
        pending.timestamps[kept] = timestamp;
        kept++;
      }
      pending.offsets.length = kept;
      pending.timestamps.length = kept;
      if (highest === Number.NEGATIVE_INFINITY) continue;
      let byPartition = this.committed.get(topic);
      if (!byPartition) {
        byPartition = new Map();
        this.committed.set(topic, byPartition);
      }
      const before = byPartition.get(partition) ?? Number.NEGATIVE_INFINITY;
      if (highest > before) byPartition.set(partition, highest);
    }
  }

  /**
   * The highest committed event time (ms) of partition `partition` over the topics `accept`
   * admits; undefined when none is known.
   */
  of(partition: number, accept: (topic: string) => boolean): number | undefined {
    let highest = this.floor;
    for (const [topic, byPartition] of this.committed) {
      const time = byPartition.get(partition);
      if (time !== undefined && time > highest && accept(topic)) highest = time;
    }
    return highest === Number.NEGATIVE_INFINITY ? undefined : highest;
  }

  /** Every partition's event time is at least `timestampMs` from now on (test driver). */
  raiseFloor(timestampMs: number): void {
    if (timestampMs > this.floor) this.floor = timestampMs;
  }

  /** Forgets everything (a new start). */
  reset(): void {
    this.committed.clear();
    this.pending.clear();
    this.floor = Number.NEGATIVE_INFINITY;
  }
}
