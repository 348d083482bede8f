/**
 * Windowed stream-stream join: events of two co-partitioned topics whose keys are equal and whose
 * timestamps are at most `within` seconds apart (Kafka Streams' KStream-KStream join with
 * symmetric JoinWindows and a grace). Each side's agent runs its stream through the join:
 *
 *   const matched = app.windowedJoin('orders-payments', orders, payments, { kind: 'left', within: 60, grace: 10 });
 *   app.agent(orders, { name: 'orders-side' }, async (s) => { for await (const r of matched.left(s)) ... });
 *   app.agent(payments, { name: 'payments-side' }, async (s) => { for await (const r of matched.right(s)) ... });
 *
 * Per partition, the stream time is the highest timestamp of the events of either side. An event
 * joins with every buffered event of the other side (a result per pair, yielded to the agent of
 * the event that completes it), then is buffered until the stream time passes its timestamp by
 * 2 x within + grace: after that no event that is not late can be its partner. Left and outer
 * joins yield an event that never joined when it leaves the buffer (`right`/`left` undefined):
 * only once its window has closed, so a pair is never first reported unmatched. An event more
 * than within + grace behind the stream time is late: dropped (counted, passed to onLate). Events
 * without a key or value are skipped. The buffers are a changelogged table `<name>-buffer`.
 */
import type { Topic } from '../../channels/topic.js';
import type { Event } from '../../streams/event.js';
import type { Stream } from '../../streams/stream.js';
import { Table } from '../table.js';
import { checkCopartitioned, checkKeyTypes } from './copartition.js';
import type { JoinHost } from './host.js';
import type { JoinKind, WindowedJoinOptions, WindowJoined } from './types.js';
import {
  type Buffered,
  type BufferKey,
  type BufferRow,
  PartitionBuffers,
  type Side,
  type SideCodec,
} from './window-buffers.js';

const KINDS: readonly JoinKind[] = ['inner', 'left', 'outer'];

export class WindowedJoin<K, L, R, J extends JoinKind> {
  /** Events dropped as late since the worker started. */
  lateEvents = 0;
  readonly buffer: Table<BufferKey, BufferRow>;
  private readonly withinMs: number;
  private readonly graceMs: number;
  private readonly sides: readonly [SideCodec, SideCodec];
  private partitions = new Map<number, PartitionBuffers>();
  private epoch = -1;

  constructor(
    host: JoinHost,
    readonly name: string,
    readonly leftTopic: Topic<K, L>,
    readonly rightTopic: Topic<K, R>,
    readonly options: WindowedJoinOptions<J>,
  ) {
    const what = `${name} (topic ${leftTopic.name} with topic ${rightTopic.name})`;
    if (!KINDS.includes(options.kind)) {
      throw new Error(
        `join ${what}: kind must be 'inner', 'left' or 'outer', got ${JSON.stringify(options.kind)}`,
      );
    }
    if (!(options.within >= 0) || !Number.isFinite(options.within)) {
      throw new Error(`join ${what}: within must be a number of seconds >= 0, got ${options.within}`);
    }
    const grace = options.grace ?? 0;
    if (!(grace >= 0) || !Number.isFinite(grace)) {
      throw new Error(`join ${what}: grace must be a number of seconds >= 0, got ${options.grace}`);
    }
    if (leftTopic.name === rightTopic.name) {
      throw new Error(`join ${what}: the two sides are one topic; a windowed join joins two topics`);
    }
    checkKeyTypes(
      what,
      { what: `topic ${leftTopic.name}`, keyType: leftTopic.options.keyType },
      { what: `topic ${rightTopic.name}`, keyType: rightTopic.options.keyType },
    );
    this.withinMs = options.within * 1000;
    this.graceMs = grace * 1000;
    this.sides = [leftTopic, rightTopic] as unknown as readonly [SideCodec, SideCodec];
    this.buffer = new Table<BufferKey, BufferRow>(host.tables, `${name}-buffer`, {
      keyType: 'json',
      valueType: 'json',
      partitions: leftTopic.options.partitions,
      store: options.store,
      help: `buffered events of the windowed join ${name}`,
    });
    host.tables.register(this.buffer);
    host.addStartCheck(what, async () => {
      this.partitions = new Map();
      this.lateEvents = 0;
      checkCopartitioned(what, [
        { what: `topic ${leftTopic.name}`, partitions: await host.partitionCount(leftTopic.name) },
        { what: `topic ${rightTopic.name}`, partitions: await host.partitionCount(rightTopic.name) },
        { what: `the buffer's changelog ${this.buffer.changelogTopic}`, partitions: this.buffer.partitions },
      ]);
    });
  }

