/**
 * TransportConsumer on a kafkajs consumer.
 *
 * Shape: manual commits only (autoCommit off); `eachBatch` hands each fetched batch to onBatch,
 * which only enqueues, so kafkajs's fetch loop (and with it the heartbeats, which kafkajs sends only
 * between batches) never waits on an agent. Back-pressure is pause()/resume().
 *
 * Positions. kafkajs keeps two offsets per partition: the fetch position ("resolved" offset) and
 * the committed offset. We resolve a batch (advance the fetch position past it) only after onBatch
 * accepted it, so a batch we withhold (paused, seeked, or from an older generation) is fetched
 * again. That is kafkajs's `eachBatchAutoResolve` done by hand; auto-resolve would also advance
 * past batches we withhold. Commits happen only when the runtime calls commit().
 *
 * Why at-least-once holds across rebalances (kafkajs 2.2.4, src/consumer/consumerGroup.js and
 * offsetManager/index.js): every completed join+sync builds a new OffsetManager whose constructor
 * clears all committed and resolved offsets, so the first fetch of each assigned partition asks the
 * group coordinator for its committed offset (OffsetFetch) and starts there (autoOffsetReset when
 * nothing is committed). Whatever this member delivered but the runtime did not commit is therefore
 * fetched again by the partition's owner in the new generation, here or elsewhere; the runtime drops
 * its old in-flight messages on onAssigned. A commit carries the generation kafkajs joined with; a
 * commit racing a rebalance fails with REBALANCE_IN_PROGRESS/ILLEGAL_GENERATION, which kafkajs does
 * not retry, so it rejects here. We also refuse commits for partitions outside the current
 * assignment (kafkajs itself would send them, tulios/kafkajs#1046), and batches that may have been
 * fetched before the latest join never get the new generation (see fetch-generations.ts).
 *
 * Where kafkajs can still mislead us, it errs towards duplicates, never loss: its commitOffsets
 * resolves without committing when its runner has just stopped (a crash, before the CRASH event),
 * so the runtime may believe an offset committed that is not, and the next owner re-reads from the
 * older one. A seek kafkajs has not applied yet (it does so at the node's next fetch, within about
 * FETCH_MAX_WAIT_MS) when the partition is revoked stays in kafkajs's seek table and applies if the
 * partition comes back; seeks of partitions not assigned are ignored so as not to add to that.
 */
import type {
  Batch,
  ConsumerCrashEvent,
  ConsumerEndBatchProcessEvent,
  ConsumerFetchStartEvent,
  ConsumerGroupJoinEvent,
  EachBatchPayload,
  IHeaders,
  Consumer as KafkaConsumer,
  KafkaMessage,
  LogEntry,
  PartitionAssigner,
} from 'kafkajs';
import { type GroupAssignor, isGroupAssignor } from '../group-protocol.js';
import { kafkajsPartitionAssigner } from './assigner.js';
import type {
  CommitOffset,
  ConsumerHandlers,
  ConsumerOptions,
  Headers,
  Message,
  MessageBatch,
  TopicPartition,
  TransportConsumer,
  TransportOptions,
} from '../types.js';
import { createKafkaClient, OPERATION_RETRY } from './client.js';
import './compression.js';
import { connectError, operationError } from './errors.js';
import { FetchGenerations } from './fetch-generations.js';
import { setRevokeHook } from './kafkajs.js';
import { listenForOutOfRange } from './offset-out-of-range.js';
import { isOutage, OutageBudget, outageBudgetMs } from './outage.js';

/** Batches handled at once; our handler only enqueues, so this just keeps partitions from queueing. */
export const PARTITIONS_CONSUMED_CONCURRENTLY = 16;
/** Long-poll wait of a fetch with nothing to return (aiokafka's fetch_max_wait_ms). */
export const FETCH_MAX_WAIT_MS = 500;
const MAX_BYTES_PER_PARTITION = 1024 * 1024;

type State = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

