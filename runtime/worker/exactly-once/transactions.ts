import { setTimeout as sleep } from 'node:timers/promises';
import { type AckTrackers, tpKey } from '../../commit/ack-tracker.js';
import type { Logger } from '../../core/logging/index.js';
import { currentEvent } from '../../streams/context.js';
import type { ProducerBufferOptions } from '../../transport/producer-buffer.js';
import type {
  CommitOffset,
  MessageBatch,
  OutgoingMessage,
  RecordMetadata,
  TopicPartition,
  TransactionalProducer,
} from '../../transport/types.js';
import { TransactionAbortedError } from '../../transport/transaction-aborted.js';
import type { MessageSender } from '../producer.js';
import { PartitionTransaction } from './partition-transaction.js';
import { CommitSchedule } from '../../commit/commit-schedule.js';

/** How often a commit checks whether its partition's delivered events are processed. */
const DRAIN_POLL_MS = 2;

export interface ExactlyOnceOptions {
  /** The consumer group (the app id); also the prefix of every transactional id. */
  groupId: string;
  createProducer(transactionalId: string): TransactionalProducer;
  bufferOptions: ProducerBufferOptions;
  /** Where sends made outside an event of a committed topic go (timers, web routes, channels). */
  plain: MessageSender;
  /** Whether consumed offsets of this topic are committed (internal reply topics are not). */
  commits(topic: string): boolean;
  trackers(): AckTrackers;
  /** Commit after this many acks (brokerCommitEvery) and at least this often (brokerCommitInterval). */
  every: number;
  intervalMs: number;
  /** How long a commit waits for its partition's delivered events before it tries again later. */
  drainTimeoutMs: number;
  /** The same bound when partitions are given up or the worker stops (then unfinished work is aborted). */
  finalDrainTimeoutMs: number;
  seek(partition: TopicPartition, offset: number): void;
  /** The group's committed offsets of a topic now (-1 where none). */
  committedOffsets(topic: string): Promise<CommitOffset[]>;
  /** Tracking of the partition starts over (its events are delivered again from a seek). */
  restartTracking(partition: TopicPartition): void;
  /** Runs after an abort, before the aborted sends' receipts reject (tables store earlier commits first). */
  beforeAbortSettles(): Promise<void>;
  logger: Logger;
  onCommitted?(offsets: CommitOffset[], latencyMs: number): void;
  onCommitError?(offsets: CommitOffset[], error: unknown): void;
}

interface CycleOptions {
  /** Abort the partitions whose events do not finish in time (they are given up). */
  abortUnfinished?: boolean;
}

interface Barrier {
  promise: Promise<void>;
  resolve(): void;
}

/**
 * Exactly-once processing on Kafka transactions, one transactional producer per input partition
 * (EOS v1, as Faust and Kafka Streams before KIP-447 do; kafkajs has no consumer group metadata):
 * the transactional id `<app>-<topic>-<partition>` is the same on every worker, so the owner
 * that takes a partition over fences every earlier one (a zombie's commit fails) and aborts what
 * it left open.
 *
 * What an event of an input partition sends (outputs, table changelog records, dead letters)
 * goes into that partition's open transaction. A commit of the partition holds back its newly
 * fetched batches, waits until every event delivered so far is processed (bounded: otherwise it
 * tries again at the next interval), then adds the consumed offset and commits: the transaction
 * holds exactly the effects of the events before that offset. When a commit fails, the
 * transaction is aborted, a new producer fences the old one, and the partition is processed
 * again from the last committed offset: never a partial commit.
 */