  /** The left topic's stream through the join: the results its events complete. */
  left(stream: Stream<K, L>): AsyncIterableIterator<WindowJoined<K, L, R, J>> {
    return this.run(0, this.leftTopic.name, stream as Stream<unknown, unknown>);
  }

  /** The right topic's stream through the join: the results its events complete. */
  right(stream: Stream<K, R>): AsyncIterableIterator<WindowJoined<K, L, R, J>> {
    return this.run(1, this.rightTopic.name, stream as Stream<unknown, unknown>);
  }

  private async *run(
    side: Side,
    topic: string,
    stream: Stream<unknown, unknown>,
  ): AsyncIterableIterator<WindowJoined<K, L, R, J>> {
    if (stream.name !== topic) {
      throw new Error(
        `join ${this.name}: ${side === 0 ? 'left' : 'right'}() got a stream of ${stream.name}; that side reads topic ${topic}`,
      );
    }
    // The events iterator acks an event when the next is asked for: after all its results.
    for await (const event of stream.events()) {
      for (const result of this.process(side, event)) yield result as WindowJoined<K, L, R, J>;
    }
  }

  /** Joins one event; synchronous, so the two sides' agents never interleave inside it. */
  private process(
    side: Side,
    event: Event<unknown, unknown>,
  ): WindowJoined<unknown, unknown, unknown, JoinKind>[] {
    const { key: keyBytes, value: valueBytes } = event.message;
    if (keyBytes === null || valueBytes === null) return [];
    const buffers = this.partition(event.partition);
    const timestamp = event.timestamp;
    if (timestamp + this.withinMs + this.graceMs < buffers.streamTime) {
      this.lateEvents++;
      this.options.onLate?.(side === 0 ? 'left' : 'right', event.key, timestamp);
      return [];
    }
    const keyId = keyBytes.toString('base64');
    const results: WindowJoined<unknown, unknown, unknown, JoinKind>[] = [];
    let matched = false;
    for (const other of buffers.of(side === 0 ? 1 : 0, keyId)) {
      if (Math.abs(other.timestamp - timestamp) > this.withinMs) continue;
      matched = true;
      results.push(
        side === 0
          ? {
              key: event.key,
              left: event.value,
              right: other.value,
              leftTimestamp: timestamp,
              rightTimestamp: other.timestamp,
            }
          : {
              key: event.key,
              left: other.value,
              right: event.value,
              leftTimestamp: other.timestamp,
              rightTimestamp: timestamp,
            },
      );
      if (!other.matched) {
        other.matched = true;
        if (this.tracksUnmatched(other.side)) this.write(other);
      }
    }
    const entry = buffers.add({
      side,
      keyId,
      key: event.key,
      value: event.value,
      timestamp,
      row: [side === 0 ? 'L' : 'R', keyId, timestamp, event.offset],
      valueBytes: valueBytes.toString('base64'),
      matched,
    });
    this.write(entry);
    for (const gone of buffers.expire()) {
      this.buffer.delete(gone.row);
      if (gone.matched || !this.tracksUnmatched(gone.side)) continue;
      results.push(
        gone.side === 0
          ? {
              key: gone.key,
              left: gone.value,
              right: undefined,
              leftTimestamp: gone.timestamp,
              rightTimestamp: undefined,
            }
          : {
              key: gone.key,
              left: undefined,
              right: gone.value,
              leftTimestamp: undefined,
              rightTimestamp: gone.timestamp,
            },
      );
    }
    return results;
  }

  /** Whether a side's events that never join are results (left: the left side; outer: both). */
  private tracksUnmatched(side: Side): boolean {
    return this.options.kind === 'outer' || (this.options.kind === 'left' && side === 0);
  }

  private write(entry: Buffered): void {
    this.buffer.set(entry.row, { m: entry.matched ? 1 : 0, v: entry.valueBytes });
  }

  private partition(partition: number): PartitionBuffers {
    if (this.buffer.assignmentEpoch !== this.epoch) {
      // A rebalance or a start: the table holds what survived; rebuild from it.
      this.epoch = this.buffer.assignmentEpoch;
      this.partitions = new Map();
    }
    let buffers = this.partitions.get(partition);
    if (!buffers) {
      buffers = PartitionBuffers.load(this.buffer, partition, this.sides, 2 * this.withinMs + this.graceMs);
      this.partitions.set(partition, buffers);
    }
    return buffers;
  }
}