const tpKey = (topic: string, partition: number): string => `${partition}:${topic}`;

/** kafkajs's header values (string, Buffer, or a list for repeated keys) -> one Buffer, the last. */
export function toHeaders(headers: IHeaders | undefined): Headers {
  const result: Headers = {};
  if (!headers) return result;
  for (const [name, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value === undefined) continue;
    result[name] = Buffer.isBuffer(value) ? value : Buffer.from(value);
  }
  return result;
}

export function toMessage(topic: string, partition: number, message: KafkaMessage): Message {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    key: message.key ?? null,
    value: message.value ?? null,
    timestamp: Number(message.timestamp),
    headers: toHeaders(message.headers),
  };
}

/** [{topic, partition}] -> kafkajs's [{topic, partitions: [...]}]. */
function byTopic(partitions: Iterable<TopicPartition>): { topic: string; partitions: number[] }[] {
  const grouped = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    const list = grouped.get(topic) ?? [];
    list.push(partition);
    grouped.set(topic, list);
  }
  return [...grouped].map(([topic, list]) => ({ topic, partitions: list }));
}

const seconds = (ms: number): string => (ms / 1000).toFixed(1);
const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/** kafkajs throws this from pause/resume/seek/commitOffsets until run() has built the group. */
const isNotRunningYet = (error: unknown): boolean =>
  error instanceof Error && /consumer#run must be called first/.test(error.message);

