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
import { BufferedTransaction } from './transaction.js';
import type { TransactionLayout } from './layout.js';
import { CommitSchedule } from '../../commit/commit-schedule.js';

/** How often a commit checks whether its partition's delivered events are processed. */
const DRAIN_POLL_MS = 2;

export interface ExactlyOnceOptions {
  /** The consumer group (the app id). */
  groupId: string;
  /** Which transaction each input partition's events send into (chooseLayout). */
  layout: TransactionLayout;
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

/** One open transaction and the input partitions whose events send into it. */
interface Unit {
  readonly id: string;
  readonly txn: BufferedTransaction;
  /** By tpKey. */
  readonly partitions: Map<string, TopicPartition>;
  /** Its producer connects, is replaced or its transaction aborted: its partitions' batches wait. */
  busy?: Promise<void>;
  /** A commit runs: its partitions' batches wait. */
  barrier?: Barrier;
}

/**
 * Exactly-once processing on Kafka transactions. What an event of an input partition sends
 * (outputs, table changelog records, dead letters) goes into the open transaction of its
 * partition's unit: the partition alone (layout `partition`, EOS v1: the transactional id
 * `<app>-<topic>-<partition>` is the same on every worker, so the owner that takes a partition
 * over fences every earlier one and aborts what it left open) or all of the worker's partitions
 * (layout `worker`, EOS v2: the producer sends offsets with the worker's consumer's group
 * metadata, so the coordinator refuses a zombie's).
 *
 * A commit of a unit holds back its partitions' newly fetched batches, waits until every event
 * delivered so far is processed (bounded: otherwise it tries again at the next interval), then
 * adds the consumed offsets and commits: the transaction holds exactly the effects of the events
 * before those offsets. When a commit fails, the transaction is aborted, a new producer fences
 * the old one, and the unit's partitions are processed again from their last committed offsets:
 * never a partial commit.
 */
export class ExactlyOnce implements MessageSender {
  /** By transactional id. */
  private readonly units = new Map<string, Unit>();
  /** Each assigned input partition's unit, by tpKey. */
  private readonly routes = new Map<string, Unit>();
  /** Partitions taken over whose group offset is still being read: their batches wait. */
  private readonly opening = new Map<string, Promise<void>>();
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
    const unit = this.routes.get(tpKey(event.topic, event.partition));
    if (event.generation <= this.closedGeneration || !unit) {
      const id = this.options.layout.transactionalId(event);
      return Promise.reject(new TransactionAbortedError(id, 'the event belongs to a generation that ended'));
    }
    return unit.txn.send(message);
  }