export class ExactlyOnce implements MessageSender {
  private readonly txns = new Map<string, { partition: TopicPartition; txn: PartitionTransaction }>();
  private readonly connecting = new Map<string, Promise<void>>();
  private readonly barriers = new Map<string, Barrier>();
  /** Offsets committed in this assignment, per partition. */
  private committed = new Map<string, number>();
  /** The first offset delivered in this assignment (where a rewind starts when nothing was committed). */
  private startOffsets = new Map<string, number>();
  /** Partitions taken over: batches starting below the committed offset read after fencing are dropped. */
  private readonly minimums = new Map<string, number>();
  private readonly skipping = new Set<string>();
  /** Rewound partitions: batches are dropped until one starts at or below this offset. */
  private readonly rewinds = new Map<string, number>();
  /** Batches that found their partition's position moved back: dropped, their events come again after the abort. */
  private readonly stale = new WeakSet<MessageBatch>();
  private generation = -1;
  /** Events of this generation and older may no longer send (their partitions were given up). */
  private closedGeneration = -1;
  private readonly schedule: CommitSchedule;
  private cycle: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly options: ExactlyOnceOptions) {
    this.schedule = new CommitSchedule(options.every, options.intervalMs, () => void this.commit());
  }

  /** Routes a send: into the transaction of the input partition whose event is sending. */
  send(message: OutgoingMessage): Promise<RecordMetadata> {
    const event = currentEvent();
    if (!event?.fromTopic || !this.options.commits(event.topic)) return this.options.plain.send(message);
    // Its generation ended, or its partition was given up: the event is processed again (by the
    // next owner). Rejected as aborted, so that tables drop its writes as they do an abort's.
    const entry = this.txns.get(tpKey(event.topic, event.partition));
    if (event.generation <= this.closedGeneration || !entry) {
      const id = transactionalId(this.options.groupId, event);
      return Promise.reject(new TransactionAbortedError(id, 'the event belongs to a generation that ended'));
    }
    return entry.txn.send(message);
  }

  async flush(): Promise<void> {
    await Promise.all([this.options.plain.flush(), ...[...this.txns.values()].map(({ txn }) => txn.flush())]);
  }

  start(): void {
    this.schedule.start();
  }

  stop(): void {
    this.schedule.stop();
  }

  /** Counts an ack; commits when `every` acks have accumulated. */
  noteAck(): void {
    this.schedule.noteAck();
  }

  /**
   * Holds a fetched batch while its partition's producer connects or its commit runs; undefined
   * when it may go on. admit() then says whether it is delivered at all.
   */
  hold(batch: MessageBatch): Promise<void> | undefined {
    const key = tpKey(batch.topic, batch.partition);
    const waiting = this.connecting.get(key) ?? this.barriers.get(key)?.promise;
    if (waiting) return waiting;
    if (!this.movedBack(key, batch)) return undefined;
    // The consumer's position moved back without a rebalance (kafkajs restarted it, an offset reset):
    // the open transaction already holds the effects of events this batch brings again.
    const entry = this.txns.get(key)!;
    this.stale.add(batch);
    const redo = this.abortAndRewind(
      key,
      entry.partition,
      entry.txn,
      `the consumer's position moved back to ${batch.messages[0]!.offset} without a rebalance`,
    ).finally(() => this.connecting.delete(key));
    this.connecting.set(key, redo);
    return redo;
  }

  /** Whether a batch starts at or before an offset already delivered in this assignment, unasked. */
  private movedBack(key: string, batch: MessageBatch): boolean {
    const first = batch.messages[0]?.offset;
    if (first === undefined || batch.generation !== this.generation || !this.options.commits(batch.topic))
      return false;
    if (!this.txns.has(key) || this.rewinds.has(key) || this.minimums.has(key)) return false;
    return first <= this.options.trackers().tracker(batch.topic, batch.partition).lastDeliveredOffset();
  }

  /** False for batches fetched before a rewind (their events come again from the committed offset). */
  admit(batch: MessageBatch): boolean {
    if (!this.options.commits(batch.topic)) return true;
    if (this.stale.delete(batch)) return false;
    const key = tpKey(batch.topic, batch.partition);
    const first = batch.messages[0]?.offset;
    const minimum = this.minimums.get(key);
    if (minimum !== undefined && first !== undefined) {
      if (first < minimum) {
        if (!this.skipping.has(key)) {
          this.skipping.add(key);
          this.options.logger.warn(
            `exactly-once: ${batch.topic}[${batch.partition}]: its previous owner committed up to ${minimum} after ` +
              `this worker's position (${first}) was fetched; reading from ${minimum}`,
          );
          this.options.seek({ topic: batch.topic, partition: batch.partition }, minimum);
        }
        return false;
      }
      this.minimums.delete(key);
      this.skipping.delete(key);
    }
    const limit = this.rewinds.get(key);
    if (limit !== undefined) {
      if (first === undefined || first > limit) return false;
      this.rewinds.delete(key);
    }
    if (first !== undefined && !this.startOffsets.has(key)) this.startOffsets.set(key, first);
    return true;
  }

  /**
   * A new assignment: producers for partitions new to this worker connect (fencing the previous
   * owner's) before their batches are delivered; those of partitions given up are closed, what
   * they left open aborted.
   */
  async assigned(assignment: TopicPartition[], generation: number): Promise<void> {
    const previous = this.generation;
    // A join no revoke came before (the consumer crashed and rejoined, e.g. after a broker outage):
    // the kept partitions are read again from the group's committed offsets, so what their open
    // transactions hold is redone. Those transactions are aborted; the old events' sends dropped.
    const unrevoked = previous >= 0 && previous !== generation && this.closedGeneration < previous;
    if (unrevoked) this.closedGeneration = previous;
    this.generation = generation;
    this.committed = new Map();
    this.startOffsets = new Map();
    this.rewinds.clear();
    this.minimums.clear();
    this.skipping.clear();
    const wanted = new Map<string, TopicPartition>();
    for (const tp of assignment)
      if (this.options.commits(tp.topic)) wanted.set(tpKey(tp.topic, tp.partition), tp);
    const closing: Promise<void>[] = [];
    for (const [key, entry] of this.txns) {
      if (wanted.has(key)) {
        if (unrevoked) this.restartKept(key, entry);
        continue;
      }
      this.txns.delete(key);
      closing.push(this.discard(entry.txn, 'the partition was given up'));
    }
    for (const [key, tp] of wanted) {
      if (this.txns.has(key) || this.connecting.has(key)) continue;
      const id = transactionalId(this.options.groupId, tp);
      const txn = new PartitionTransaction(id, this.options.createProducer(id), this.options.bufferOptions);
      this.fence(key, tp, txn, { first: true });
    }
    await Promise.all(closing);
  }

  /** Aborts a kept partition's open transaction and fences its producer; its batches wait meanwhile. */
  private restartKept(
    key: string,
    { partition, txn }: { partition: TopicPartition; txn: PartitionTransaction },
  ): void {
    const where = `${partition.topic}[${partition.partition}]`;
    this.options.logger.warn(
      `exactly-once: the consumer rejoined its group without giving up ${where} first; aborting its open transaction`,
    );
    this.fence(key, partition, txn, {
      before: this.discard(txn, 'the consumer rejoined without a revoke', false),
    });
  }

  /**
   * Connects (`first`) or replaces a partition's producer, fencing every earlier one, while its
   * batches wait; then its events start no lower than the offset committed by then. Fenced, what
   * an earlier owner committed is final; its last commit may have come after the consumer fetched
   * this partition's position (a zombie past its session).
   */
  private fence(
    key: string,
    partition: TopicPartition,
    txn: PartitionTransaction,
    { first = false, before = Promise.resolve() }: { first?: boolean; before?: Promise<void> },
  ): void {
    const fenced = before
      .then(() => this.restartProducer(txn, `${partition.topic}[${partition.partition}]`, first))
      .then(async (ok) => {
        if (!ok) return;
        const committed = await this.committedOffset(partition).catch(() => -1);
        if (committed >= 0) this.minimums.set(key, committed);
        this.txns.set(key, { partition, txn });
      })
      .finally(() => this.connecting.delete(key));
    this.connecting.set(key, fenced);
  }

  /**
   * The assignment is about to be revoked (onRevoking; buffered events were dropped): commits what
   * is processed. A partition whose events do not finish within the bound is aborted instead: the
   * next owner processes them again. Later sends of this generation's events are dropped.
   */
  async revoking(generation: number): Promise<void> {
    await this.commit({ abortUnfinished: true });
    this.closedGeneration = Math.max(this.closedGeneration, generation);
    await this.untilOffsetsVisible();
  }

  /**
   * Waits (bounded) until the group shows the offsets this worker committed. Kafka writes a
   * transaction's markers, and so makes its offsets visible, a moment after the commit returns;
   * a next owner that fetched its position before would process those events again (kafkajs
   * cannot ask for stable offsets, KIP-447). So the worker rejoins, or stops, only after.
   */
  private async untilOffsetsVisible(): Promise<void> {
    const started = performance.now();
    const pending = new Map(this.committed);
    while (pending.size > 0 && performance.now() - started < this.options.finalDrainTimeoutMs) {
      // Partitions given up meanwhile are no longer this worker's to wait for.
      for (const key of pending.keys()) if (!this.txns.has(key)) pending.delete(key);
      const topics = new Set([...pending.keys()].map((key) => this.txns.get(key)!.partition.topic));
      for (const topic of topics) {
        for (const { partition, offset } of await this.options.committedOffsets(topic).catch(() => [])) {
          const key = tpKey(topic, partition);
          const wanted = pending.get(key);
          if (wanted !== undefined && offset >= wanted) pending.delete(key);
        }
      }
      if (pending.size > 0) await sleep(DRAIN_POLL_MS * 5);
    }
    if (pending.size > 0) {
      this.options.logger.warn(
        `exactly-once: ${pending.size} committed offsets were not visible yet after ${Math.round(performance.now() - started)} ms`,
      );
    }
  }

  /** The group's committed offset of one partition now (-1: none). */
  private async committedOffset({ topic, partition }: TopicPartition): Promise<number> {
    const offsets = await this.options.committedOffsets(topic);
    return offsets.find((o) => o.partition === partition)?.offset ?? -1;
  }

  /** Commits every partition's transaction (one cycle at a time). */
  commit(options: CycleOptions = {}): Promise<void> {
    if (this.cycle) {
      if (!options.abortUnfinished) {
        this.again = true;
        return this.cycle;
      }
      return this.cycle.then(() => this.commit(options));
    }
    this.cycle = this.runCycles(options).finally(() => {
      this.cycle = undefined;
    });
    return this.cycle;
  }

  /** Commits what is processed and closes every producer (the worker stops). */
  async close(): Promise<void> {
    this.stop();
    await this.commit({ abortUnfinished: true });
    await this.untilOffsetsVisible();
    this.stopped = true;
    const entries = [...this.txns.values()];
    this.txns.clear();
    await Promise.all(entries.map(({ txn }) => this.discard(txn, 'the worker stopped')));
  }

  private async runCycles(options: CycleOptions): Promise<void> {
    do {
      this.again = false;
      this.schedule.reset();
      const started = performance.now();
      const results = await Promise.all(
        [...this.txns.entries()].map(([key, entry]) => this.commitPartition(key, entry, options)),
      );
      const offsets = results.filter((offset): offset is CommitOffset => offset !== undefined);
      if (offsets.length > 0) this.options.onCommitted?.(offsets, performance.now() - started);
    } while (this.again);
  }

  private async commitPartition(
    key: string,
    { partition, txn }: { partition: TopicPartition; txn: PartitionTransaction },
    options: CycleOptions,
  ): Promise<CommitOffset | undefined> {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    this.barriers.set(key, { promise, resolve });
    const generation = this.generation;
    try {
      const tracker = this.options.trackers().tracker(partition.topic, partition.partition);
      const started = performance.now();
      const bound = options.abortUnfinished ? this.options.finalDrainTimeoutMs : this.options.drainTimeoutMs;
      while (tracker.outstanding() > 0 && performance.now() - started < bound) {
        await sleep(DRAIN_POLL_MS);
      }
      if (generation !== this.generation) return undefined;
      if (tracker.outstanding() > 0) {
        if (options.abortUnfinished) await this.discard(txn, 'its events did not finish in time', false);
        else
          this.options.logger.debug(
            `exactly-once: ${partition.topic}[${partition.partition}] still processing; commit deferred`,
          );
        return undefined;
      }
      const offset = tracker.committableOffset();
      const moved = offset >= 0 && offset > (this.committed.get(key) ?? -1);
      if (!moved && txn.pendingSends === 0) return undefined;
      const commitOffset = moved ? { ...partition, offset } : undefined;
      try {
        await txn.commit(this.options.groupId, commitOffset);
      } catch (error) {
        if (commitOffset) this.options.onCommitError?.([commitOffset], error);
        await this.abortAndRewind(key, partition, txn, `its commit failed: ${(error as Error).message}`);
        return undefined;
      }
      if (!commitOffset) return undefined;
      this.committed.set(key, offset);
      this.options.trackers().markCommitted([commitOffset]);
      return commitOffset;
    } finally {
      this.barriers.delete(key);
      resolve();
    }
  }

  /**
   * A commit failed: abort, fence the failed producer with a new one, and process the partition
   * again from its last committed offset (the events after it were processed into the aborted
   * transaction; their batches still held are dropped, see admit()).
   */
  private async abortAndRewind(
    key: string,
    partition: TopicPartition,
    txn: PartitionTransaction,
    reason: string,
  ): Promise<void> {
    const { logger } = this.options;
    const where = `${partition.topic}[${partition.partition}]`;
    const lastDelivered = this.options
      .trackers()
      .tracker(partition.topic, partition.partition)
      .lastDeliveredOffset();
    logger.warn(
      `exactly-once: ${where}: ${reason}; aborting its transaction and processing again from the committed offset`,
    );
    await this.discard(txn, reason, false);
    if (!(await this.restartProducer(txn, where))) return;
    // A producer that fenced ours may have committed further than we did.
    const groupCommitted = await this.committedOffset(partition).catch(() => -1);
    const from = Math.max(groupCommitted, this.committed.get(key) ?? this.startOffsets.get(key) ?? -1);
    if (from < 0) return;
    this.options.restartTracking(partition);
    this.startOffsets.delete(key);
    if (from <= lastDelivered) this.rewinds.set(key, lastDelivered);
    else {
      this.minimums.set(key, from);
      this.skipping.add(key);
    }
    this.options.seek(partition, from);
  }

  /**
   * Connects a new partition's producer (`first`) or replaces a failed one, retrying with backoff
   * (at most a second apart) for as long as the worker runs: the broker may be away, and the
   * partition's batches stay held meanwhile, as the consumer rides out the outage too (a partition
   * held for consumerStallTimeout shows as stalled in /health/ready). False once the worker stops.
   */
  private async restartProducer(txn: PartitionTransaction, where: string, first = false): Promise<boolean> {
    const started = performance.now();
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        if (first && attempt === 0) await txn.connect();
        else await txn.replaceProducer(this.options.createProducer(txn.transactionalId));
        if (attempt > 0) {
          const seconds = Math.round((performance.now() - started) / 1000);
          this.options.logger.info(
            `exactly-once: the producer of ${where} is connected again after ${seconds} s`,
          );
        }
        return true;
      } catch (error) {
        if (attempt % 20 === 0) {
          this.options.logger.warn(
            `exactly-once: the producer of ${where} cannot connect (${(error as Error).message}); ` +
              'its partition waits and the producer is retried',
          );
        }
        await sleep(Math.min(1_000, 100 * 2 ** attempt));
      }
    }
    return false;
  }

  /** Aborts a transaction (its sends' receipts reject); optionally closes its producer. */
  private async discard(txn: PartitionTransaction, reason: string, close = true): Promise<void> {
    try {
      const discarded = await txn.abort(reason, undefined, () => this.options.beforeAbortSettles());
      if (discarded > 0)
        this.options.logger.debug(
          `exactly-once: aborted ${txn.transactionalId} (${reason}): ${discarded} records discarded`,
        );
    } catch (error) {
      this.options.logger.warn(
        `exactly-once: aborting ${txn.transactionalId} failed (${(error as Error).message}); the broker aborts it when the next owner fences it or at its timeout`,
      );
    }
    if (close) await txn.close().catch(() => {});
  }
}

export function transactionalId(groupId: string, { topic, partition }: TopicPartition): string {
  return `${groupId}-${topic}-${partition}`;
}
