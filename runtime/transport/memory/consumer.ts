import { type GroupAssignor, isGroupAssignor } from '../group-protocol.js';
import type {
  CommitOffset,
  ConsumerHandlers,
  ConsumerOptions,
  MessageBatch,
  TopicPartition,
  TransportConsumer,
} from '../types.js';
import type { MemoryBroker } from './broker.js';
import type { GroupCoordinator, GroupMemberClient, TransportLog } from './group-coordinator.js';
import type { PartitionLog } from './partition-log.js';
import { formatTopicPartition, partitionKey } from './topic-partition.js';
import { nextTurn, Wakeup } from './wakeup.js';

type ConsumerState = 'idle' | 'running' | 'stopping' | 'stopped';

interface PendingAssignment {
  generation: number;
  assignment: TopicPartition[];
}

/**
 * A group member of a memory broker. One async loop per consumer does everything in order:
 * rejoin when a rebalance starts (after its in-flight batches settled), adopt a new assignment
 * (positions from the committed offsets, else autoOffsetReset) and call onAssigned, then hand
 * out at most one batch per ready partition per turn of the event loop. It sleeps on a Wakeup
 * (no polling, no timers) until a produce, resume, seek, rebalance or stop gives it work.
 *
 * A partition whose onBatch promise is pending gets no further batch until it settles; other
 * partitions go on. Pause state is kept across rebalances (as kafkajs does) until resume().
 * A throwing onBatch/onAssigned crashes the consumer: it leaves the group and onStopped(error)
 * is called. Do not await stop() inside onBatch: stop() waits for in-flight batches.
 *
 * Options: rebalanceTimeoutMs bounds how long a rebalance waits for this member's in-flight
 * batches (then it is removed and rejoins later, as in Kafka). sessionTimeoutMs,
 * heartbeatIntervalMs and requestTimeoutMs do not apply in one process (a member cannot vanish
 * without stop()). Assignment is Kafka's range assignor, unless every member offers a common
 * GroupAssignor in partitionAssigners (other kinds of assigners, e.g. kafkajs ones, are ignored):
 * then the group runs it as Kafka would, and the assignor reads the group through describe().
 */
export class MemoryConsumer implements TransportConsumer {
  private readonly topics = new Set<string>();
  private readonly group: GroupCoordinator;
  private readonly name: string;
  private handlers: ConsumerHandlers | undefined;
  private state: ConsumerState = 'idle';
  private memberId: string | undefined;
  private generation = 0;
  private current: TopicPartition[] = [];
  private readonly positions = new Map<string, number>();
  private readonly paused = new Set<string>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private watched: PartitionLog[] = [];
  private rebalancePending = false;
  private expelled = false;
  private nextAssignment: PendingAssignment | undefined;
  private failure: Error | undefined;
  private announcing = false;
  private readonly wakeup = new Wakeup();
  private readonly onAppend = (): void => this.wakeup.notify();
  private loop: Promise<void> | undefined;
  private readonly groupAssignors: GroupAssignor[];

  constructor(
    private readonly broker: MemoryBroker,
    private readonly options: ConsumerOptions,
    private readonly log?: TransportLog,
  ) {
    this.name = `memory consumer ${options.clientId} (group "${options.groupId}")`;
    if (typeof options.groupId !== 'string' || options.groupId === '') {
      throw new Error(`memory consumer ${options.clientId}: groupId must be a non-empty string`);
    }
    for (const [field, value] of [
      ['maxPollRecords', options.maxPollRecords],
      ['maxFetchBytes', options.maxFetchBytes],
      ['rebalanceTimeoutMs', options.rebalanceTimeoutMs],
    ] as const) {
      if (!Number.isFinite(value) || value < 0)
        throw new Error(`${this.name}: ${field} must be >= 0, got ${value}`);
    }
    broker.assertAlive(this.name);
    this.group = broker.group(options.groupId);
    this.groupAssignors = (options.partitionAssigners ?? []).filter(isGroupAssignor);
    const group = this.group;
    for (const assignor of this.groupAssignors) assignor.attachGroupReader(async () => group.describe());
  }

  subscribe(topics: string[]): void {
    if (this.state !== 'idle') throw new Error(`${this.name}: subscribe() must be called before start()`);
    for (const topic of topics) {
      if (typeof topic !== 'string' || topic === '')
        throw new Error(`${this.name}: cannot subscribe to topic ${topic}`);
      this.topics.add(topic);
    }
  }

  async start(handlers: ConsumerHandlers): Promise<void> {
    if (this.state !== 'idle') throw new Error(`${this.name}: start() was already called`);
    this.broker.assertAlive(this.name);
    this.handlers = handlers;
    this.state = 'running';
    this.broker.trackConsumer(this);
    this.joinGroup();
    this.loop = this.run();
  }