  async flush(): Promise<void> {
    await Promise.all([
      this.options.plain.flush(),
      ...[...this.units.values()].map(({ txn }) => txn.flush()),
    ]);
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
   * Holds a fetched batch while its unit's producer connects or its commit runs; undefined when it
   * may go on. admit() then says whether it is delivered at all.
   */
  hold(batch: MessageBatch): Promise<void> | undefined {
    const key = tpKey(batch.topic, batch.partition);
    const unit = this.routes.get(key);
    const waiting = unit?.busy ?? this.opening.get(key) ?? unit?.barrier?.promise;
    if (waiting) return waiting;
    if (!unit || !this.movedBack(key, batch)) return undefined;
    // The consumer's position moved back without a rebalance (kafkajs restarted it, an offset reset):
    // the open transaction already holds the effects of events this batch brings again.
    this.stale.add(batch);
    const reason = `the consumer's position of ${batch.topic}[${batch.partition}] moved back to ${batch.messages[0]!.offset} without a rebalance`;
    return this.occupy(unit, this.abortAndRewind(unit, reason));
  }

  /** Whether a batch starts at or before an offset already delivered in this assignment, unasked. */
  private movedBack(key: string, batch: MessageBatch): boolean {
    const first = batch.messages[0]?.offset;
    if (first === undefined || batch.generation !== this.generation || !this.options.commits(batch.topic))
      return false;
    if (!this.routes.has(key) || this.rewinds.has(key) || this.minimums.has(key)) return false;
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
   * A new assignment: partitions new to this worker join their unit (a new unit's producer
   * connects, fencing earlier ones with its id) before their batches are delivered; units left
   * without partitions are closed, what they left open aborted.
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
    for (const unit of [...this.units.values()]) {
      for (const key of [...unit.partitions.keys()]) {
        if (wanted.has(key)) continue;
        unit.partitions.delete(key);
        this.routes.delete(key);
      }
      if (unit.partitions.size === 0) {
        this.units.delete(unit.id);
        const idle = unit.busy ?? Promise.resolve();
        closing.push(idle.then(() => this.discard(unit.txn, 'its partitions were given up')));
      } else if (unrevoked) this.restartKept(unit);
    }
    for (const [key, tp] of wanted) {
      if (this.routes.has(key)) continue;
      const id = this.options.layout.transactionalId(tp);
      let unit = this.units.get(id);
      if (!unit) {
        const txn = new BufferedTransaction(id, this.options.createProducer(id), this.options.bufferOptions);
        unit = { id, txn, partitions: new Map() };
        this.units.set(id, unit);
        this.occupy(unit, this.restartProducer(unit, true));
      }
      unit.partitions.set(key, tp);
      this.routes.set(key, unit);
      this.readOwnerOffset(unit, key, tp);
    }
    await Promise.all(closing);
  }

  /** Aborts a kept unit's open transaction and fences its producer; its batches wait meanwhile. */
  private restartKept(unit: Unit): void {
    this.options.logger.warn(
      `exactly-once: the consumer rejoined its group without giving up ${this.where(unit)} first; aborting its open transaction`,
    );
    const fenced = this.discard(unit.txn, 'the consumer rejoined without a revoke', false).then(() =>
      this.restartProducer(unit),
    );
    this.occupy(unit, fenced);
    for (const [key, tp] of unit.partitions) this.readOwnerOffset(unit, key, tp);
  }

  /**
   * Once the unit's producer is connected (fenced, what an earlier owner committed is final), the
   * partition's events start no lower than the offset committed by then: an earlier owner's last
   * commit may have come after the consumer fetched this partition's position (a zombie past its
   * session). Its batches wait meanwhile.
   */
  private readOwnerOffset(unit: Unit, key: string, partition: TopicPartition): void {
    const read = (unit.busy ?? Promise.resolve())
      .then(async () => {
        if (this.stopped || this.routes.get(key) !== unit) return;
        const committed = await this.committedOffset(partition).catch(() => -1);
        if (committed >= 0) this.minimums.set(key, committed);
      })
      .finally(() => {
        if (this.opening.get(key) === read) this.opening.delete(key);
      });
    this.opening.set(key, read);
  }

  /** Marks a unit busy (its batches wait) until `work` is done. */
  private occupy(unit: Unit, work: Promise<unknown>): Promise<void> {
    const done: Promise<void> = work
      .then(
        () => undefined,
        (error: unknown) => {
          this.options.logger.error(`exactly-once: ${this.where(unit)}: ${(error as Error).message}`);
        },
      )
      .finally(() => {
        if (unit.busy === done) unit.busy = undefined;
      });
    unit.busy = done;
    return done;
  }

  /**
   * The assignment is about to be revoked (onRevoking; buffered events were dropped): commits what
   * is processed. A unit whose events do not finish within the bound is aborted instead: the next
   * owner processes them again. Later sends of this generation's events are dropped.
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
      for (const key of pending.keys()) if (!this.routes.has(key)) pending.delete(key);
      const topics = new Set(
        [...pending.keys()].map((key) => this.routes.get(key)!.partitions.get(key)!.topic),
      );
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

  /** Commits every unit's transaction (one cycle at a time). */
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
    const units = [...this.units.values()];
    this.units.clear();
    this.routes.clear();
    await Promise.all(units.map(({ txn }) => this.discard(txn, 'the worker stopped')));
  }

  private async runCycles(options: CycleOptions): Promise<void> {
    do {
      this.again = false;
      this.schedule.reset();
      const started = performance.now();
      const results = await Promise.all(
        [...this.units.values()].map((unit) => this.commitUnit(unit, options)),
      );
      const offsets = results.flat();
      if (offsets.length > 0) this.options.onCommitted?.(offsets, performance.now() - started);
    } while (this.again);
  }