export class KafkaTransportConsumer implements TransportConsumer {
  private readonly consumer: KafkaConsumer;
  private readonly topics = new Set<string>();
  private readonly generations: FetchGenerations;
  private readonly what: string;
  private state: State = 'idle';
  private handlers: ConsumerHandlers | undefined;
  private currentAssignment: TopicPartition[] = [];
  private assigned = new Set<string>();
  /** onAssigned of the latest generation; batches wait for it. */
  private assignedReady: Promise<void> = Promise.resolve();
  /** Our record of pauses and seeks, re-applied when kafkajs rebuilds its group after a crash. */
  private readonly paused = new Map<string, TopicPartition>();
  private readonly pendingSeeks = new Map<string, { topic: string; partition: number; offset: number }>();
  /** kafkajs crashed and is restarting (or gave up); cleared by the next join. */
  private crashed = false;
  private startError: Error | undefined;
  private starting: Promise<void> | undefined;
  /** The generation id of the latest sync, from kafkajs's debug log (see tapLog). */
  private syncedGenerationId: number | undefined;
  private stopping: Promise<void> | undefined;
  /** Custom group protocols given as GroupAssignors: told about every join, read the group themselves. */
  private readonly groupAssignors: GroupAssignor[];
  /** The member id of the latest join, under which the pre-rejoin hook is registered. */
  private memberId: string | undefined;
  private readonly stopListeningForOutOfRange: () => void;
  /** How long kafkajs may fail to rejoin before the consumer stops for good (see outage.ts). */
  private readonly outage: OutageBudget;
  private rejoinTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly transport: TransportOptions,
    private readonly options: ConsumerOptions,
  ) {
    this.what = `kafka:// consumer (group ${options.groupId})`;
    this.generations = new FetchGenerations(
      Math.max(options.rebalanceTimeoutMs, options.sessionTimeoutMs) + options.requestTimeoutMs,
    );
    this.outage = new OutageBudget(outageBudgetMs(options));
    this.groupAssignors = (options.partitionAssigners ?? []).filter(isGroupAssignor);
    const partitionAssigners = (options.partitionAssigners ?? []).map((assigner) =>
      isGroupAssignor(assigner) ? kafkajsPartitionAssigner(assigner) : (assigner as PartitionAssigner),
    );
    const client = createKafkaClient(transport, {
      clientId: options.clientId,
      requestTimeoutMs: options.requestTimeoutMs,
      logTap: (entry) => this.tapLog(entry),
    });
    try {
      this.consumer = client.consumer({
        groupId: options.groupId,
        sessionTimeout: options.sessionTimeoutMs,
        heartbeatInterval: options.heartbeatIntervalMs,
        rebalanceTimeout: options.rebalanceTimeoutMs,
        maxBytes: options.maxFetchBytes,
        maxBytesPerPartition: Math.min(options.maxFetchBytes, MAX_BYTES_PER_PARTITION),
        maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
        allowAutoTopicCreation: false,
        // read_committed (kafkajs's default, stated): records of open or aborted transactions never
        // reach a stream, a table's recovery or a standby.
        readUncommitted: false,
        // kafkajs restarts after retriable errors until the outage outlasts its budget.
        retry: { ...OPERATION_RETRY, restartOnFailure: async () => !this.outage.exhausted },
        ...(partitionAssigners.length > 0 ? { partitionAssigners } : {}),
      });
    } catch (error) {
      throw operationError(this.what, error);
    }
    const { GROUP_JOIN, FETCH_START, REBALANCING, CRASH, END_BATCH_PROCESS } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, (event) => this.onGroupJoin(event));
    this.consumer.on(FETCH_START, (event: ConsumerFetchStartEvent) =>
      this.generations.fetchStarted(event.payload.nodeId),
    );
    this.consumer.on(REBALANCING, () => this.generations.fetchersStopped());
    this.consumer.on(CRASH, (event) => this.onCrash(event));
    this.consumer.on(END_BATCH_PROCESS, (event) => this.onBatchProcessed(event));
    this.stopListeningForOutOfRange = listenForOutOfRange(options.groupId, {
      memberId: () => this.memberId,
      policy: options.offsetOutOfRange ?? options.autoOffsetReset,
      decided: (facts, decision) => {
        const level = decision.action === 'retry' ? 'warn' : 'error';
        this.transport.log?.(level, `${this.what}: ${decision.message}`, { ...facts });
        // kafkajs forgets pauses when it rebuilds its group after a crash; ours are re-applied.
        if (decision.action === 'stop') {
          this.paused.set(tpKey(facts.topic, facts.partition), {
            topic: facts.topic,
            partition: facts.partition,
          });
        }
      },
    });
  }

  subscribe(topics: string[]): void {
    if (this.state !== 'idle') throw new Error(`${this.what}: subscribe() after start()`);
    for (const topic of topics) this.topics.add(topic);
  }

  async start(handlers: ConsumerHandlers): Promise<void> {
    if (this.state !== 'idle') throw new Error(`${this.what}: start() while ${this.state}`);
    if (this.topics.size === 0) throw new Error(`${this.what}: start() without subscribed topics`);
    this.handlers = handlers;
    this.state = 'starting';
    this.starting = this.startKafka();
    try {
      await this.starting;
    } finally {
      this.starting = undefined;
    }
  }

  private async startKafka(): Promise<void> {
    const topics = [...this.topics];
    const stillStarting = () => {
      if (this.state !== 'starting') throw new Error(`${this.what}: stop() was called while starting`);
    };
    try {
      await this.consumer.connect().catch((error: unknown) => {
        throw connectError(this.transport, `${this.what} connect`, error);
      });
      stillStarting();
      await this.consumer
        .subscribe({ topics, fromBeginning: this.options.autoOffsetReset === 'earliest' })
        .catch((error: unknown) => {
          throw operationError(
            `${this.what}: cannot subscribe to ${topics.join(', ')} (do they exist?)`,
            error,
          );
        });
      stillStarting();
      await this.runKafka();
      // kafkajs reports a failed first join through CRASH, and run() still resolves.
      if (this.startError) throw this.startError;
      stillStarting();
      this.state = 'running';
    } catch (error) {
      // A stop() meanwhile disconnects once this settles; otherwise clean up here.
      if (this.state === 'starting') {
        this.state = 'stopped';
        this.handlers = undefined;
        await this.consumer.disconnect().catch(() => {});
      }
      throw error;
    }
  }

  private runKafka(): Promise<void> {
    return this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: PARTITIONS_CONSUMED_CONCURRENTLY,
      eachBatch: (payload) => this.onKafkaBatch(payload),
    });
  }

  async commit(offsets: CommitOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    if (this.state !== 'running') throw new Error(`${this.what}: commit while ${this.state}`);
    if (this.crashed)
      throw new Error(`${this.what}: commit while kafkajs restarts the consumer after a crash`);
    const generation = this.generations.current;
    const foreign = offsets.filter(({ topic, partition }) => !this.assigned.has(tpKey(topic, partition)));
    if (foreign.length > 0) {
      const list = foreign.map(({ topic, partition }) => `${topic}[${partition}]`).join(', ');
      throw new Error(
        `${this.what}: commit for ${list}, not assigned to this member in generation ${generation}`,
      );
    }
    for (const { topic, partition, offset } of offsets) {
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new Error(`${this.what}: commit of invalid offset ${offset} for ${topic}[${partition}]`);
      }
    }
    try {
      await this.consumer.commitOffsets(
        offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset: String(offset) })),
      );
    } catch (error) {
      throw operationError(`${this.what}: commit in generation ${generation} failed`, error);
    }
    // kafkajs resolves without committing when its runner stopped meanwhile, and a retry after a
    // rebalance would carry the new generation: report both as failures.
    if (this.state !== 'running' || this.crashed || this.generations.current !== generation) {
      throw new Error(
        `${this.what}: the consumer stopped or the group rebalanced during the commit of generation ` +
          `${generation}; it may not have been applied`,
      );
    }
  }

  pause(partitions: TopicPartition[]): void {
    if (partitions.length === 0) return;
    for (const tp of partitions) this.paused.set(tpKey(tp.topic, tp.partition), tp);
    this.whenRunning(() => this.consumer.pause(byTopic(partitions)));
  }

  resume(partitions: TopicPartition[]): void {
    if (partitions.length === 0) return;
    for (const tp of partitions) this.paused.delete(tpKey(tp.topic, tp.partition));
    this.whenRunning(() => this.consumer.resume(byTopic(partitions)));
  }

  seek(partition: TopicPartition, offset: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new Error(
        `${this.what}: seek to invalid offset ${offset} for ${partition.topic}[${partition.partition}]`,
      );
    }
    const seek = { topic: partition.topic, partition: partition.partition, offset };
    const key = tpKey(seek.topic, seek.partition);
    // Before the first assignment, or while kafkajs restarts, keep it for the next join.
    if (this.generations.current === 0 || this.crashed) {
      this.pendingSeeks.set(key, seek);
      return;
    }
    // kafkajs keeps a seek until it next fetches the partition, even in a later generation: a seek
    // of a partition this member does not own could move it when it comes back. Ignore those.
    if (!this.assigned.has(key)) {
      this.transport.log?.(
        'debug',
        `${this.what}: seek of ${seek.topic}[${seek.partition}] ignored: not assigned`,
      );
      return;
    }
    if (!this.whenRunning(() => this.consumer.seek({ ...seek, offset: String(offset) }))) {
      this.pendingSeeks.set(key, seek);
    }
  }

  assignment(): TopicPartition[] {
    return this.currentAssignment.map((tp) => ({ ...tp }));
  }

  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    const wasStarted = this.state !== 'idle';
    this.state = 'stopping';
    clearTimeout(this.rejoinTimer);
    this.stopping = (async () => {
      try {
        // kafkajs cannot stop a consumer whose run() is under way: let start() settle first.
        await this.starting?.catch(() => {});
        // Waits for the batch being handed over, leaves the group, closes the connections.
        if (wasStarted) await this.consumer.disconnect();
      } finally {
        this.state = 'stopped';
        this.forgetMember();
        this.stopListeningForOutOfRange();
        this.currentAssignment = [];
        this.assigned = new Set();
        for (const assignor of this.groupAssignors) assignor.left();
        const handlers = this.handlers;
        this.handlers = undefined;
        if (wasStarted && handlers?.onStopped) this.notify(() => handlers.onStopped?.());
      }
    })();
    return this.stopping;
  }

  /** Runs a kafkajs call that needs a running consumer; false when kafkajs is not running yet. */
  private whenRunning(call: () => void): boolean {
    try {
      call();
      return true;
    } catch (error) {
      if (isNotRunningYet(error)) return false;
      throw operationError(this.what, error);
    }
  }

  /**
   * kafkajs tells the group's generation id only in a debug entry of the sync that precedes each
   * GROUP_JOIN ('Received assignment', src/consumer/consumerGroup.js). With it, every member of a
   * group numbers a generation alike. When KAFKAJS_LOG_LEVEL holds kafkajs below debug, the entry
   * never comes and generations are counted locally (still increasing, but per member).
   */
  private tapLog(entry: LogEntry): void {
    if (entry.namespace !== 'ConsumerGroup' || entry.log.message !== 'Received assignment') return;
    const generationId: unknown = entry.log.generationId;
    if (typeof generationId === 'number') this.syncedGenerationId = generationId;
  }

  /** Runs the runtime's onRevoking before kafkajs rejoins the group (see kafkajs.ts). */
  private async beforeRejoin(): Promise<void> {
    const handlers = this.handlers;
    if (!handlers?.onRevoking || this.state !== 'running' || this.crashed) return;
    if (this.currentAssignment.length === 0) return;
    const generation = this.generations.current;
    try {
      await handlers.onRevoking(this.assignment(), generation);
    } catch (error) {
      this.transport.log?.('warn', `${this.what}: onRevoking(generation ${generation}) failed`, {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private forgetMember(): void {
    if (this.memberId !== undefined) setRevokeHook(this.options.groupId, this.memberId, undefined);
    this.memberId = undefined;
  }

  private onGroupJoin(event: ConsumerGroupJoinEvent): void {
    if (event.payload.memberId !== this.memberId) {
      this.forgetMember();
      this.memberId = event.payload.memberId;
      setRevokeHook(this.options.groupId, this.memberId, () => this.beforeRejoin());
    }
    const generation = this.generations.joined(this.syncedGenerationId);
    this.syncedGenerationId = undefined;
    this.crashed = false;
    this.outage.joined();
    const assignment = Object.entries(event.payload.memberAssignment)
      .flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition })))
      .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
    this.currentAssignment = assignment;
    this.assigned = new Set(assignment.map(({ topic, partition }) => tpKey(topic, partition)));
    // After a crash kafkajs rebuilds its group state and forgets pauses. Seeks made before the
    // assignment apply to the partitions it contains.
    if (this.paused.size > 0) this.whenRunning(() => this.consumer.pause(byTopic(this.paused.values())));
    for (const [key, seek] of this.pendingSeeks) {
      if (!this.assigned.has(key)) {
        this.pendingSeeks.delete(key);
      } else if (this.whenRunning(() => this.consumer.seek({ ...seek, offset: String(seek.offset) }))) {
        this.pendingSeeks.delete(key);
      }
    }
    this.transport.log?.('debug', `${this.what}: generation ${generation} assigned`, {
      generation,
      assignment: assignment.map(({ topic, partition }) => `${topic}[${partition}]`),
    });
    for (const assignor of this.groupAssignors) {
      assignor.joined({
        memberId: event.payload.memberId,
        generation,
        assignment: assignment.map((tp) => ({ ...tp })),
        topics: [...this.topics],
      });
    }
    const handlers = this.handlers;
    if (!handlers) return;
    const previous = this.assignedReady;
    this.assignedReady = previous.then(async () => {
      try {
        await handlers.onAssigned(
          assignment.map((tp) => ({ ...tp })),
          generation,
        );
      } catch (error) {
        this.transport.log?.('error', `${this.what}: onAssigned(generation ${generation}) failed`, {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    });
  }

  /**
   * kafkajs skips a fetched batch that holds only transaction markers or aborted records: it moves
   * its position past the batch without calling eachBatch, and reports that only through this
   * instrumentation event (batchSize 0). Pass the new position on (ConsumerHandlers.onPosition).
   */
  private onBatchProcessed(event: ConsumerEndBatchProcessEvent): void {
    const { topic, partition, batchSize, lastOffset } = event.payload;
    const handlers = this.handlers;
    if (batchSize !== 0 || !handlers?.onPosition || this.state !== 'running') return;
    if (!this.assigned.has(tpKey(topic, partition))) return;
    const nextOffset = Number(lastOffset) + 1;
    if (!Number.isSafeInteger(nextOffset)) return;
    try {
      handlers.onPosition({ topic, partition }, nextOffset);
    } catch (error) {
      this.fail(error);
    }
  }

  private onCrash(event: ConsumerCrashEvent): void {
    this.generations.fetchersStopped();
    this.crashed = true;
    const { error, restart } = event.payload;
    if (this.state === 'running') this.outage.failed();
    if (restart) {
      this.transport.log?.('warn', `${this.what}: kafkajs restarts the consumer after: ${error.message}`);
      return;
    }
    if (this.state === 'running' && isOutage(error) && !this.outage.exhausted) {
      this.rejoinLater(error);
      return;
    }
    const outage = this.outage.elapsedMs;
    const failure = operationError(
      outage > 0 && isOutage(error)
        ? `${this.what}: crashed and kafkajs gave up (no group join for ${seconds(outage)} s, ` +
            `longer than the ${seconds(this.outage.budgetMs)} s a consumer rides out)`
        : `${this.what}: crashed and kafkajs gave up`,
      error,
    );
    if (this.state === 'starting') {
      this.startError = failure;
      return;
    }
    if (this.state !== 'running') return;
    this.state = 'stopped';
    this.stopListeningForOutOfRange();
    this.stopping = Promise.resolve();
    this.forgetMember();
    this.currentAssignment = [];
    this.assigned = new Set();
    for (const assignor of this.groupAssignors) assignor.left();
    const handlers = this.handlers;
    this.handlers = undefined;
    this.notify(() => handlers?.onStopped?.(failure));
  }

  /** kafkajs gave up (and disconnected); within the outage budget we run it again, after a backoff. */
  private rejoinLater(error: Error): void {
    const delay = this.outage.nextDelayMs();
    this.transport.log?.(
      'warn',
      `${this.what}: kafkajs gave up after: ${error.message}; rejoining in ${delay} ms ` +
        `(${seconds(this.outage.elapsedMs)} s of the ${seconds(this.outage.budgetMs)} s a consumer rides out)`,
    );
    clearTimeout(this.rejoinTimer);
    this.rejoinTimer = setTimeout(() => {
      this.rejoinTimer = undefined;
      if (this.state !== 'running') return;
      // A failed join comes back through CRASH (run() resolves); anything else is a crash of ours.
      this.runKafka().catch((failure: unknown) =>
        this.onCrash({
          type: 'consumer.crash',
          id: '0',
          timestamp: Date.now(),
          payload: { error: asError(failure), groupId: this.options.groupId, restart: false },
        }),
      );
    }, delay);
  }

  /** The eachBatch handler: hands a batch to onBatch and moves kafkajs's fetch position past it. */
  private async onKafkaBatch({
    batch,
    resolveOffset,
    isRunning,
    isStale,
    heartbeat,
  }: EachBatchPayload): Promise<void> {
    const withheld = () =>
      (this.state !== 'running' && this.state !== 'starting') ||
      !isRunning() ||
      isStale() ||
      this.paused.has(tpKey(batch.topic, batch.partition));
    if (withheld()) return;
    const generation = this.generations.batchGeneration();
    if (generation === undefined) {
      this.transport.log?.(
        'debug',
        `${this.what}: withholding ${batch.topic}[${batch.partition}] fetched before a join`,
      );
      return;
    }
    await this.assignedReady;
    const handlers = this.handlers;
    if (
      !handlers ||
      withheld() ||
      this.generations.current !== generation ||
      !this.assigned.has(tpKey(batch.topic, batch.partition))
    ) {
      return;
    }
    const limit = this.options.maxPollRecords > 0 ? this.options.maxPollRecords : batch.messages.length;
    const taken = batch.messages.slice(0, limit);
    const last = taken[taken.length - 1];
    if (!last) return;
    let accepted: void | Promise<void>;
    try {
      accepted = handlers.onBatch(this.toBatch(batch, taken, generation));
    } catch (error) {
      this.fail(error);
      return;
    }
    if (accepted) {
      const settled = await this.awaitRoom(
        accepted,
        heartbeat,
        () => withheld() || this.generations.current !== generation,
      );
      if (settled === 'failed') return;
    }
    // A join while onBatch ran (kafkajs can re-join from another node's fetch) replaced kafkajs's
    // positions with the committed offsets; resolving now would skip this batch in the new generation.
    if (this.generations.current !== generation) return;
    // Past the last message handed over; the rest of a batch cut by maxPollRecords is fetched again.
    // A whole batch is resolved through its last offset: transaction markers after the last
    // message are part of it, and a fetch from the marker's own offset comes back empty in kafkajs,
    // so resolving only the last message would leave the position before the marker for good.
    const through = taken.length === batch.messages.length ? Number(batch.lastOffset()) : Number(last.offset);
    resolveOffset(String(through));
    if (through > Number(last.offset) && handlers.onPosition) {
      try {
        handlers.onPosition({ topic: batch.topic, partition: batch.partition }, through + 1);
      } catch (error) {
        this.fail(error);
      }
    }
  }

  /**
   * Back-pressure: the runtime's buffers are full, and kafkajs fetches the next batch only after
   * this one returns. Keeps the member alive with heartbeats while waiting; a heartbeat that
   * reports a rebalance is rethrown so kafkajs rejoins (the delivered messages belong to the old
   * generation and are dropped by the runtime). Stops waiting when the consumer stops.
   */
  private async awaitRoom(
    accepted: Promise<void>,
    heartbeat: () => Promise<void>,
    abandoned: () => boolean,
  ): Promise<'accepted' | 'abandoned' | 'failed'> {
    let done = false;
    let failed = false;
    accepted.then(
      () => {
        done = true;
      },
      (error: unknown) => {
        failed = true;
        this.fail(error);
      },
    );
    const tick = Math.max(50, Math.min(500, this.options.heartbeatIntervalMs / 2));
    for (;;) {
      await Promise.race([
        accepted.catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, tick)),
      ]);
      if (failed) return 'failed';
      if (done) return 'accepted';
      if (abandoned()) return 'abandoned';
      await heartbeat();
    }
  }

  private toBatch(batch: Batch, messages: KafkaMessage[], generation: number): MessageBatch {
    const { topic, partition } = batch;
    return {
      topic,
      partition,
      messages: messages.map((message) => toMessage(topic, partition, message)),
      highWatermark: batch.highWatermark === undefined ? -1 : Number(batch.highWatermark),
      generation,
    };
  }

  /** onBatch threw: a bug in the runtime. Stop for good and say why (not awaited: we are inside kafkajs). */
  private fail(error: unknown): void {
    const failure = operationError(`${this.what}: onBatch threw; the consumer stops`, error);
    this.transport.log?.('error', failure.message);
    const handlers = this.handlers;
    this.handlers = undefined;
    void this.stop()
      .catch(() => {})
      .then(() => this.notify(() => handlers?.onStopped?.(failure)));
  }

  private notify(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.transport.log?.('error', `${this.what}: onStopped threw`, {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