  async commit(offsets: CommitOffset[]): Promise<void> {
    this.broker.assertAlive(this.name);
    if (this.state === 'idle' || this.memberId === undefined) {
      throw new Error(`${this.name}: commit() before start(): not a member of the group yet`);
    }
    if (this.state === 'stopped') throw new Error(`${this.name}: commit() after stop(): it left the group`);
    this.group.commit(this.memberId, offsets);
  }

  pause(partitions: TopicPartition[]): void {
    for (const { topic, partition } of partitions) this.paused.add(partitionKey(topic, partition));
  }

  resume(partitions: TopicPartition[]): void {
    for (const { topic, partition } of partitions) this.paused.delete(partitionKey(topic, partition));
    this.wakeup.notify();
  }

  seek(partition: TopicPartition, offset: number): void {
    const where = `${this.name}: seek(${formatTopicPartition(partition.topic, partition.partition)}, ${offset})`;
    if (!Number.isSafeInteger(offset) || offset < 0)
      throw new Error(`${where}: offset must be a non-negative integer`);
    const key = partitionKey(partition.topic, partition.partition);
    if (!this.positions.has(key)) {
      throw new Error(
        `${where}: the partition is not assigned to this member (generation ${this.generation})`,
      );
    }
    this.positions.set(key, offset);
    this.wakeup.notify();
  }

  assignment(): TopicPartition[] {
    return this.current.map((tp) => ({ ...tp }));
  }

  async stop(): Promise<void> {
    if (this.state === 'idle') {
      this.state = 'stopped';
      return;
    }
    if (this.state === 'running') {
      this.state = 'stopping';
      this.wakeup.notify();
    }
    await this.loop;
  }

  /**
   * True when this consumer has nothing left to hand out: not started or stopped, or running
   * with no rebalance under way, no batch or onAssigned in flight and every unpaused assigned
   * partition read to its end. Test drivers use it (via MemoryBroker.idle()) to wait for quiet.
   */
  isIdle(): boolean {
    if (this.state !== 'running') return this.state !== 'stopping';
    if (this.rebalancePending || this.expelled || this.nextAssignment || this.announcing) return false;
    if (this.inFlight.size > 0 || this.group.isRebalancing) return false;
    for (const { topic, partition } of this.current) {
      const key = partitionKey(topic, partition);
      if (this.paused.has(key)) continue;
      const log = this.broker.partitionLog(topic, partition);
      const position = this.positions.get(key);
      if (log && position !== undefined && position !== log.end) return false;
    }
    return true;
  }

  private joinGroup(): void {
    const memberId = this.broker.nextMemberId(this.options.clientId);
    this.memberId = memberId;
    this.expelled = false;
    this.rebalancePending = false;
    const isCurrent = (): boolean => this.memberId === memberId;
    const client: GroupMemberClient = {
      topics: this.topics,
      assignors: this.groupAssignors,
      rebalanceStarted: () => {
        if (!isCurrent()) return;
        this.rebalancePending = true;
        this.wakeup.notify();
      },
      assigned: (generation, assignment) => {
        if (!isCurrent()) return;
        this.nextAssignment = { generation, assignment };
        this.wakeup.notify();
      },
      expelled: () => {
        if (!isCurrent()) return;
        this.expelled = true;
        this.nextAssignment = undefined;
        this.wakeup.notify();
      },
    };
    this.group.join(memberId, client, this.options.rebalanceTimeoutMs);
  }

  private async run(): Promise<void> {
    const handlers = this.handlers!;
    try {
      while (this.state === 'running' && this.failure === undefined) {
        if (this.rebalancePending || this.expelled) {
          if (this.inFlight.size > 0) {
            await this.wakeup.wait();
          } else if (this.expelled) {
            this.log?.('warn', `${this.name}: rejoining after being removed from the group`);
            this.joinGroup();
          } else {
            await this.revoking(handlers);
            this.rebalancePending = false;
            if (!this.group.rejoin(this.memberId!)) this.expelled = true;
          }
          continue;
        }
        const next = this.nextAssignment;
        if (next) {
          this.nextAssignment = undefined;
          this.adopt(next);
          this.announcing = true;
          try {
            await handlers.onAssigned(this.assignment(), next.generation);
          } finally {
            this.announcing = false;
          }
          continue;
        }
        if (this.deliverRound(handlers)) await nextTurn();
        else await this.wakeup.wait();
      }
    } catch (error) {
      this.failure ??= asError(error, `${this.name}: handler failed`);
    }
    await this.finish(handlers);
  }