  private async commitUnit(unit: Unit, options: CycleOptions): Promise<CommitOffset[]> {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    const barrier = { promise, resolve };
    unit.barrier = barrier;
    const generation = this.generation;
    try {
      const partitions = [...unit.partitions.entries()];
      const trackers = this.options.trackers();
      const outstanding = () =>
        partitions.some(([, tp]) => trackers.tracker(tp.topic, tp.partition).outstanding() > 0);
      const started = performance.now();
      const bound = options.abortUnfinished ? this.options.finalDrainTimeoutMs : this.options.drainTimeoutMs;
      while (outstanding() && performance.now() - started < bound) await sleep(DRAIN_POLL_MS);
      if (generation !== this.generation || unit.busy) return [];
      if (outstanding()) {
        if (options.abortUnfinished) await this.discard(unit.txn, 'its events did not finish in time', false);
        else this.options.logger.debug(`exactly-once: ${this.where(unit)} still processing; commit deferred`);
        return [];
      }
      const offsets: CommitOffset[] = [];
      for (const [key, tp] of partitions) {
        const offset = trackers.tracker(tp.topic, tp.partition).committableOffset();
        if (offset >= 0 && offset > (this.committed.get(key) ?? -1)) offsets.push({ ...tp, offset });
      }
      // One transaction per worker is fenced only by the offsets it sends: sends without them wait
      // for the next commit (their events' offsets come with it) or are aborted at the close.
      if (offsets.length === 0 && (unit.txn.pendingSends === 0 || this.options.layout.kind === 'worker'))
        return [];
      try {
        await unit.txn.commit(this.options.groupId, offsets);
      } catch (error) {
        if (offsets.length > 0) this.options.onCommitError?.(offsets, error);
        await this.occupy(unit, this.abortAndRewind(unit, `its commit failed: ${(error as Error).message}`));
        return [];
      }
      for (const offset of offsets) this.committed.set(tpKey(offset.topic, offset.partition), offset.offset);
      if (offsets.length > 0) this.options.trackers().markCommitted(offsets);
      return offsets;
    } finally {
      if (unit.barrier === barrier) unit.barrier = undefined;
      resolve();
    }
  }

  /**
   * A commit failed: abort, fence the failed producer with a new one, and process the unit's
   * partitions again from their last committed offsets (the events after them were processed
   * into the aborted transaction; their batches still held are dropped, see admit()).
   */
  private async abortAndRewind(unit: Unit, reason: string): Promise<void> {
    const trackers = this.options.trackers();
    const partitions = [...unit.partitions.entries()].map(([key, tp]) => ({
      key,
      tp,
      lastDelivered: trackers.tracker(tp.topic, tp.partition).lastDeliveredOffset(),
    }));
    this.options.logger.warn(
      `exactly-once: ${this.where(unit)}: ${reason}; aborting its transaction and processing again from the committed offset`,
    );
    await this.discard(unit.txn, reason, false);
    if (!(await this.restartProducer(unit))) return;
    for (const { key, tp, lastDelivered } of partitions) {
      if (this.routes.get(key) !== unit) continue;
      // A producer that fenced ours may have committed further than we did.
      const groupCommitted = await this.committedOffset(tp).catch(() => -1);
      const from = Math.max(groupCommitted, this.committed.get(key) ?? this.startOffsets.get(key) ?? -1);
      if (from < 0) continue;
      this.options.restartTracking(tp);
      this.startOffsets.delete(key);
      if (from <= lastDelivered) this.rewinds.set(key, lastDelivered);
      else {
        this.minimums.set(key, from);
        this.skipping.add(key);
      }
      this.options.seek(tp, from);
    }
  }

  /**
   * Connects a new unit's producer (`first`) or replaces a failed one, retrying with backoff (at
   * most a second apart) for as long as the worker runs: the broker may be away, and the unit's
   * batches stay held meanwhile, as the consumer rides out the outage too (a partition held for
   * consumerStallTimeout shows as stalled in /health/ready). False once the worker stops.
   */
  private async restartProducer(unit: Unit, first = false): Promise<boolean> {
    const started = performance.now();
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        if (first && attempt === 0) await unit.txn.connect();
        else await unit.txn.replaceProducer(this.options.createProducer(unit.id));
        if (attempt > 0) {
          const seconds = Math.round((performance.now() - started) / 1000);
          this.options.logger.info(
            `exactly-once: the producer of ${this.where(unit)} is connected again after ${seconds} s`,
          );
        }
        return true;
      } catch (error) {
        if (attempt % 20 === 0) {
          this.options.logger.warn(
            `exactly-once: the producer of ${this.where(unit)} cannot connect (${(error as Error).message}); ` +
              'its partitions wait and the producer is retried',
          );
        }
        await sleep(Math.min(1_000, 100 * 2 ** attempt));
      }
    }
    return false;
  }

  /** A unit for log lines: its partition, or its transactional id and partition count. */
  private where(unit: Unit): string {
    const partitions = [...unit.partitions.values()];
    if (this.options.layout.kind === 'partition' && partitions.length === 1)
      return `${partitions[0]!.topic}[${partitions[0]!.partition}]`;
    return `transaction ${unit.id} (${partitions.length} partitions)`;
  }

  /** Aborts a transaction (its sends' receipts reject); optionally closes its producer. */
  private async discard(txn: BufferedTransaction, reason: string, close = true): Promise<void> {
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