  /** Before rejoining: the runtime may commit the generation it gives up (the group accepts it). */
  private async revoking(handlers: ConsumerHandlers): Promise<void> {
    if (!handlers.onRevoking || this.generation === 0 || this.current.length === 0) return;
    try {
      await handlers.onRevoking(this.assignment(), this.generation);
    } catch (error) {
      this.log?.('warn', `${this.name}: onRevoking(generation ${this.generation}) failed`, {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private adopt({ generation, assignment }: PendingAssignment): void {
    this.unwatchAll();
    this.positions.clear();
    this.generation = generation;
    this.current = assignment;
    for (const { topic, partition } of assignment) {
      const log = this.broker.partitionLog(topic, partition);
      if (!log) continue; // deleted since the assignment was computed; a rebalance is on its way
      log.watch(this.onAppend);
      this.watched.push(log);
      const committed = this.group.committedOffset(topic, partition);
      const reset = this.options.autoOffsetReset === 'earliest' ? 0 : log.end;
      this.positions.set(partitionKey(topic, partition), committed ?? reset);
    }
    this.group.markApplied(this.memberId!, generation);
    this.log?.('debug', `${this.name}: generation ${generation}`, { assignment });
    for (const assignor of this.groupAssignors) {
      assignor.joined({
        memberId: this.memberId!,
        generation,
        assignment: assignment.map((tp) => ({ ...tp })),
        topics: [...this.topics],
      });
    }
  }

  /** Hands out at most one batch per ready partition; true when any batch was delivered. */
  private deliverRound(handlers: ConsumerHandlers): boolean {
    let delivered = false;
    for (const { topic, partition } of this.current) {
      if (this.state !== 'running' || this.rebalancePending || this.expelled || this.failure) break;
      const key = partitionKey(topic, partition);
      if (this.paused.has(key) || this.inFlight.has(key)) continue;
      const log = this.broker.partitionLog(topic, partition);
      let position = this.positions.get(key);
      if (!log || position === undefined) continue;
      if (position > log.end) position = this.resetOutOfRange(log, position);
      if (position >= log.end) continue;
      const messages = log.read(position, this.options.maxPollRecords, this.options.maxFetchBytes);
      this.positions.set(key, position + messages.length);
      delivered = true;
      const batch: MessageBatch = {
        topic,
        partition,
        messages,
        highWatermark: log.end,
        generation: this.generation,
      };
      this.track(key, handlers.onBatch(batch));
    }
    return delivered;
  }

  private track(key: string, result: void | Promise<void>): void {
    if (!isThenable(result)) return;
    const settled = Promise.resolve(result).then(
      () => {
        this.inFlight.delete(key);
        this.wakeup.notify();
      },
      (error: unknown) => {
        this.inFlight.delete(key);
        this.failure ??= asError(error, `${this.name}: onBatch failed`);
        this.wakeup.notify();
      },
    );
    this.inFlight.set(key, settled);
  }

  /** Kafka's OffsetOutOfRange: a position past the end is reset per autoOffsetReset. */
  private resetOutOfRange(log: PartitionLog, position: number): number {
    const reset = this.options.autoOffsetReset === 'earliest' ? 0 : log.end;
    this.log?.('warn', `${this.name}: offset ${position} out of range`, {
      partition: formatTopicPartition(log.topic, log.partition),
      highWatermark: log.end,
      resetTo: reset,
    });
    this.positions.set(partitionKey(log.topic, log.partition), reset);
    return reset;
  }

  private async finish(handlers: ConsumerHandlers): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight.values()]);
    this.unwatchAll();
    if (this.memberId !== undefined) this.group.leave(this.memberId);
    this.current = [];
    this.positions.clear();
    this.nextAssignment = undefined;
    this.state = 'stopped';
    for (const assignor of this.groupAssignors) assignor.left();
    this.broker.untrackConsumer(this);
    if (this.failure) this.log?.('error', `${this.name}: crashed`, { error: this.failure.message });
    try {
      handlers.onStopped?.(this.failure);
    } catch (error) {
      this.log?.('error', `${this.name}: onStopped threw`, { error: asError(error, 'onStopped').message });
    }
  }

  private unwatchAll(): void {
    for (const log of this.watched) log.unwatch(this.onAppend);
    this.watched = [];
  }
}

function isThenable(value: unknown): value is PromiseLike<void> {
  return (
    typeof value === 'object' && value !== null && typeof (value as PromiseLike<void>).then === 'function'
  );
}

function asError(error: unknown, context: string): Error {
  return error instanceof Error ? error : new Error(`${context}: ${String(error)}`);
}
