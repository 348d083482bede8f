/**
 * TransportConsumer on librdkafka's native KafkaConsumer.
 *
 * One serial loop: consume(n) (a libuv worker polls librdkafka until n messages or a quiet
 * moment), hand the messages to onBatch per partition, then handle the rebalance events that
 * came meanwhile, then consume again. librdkafka's heartbeats run on its own threads; the loop
 * only has to poll within max.poll.interval.ms (brokerRebalanceTimeout), which it does even
 * while the runtime applies back-pressure (the partition is paused instead).
 *
 * Rebalances. With a rebalance callback registered, librdkafka waits for the application's
 * assign()/unassign() before it goes on, and pauses the old assignment meanwhile (its queued
 * messages are purged). The callback only queues the event; the loop, between two consume calls
 * (so no messages of the old assignment are in flight), calls onRevoking and awaits it while
 * commits of the old generation are still accepted, then unassigns; for an assignment it assigns
 * (with any seeks made before as start offsets) and calls onAssigned. Revoke callbacks come
 * before the partitions go: no "after the fact" onPartitionsRevoked as with kafkajs. Partitions
 * lost (session timeout, fenced) get no onRevoking: commits would fail anyway.
 *
 * Generations are the group's own generation ids (every member numbers them alike), read from
 * librdkafka's cgrp debug log line "JoinGroup response: GenerationId N"; the native binding has no
 * other way to tell them.
 *
 * Messages that come back from a consume call started before a pause() or seek() of their
 * partition are withheld; a withheld pause remembers the first withheld offset and resume()
 * seeks back to it, so nothing is skipped.
 */
import { type GroupAssignor, isGroupAssignor } from '../group-protocol.js';
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
import { type OutOfRangeFacts, decideOutOfRange } from '../kafka/offset-out-of-range.js';
import { SCHEME_LABEL, call, clientConfig, connectError, operationError } from './config.js';
import { memberClientId, rdGroupReader } from './group-reader.js';
import { connectTimeoutMs } from './producer.js';
import {
  type RdConfig,
  type RdError,
  type RdKafkaConsumer,
  type RdMessage,
  type RdMetadata,
  type RdTopicPartition,
  loadKafkaJavascript,
} from './native.js';
import { type OffsetReset, parseOffsetReset } from './offset-reset.js';

/** Longest wait of one consume call for its first message; then it returns what it has. */
export const CONSUME_WAIT_MS = 100;
/** Messages per consume call when maxPollRecords sets no bound. */
export const CONSUME_BATCH = 2000;
const MAX_BYTES_PER_PARTITION = 1024 * 1024;
const ERR_ASSIGN_PARTITIONS = -175;
/** librdkafka's ERR__AUTO_OFFSET_RESET: a partition's offset was reset (auto.offset.reset error). */
const ERR_AUTO_OFFSET_RESET = -140;
/** librdkafka's ERR__STATE: e.g. a seek of a partition whose fetching has not started. */
const ERR_STATE = -172;
/** How long a seek may take to be made (its callback says when it is). */
const SEEK_TIMEOUT_MS = 10_000;
/** Tries of a seek librdkafka answers with ERR__STATE. */
const SEEK_ATTEMPTS = 50;
/** How long the loop waits, without polling, for the runtime to make room before it pauses. */
export const ROOM_WAIT_MS = 200;
/** librdkafka's logical offsets. */
const OFFSET_BEGINNING = -2;
const OFFSET_END = -1;

type State = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

interface RebalanceEvent {
  kind: 'assign' | 'revoke';
  partitions: TopicPartition[];
  lost: boolean;
}

const tpKey = (topic: string, partition: number): string => `${partition}:${topic}`;
const fromKey = (key: string): TopicPartition => {
  const colon = key.indexOf(':');
  return { topic: key.slice(colon + 1), partition: Number(key.slice(0, colon)) };
};

interface RoomWait {
  key: string;
  tp: TopicPartition;
  accepted: Promise<void>;
  generation: number;
}

interface PendingCommit {
  offsets: CommitOffset[];
  resolve(): void;
  reject(error: Error): void;
}

const sameOffsets = (a: readonly CommitOffset[], b: readonly RdTopicPartition[]): boolean =>
  a.length === b.length &&
  a.every((x) => b.some((y) => y.topic === x.topic && y.partition === x.partition && y.offset === x.offset));

function toHeaders(headers: RdMessage['headers']): Headers {
  const result: Headers = {};
  if (!headers) return result;
  for (const entry of headers) {
    for (const [name, value] of Object.entries(entry)) {
      result[name] = Buffer.isBuffer(value) ? value : Buffer.from(value);
    }
  }
  return result;
}

function toMessage(message: RdMessage): Message {
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key: message.key ?? null,
    value: message.value ?? null,
    timestamp: message.timestamp ?? -1,
    headers: toHeaders(message.headers),
  };
}

const sortPartitions = (partitions: TopicPartition[]): TopicPartition[] =>
  [...partitions].sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
  );

export interface RdConsumerExtras {
  /** Static membership (group.instance.id). */
  groupInstanceId?: string;
  /** librdkafka partition.assignment.strategy, e.g. 'cooperative-sticky'; default 'range,roundrobin'. */
  assignmentStrategy?: string;
  /** Kafka 4's group protocol (KIP-848): 'consumer'; default 'classic'. */
  groupProtocol?: 'classic' | 'consumer';
}

export function consumerConfig(
  transport: TransportOptions,
  options: ConsumerOptions,
  extras: RdConsumerExtras,
): RdConfig {
  const classic = (extras.groupProtocol ?? 'classic') === 'classic';
  return {
    ...clientConfig(transport, options.clientId),
    'group.id': options.groupId,
    'enable.auto.commit': false,
    'enable.auto.offset.store': false,
    'enable.partition.eof': false,
    'allow.auto.create.topics': false,
    'isolation.level': 'read_committed',
    ...(classic
      ? {
          'session.timeout.ms': options.sessionTimeoutMs,
          'heartbeat.interval.ms': options.heartbeatIntervalMs,
          'partition.assignment.strategy': extras.assignmentStrategy ?? 'range,roundrobin',
        }
      : { 'group.protocol': 'consumer' }),
    // librdkafka's rebalance timeout is max.poll.interval.ms; it must not be below the session timeout.
    'max.poll.interval.ms': Math.max(options.rebalanceTimeoutMs, options.sessionTimeoutMs),
    'fetch.max.bytes': options.maxFetchBytes,
    'max.partition.fetch.bytes': Math.min(options.maxFetchBytes, MAX_BYTES_PER_PARTITION),
    'fetch.wait.max.ms': 500,
    ...(extras.groupInstanceId ? { 'group.instance.id': extras.groupInstanceId } : {}),
    // cgrp: for the generation ids (see the module comment); topic: for the resets librdkafka
    // leaves to the consumer (auto.offset.reset error), which it logs at debug level only.
    debug: resetsItself(options) ? 'cgrp' : 'cgrp,topic',
  };
}

/**
 * Whether librdkafka's own auto.offset.reset does what the consumer's out-of-range policy asks:
 * then librdkafka resets an out-of-range partition itself (the consumer only logs the offsets);
 * else auto.offset.reset is `error` and the consumer resets, or stops, the partition.
 */
export function resetsItself(options: ConsumerOptions): boolean {
  return (options.offsetOutOfRange ?? options.autoOffsetReset) === options.autoOffsetReset;
}

export class RdTransportConsumer implements TransportConsumer {
  private consumer: RdKafkaConsumer | undefined;
  private readonly topics = new Set<string>();
  private readonly what: string;
  private state: State = 'idle';
  private handlers: ConsumerHandlers | undefined;
  private currentAssignment: TopicPartition[] = [];
  private assigned = new Set<string>();
  private generation = 0;
  private joinedGeneration: number | undefined;
  private memberId = '';
  /**
   * faustgen's own group protocol (runtime/assignor) cannot run inside librdkafka: it is told of
   * every assignment and reads the group itself (group-reader.ts).
   */
  private readonly groupAssignors: GroupAssignor[];
  private readonly rebalances: RebalanceEvent[] = [];
  /** The handling of queued rebalance events, while under way. */
  private rebalancing: Promise<void> | undefined;
  /** A revoke librdkafka waits on: unassign() is still to be called (stop() does it, if need be). */
  private unassignDue: TopicPartition[] | undefined;
  /** commit() calls awaiting librdkafka's offset commit callback, in the order sent. */
  private readonly pendingCommits: PendingCommit[] = [];
  /** Paused by the runtime (pause()), kept across rebalances. */
  private readonly userPaused = new Map<string, TopicPartition>();
  /** Paused while onBatch's promise is pending (back-pressure); cleared by a rebalance. */
  private readonly heldBack = new Set<string>();
  /** First offset withheld from the runtime because the partition was paused; resume() seeks there. */
  private readonly rewinds = new Map<string, number>();
  /** Seeks before the partition is assigned: start offsets of the next assignment. */
  private readonly pendingSeeks = new Map<string, number>();
  /** Seeks asked for and not yet made (the loop makes them between two consume calls). */
  private readonly seeksDue = new Map<string, { tp: TopicPartition; offset: number; attempt: number }>();
  /**
   * Partitions of the assignment being handed out, not yet given to librdkafka: onAssigned comes
   * first, so that seeks it makes become start offsets (a seek right after assign() is unreliable).
   */
  private readonly assigning = new Set<string>();
  /** Partitions with a seek librdkafka has not confirmed yet: their position() is not to be trusted. */
  private readonly seeking = new Set<string>();
  /** Per partition, the count of seeks so far: a consume call started before a seek is stale for it. */
  private readonly seekCounts = new Map<string, number>();
  /** Last delivered or reported position per partition (onPosition). */
  private readonly positions = new Map<string, number>();
  private starting: Promise<void> | undefined;
  private loop: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private stopError: Error | undefined;

  constructor(
    private readonly transport: TransportOptions,
    private readonly options: ConsumerOptions,
    private readonly extras: RdConsumerExtras = {},
  ) {
    this.what = `${SCHEME_LABEL} consumer (group ${options.groupId})`;
    this.groupAssignors = (options.partitionAssigners ?? []).filter(isGroupAssignor);
    const reader = rdGroupReader(() => this.consumer, options.groupId, options.requestTimeoutMs);
    for (const assignor of this.groupAssignors) assignor.attachGroupReader(reader);
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
    this.starting = this.connectAndSubscribe();
    try {
      await this.starting;
    } finally {
      this.starting = undefined;
    }
  }

  private async connectAndSubscribe(): Promise<void> {
    const { KafkaConsumer } = loadKafkaJavascript();
    const consumer = new KafkaConsumer(
      {
        ...consumerConfig(this.transport, this.options, this.extras),
        // Other members read this member's URL here (group-reader.ts).
        'client.id': memberClientId(this.options.clientId, this.memberUrl()),
        rebalance_cb: (error: RdError, assignment: RdTopicPartition[]) => this.onRebalance(error, assignment),
        offset_commit_cb: (error: RdError | null, offsets: RdTopicPartition[]) =>
          this.committed(error, offsets),
      },
      { 'auto.offset.reset': resetsItself(this.options) ? this.options.autoOffsetReset : 'error' },
    );
    this.consumer = consumer;
    this.routeLogs(consumer);
    try {
      const metadata = await call<RdMetadata>((done) =>
        consumer.connect({ timeout: connectTimeoutMs(this.transport), allTopics: true }, done),
      ).catch((error: unknown) => {
        throw connectError(this.transport, `${this.what} connect`, error);
      });
      const existing = new Set(metadata.topics.map((topic) => topic.name));
      const missing = [...this.topics].filter((topic) => !existing.has(topic));
      if (missing.length > 0) {
        throw new Error(`${this.what}: cannot subscribe to ${missing.join(', ')}: no such topic`);
      }
      if (this.state !== 'starting') throw new Error(`${this.what}: stop() was called while starting`);
      consumer.setDefaultConsumeTimeout(CONSUME_WAIT_MS);
      (
        consumer as unknown as { setDefaultIsTimeoutOnlyForFirstMessage(on: boolean): void }
      ).setDefaultIsTimeoutOnlyForFirstMessage(true);
      consumer.subscribe([...this.topics]);
      this.state = 'running';
      this.loop = this.run(consumer);
    } catch (error) {
      if (this.state === 'starting') {
        this.state = 'stopped';
        this.handlers = undefined;
        if (consumer.isConnected()) await call((done) => consumer.disconnect(done)).catch(() => {});
      }
      throw error;
    }
  }

  private memberUrl(): string | undefined {
    for (const assignor of this.groupAssignors) {
      const url = assignor.memberUrl?.();
      if (url) return url;
    }
    return undefined;
  }

  private routeLogs(consumer: RdKafkaConsumer): void {
    const log = this.transport.log;
    consumer.on('event.log', (entry) => {
      if (entry.fac === 'OFFSET') {
        const reset = parseOffsetReset(entry.message);
        if (reset) this.onOffsetReset(reset);
      }
      if (entry.fac === 'JOINGROUP') {
        const joined = /JoinGroup response: GenerationId (-?\d+),.*my MemberId (\S+), .*: \(no error\)$/.exec(
          entry.message,
        );
        if (joined) {
          this.joinedGeneration = Number(joined[1]);
          this.memberId = joined[2]!;
        }
      }
      if (log && entry.severity < 7) {
        log(
          entry.severity <= 3 ? 'error' : entry.severity === 4 ? 'warn' : 'info',
          `${this.what}: ${entry.message}`,
        );
      }
    });
    consumer.on('event.error', (error) => {
      log?.(error.isFatal ? 'error' : 'debug', `${this.what}: ${error.message}`, { code: error.code });
    });
  }

  /**
   * librdkafka reset a partition's position (see offset-reset.ts). Out of range: log the offsets
   * involved and, where librdkafka left the partition stopped (auto.offset.reset error), apply the
   * consumer's policy. No committed offset where librdkafka was told `error`: start per
   * autoOffsetReset, as kafkajs does.
   */
  private onOffsetReset(reset: OffsetReset): void {
    const consumer = this.consumer;
    const tp = { topic: reset.topic, partition: reset.partition };
    if (!consumer || this.state !== 'running' || !this.assigned.has(tpKey(tp.topic, tp.partition))) return;
    const stopped = reset.resetTo === 'INVALID';
    if (reset.outOfRange) {
      void this.decideOutOfRange(consumer, tp, reset.fetchOffset ?? -1, stopped);
    } else if (stopped) {
      this.seekNative(
        consumer,
        tp,
        this.options.autoOffsetReset === 'earliest' ? OFFSET_BEGINNING : OFFSET_END,
      );
    }
  }

  private async decideOutOfRange(
    consumer: RdKafkaConsumer,
    tp: TopicPartition,
    fetchOffset: number,
    stopped: boolean,
  ): Promise<void> {
    const policy = this.options.offsetOutOfRange ?? this.options.autoOffsetReset;
    const timeout = this.options.requestTimeoutMs;
    try {
      const [committed, watermarks] = await Promise.all([
        call<RdTopicPartition[]>((done) => consumer.committed([tp], timeout, done)),
        call<{ lowOffset: number; highOffset: number }>((done) =>
          consumer.queryWatermarkOffsets(tp.topic, tp.partition, timeout, done),
        ),
      ]);
      const facts: OutOfRangeFacts = {
        ...tp,
        fetchOffset,
        committedOffset: committed[0]?.offset,
        low: Number(watermarks.lowOffset),
        high: Number(watermarks.highOffset),
      };
      const decision = decideOutOfRange(facts, policy);
      this.transport.log?.('error', `${this.what}: Offset out of range: ${decision.message}`, {
        ...facts,
        policy,
      });
      if (!stopped || this.state !== 'running' || !this.assigned.has(tpKey(tp.topic, tp.partition))) return;
      if (decision.action === 'reset') this.seekNative(consumer, tp, decision.offset);
      else if (decision.action === 'retry') this.seekNative(consumer, tp, fetchOffset);
    } catch (error) {
      this.transport.log?.(
        'warn',
        `${this.what}: ${tp.topic}[${tp.partition}]: fetch offset ${fetchOffset} is out of range`,
        {
          error: error instanceof Error ? error.message : String(error),
        },
      );
    }
  }

  /** librdkafka's rebalance callback: queue for the loop, or while stopping, let go at once. */
  private onRebalance(error: RdError, assignment: RdTopicPartition[]): void {
    const consumer = this.consumer;
    if (!consumer) return;
    const kind = error.code === ERR_ASSIGN_PARTITIONS ? 'assign' : 'revoke';
    const partitions = assignment.map(({ topic, partition }) => ({ topic, partition }));
    if (this.state !== 'running') {
      try {
        if (kind === 'revoke') this.unassign(consumer, partitions);
        else if (consumer.rebalanceProtocol() === 'COOPERATIVE') consumer.incrementalAssign(partitions);
        else consumer.assign(partitions);
      } catch {
        // Closing: librdkafka may refuse once the handle goes.
      }
      return;
    }
    if (kind === 'revoke') this.unassignDue = partitions;
    this.rebalances.push({ kind, partitions, lost: kind === 'revoke' && consumer.assignmentLost() });
  }

  private unassign(consumer: RdKafkaConsumer, partitions: TopicPartition[]): void {
    if (consumer.rebalanceProtocol() === 'COOPERATIVE') consumer.incrementalUnassign(partitions);
    else consumer.unassign();
  }

  private async run(consumer: RdKafkaConsumer): Promise<void> {
    const count = this.options.maxPollRecords > 0 ? this.options.maxPollRecords : CONSUME_BATCH;
    try {
      while (this.state === 'running') {
        if (!this.rebalancing && this.rebalances.length > 0) {
          this.rebalancing = this.handleRebalances(consumer)
            .catch((error: unknown) => this.crash(error, 'rebalance failed'))
            .finally(() => {
              this.rebalancing = undefined;
            });
        }
        this.applyDueSeeks(consumer);
        const seeksBefore = new Map(this.seekCounts);
        let messages: RdMessage[];
        try {
          messages = await call<RdMessage[]>((done) => consumer.consume(count, done));
        } catch (error) {
          const rdError = error as Partial<RdError>;
          if (rdError.isFatal) throw operationError(`${this.what}: fatal error`, error);
          // An offset reset is handled from librdkafka's log line (onOffsetReset), which names the partition.
          const level = rdError.code === ERR_AUTO_OFFSET_RESET ? 'debug' : 'warn';
          this.transport.log?.(level, `${this.what}: consume: ${rdError.message ?? String(error)}`, {
            code: rdError.code,
          });
          continue;
        }
        if (this.state !== 'running') break;
        if (messages.length > 0) {
          const waits = this.deliver(consumer, messages, seeksBefore);
          if (waits.length > 0) await this.waitForRoom(consumer, waits);
        }
        if (!this.rebalancing) this.reportPositions(consumer);
      }
    } catch (error) {
      this.crash(error);
    }
  }

  /**
   * Handles queued rebalance events one after another while the loop keeps polling (librdkafka
   * serves commit results only while polled, and onRevoking commits). Messages that come
   * meanwhile are withheld and fetched again once the rebalance is handled.
   */
  private async handleRebalances(consumer: RdKafkaConsumer): Promise<void> {
    while (this.rebalances.length > 0 && this.state === 'running') {
      await this.rebalance(consumer, this.rebalances.shift()!);
    }
    if (this.state !== 'running') return;
    for (const key of [...this.rewinds.keys()]) {
      if (this.assigned.has(key)) this.resumeNative(consumer, key);
      else this.rewinds.delete(key);
    }
  }

  private async rebalance(consumer: RdKafkaConsumer, event: RebalanceEvent): Promise<void> {
    const handlers = this.handlers;
    if (event.kind === 'revoke') {
      if (!event.lost && handlers?.onRevoking && this.currentAssignment.length > 0) {
        try {
          await handlers.onRevoking(sortPartitions(event.partitions), this.generation);
        } catch (error) {
          this.transport.log?.('warn', `${this.what}: onRevoking(generation ${this.generation}) failed`, {
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      if (this.state !== 'running') return;
      const gone = new Set(event.partitions.map(({ topic, partition }) => tpKey(topic, partition)));
      // librdkafka keeps a partition's pause across assignments: one held back (not paused by the
      // runtime) would never be fetched again when it comes back.
      const held = [...gone].filter((key) => this.heldBack.has(key) && !this.userPaused.has(key));
      if (held.length > 0) consumer.resume(held.map(fromKey));
      this.unassign(consumer, event.partitions);
      this.unassignDue = undefined;
      this.setAssignment(
        this.currentAssignment.filter(({ topic, partition }) => !gone.has(tpKey(topic, partition))),
      );
      for (const key of gone) this.forgetPartition(key);
      return;
    }
    const cooperative = consumer.rebalanceProtocol() === 'COOPERATIVE';
    const retained = cooperative ? this.currentAssignment : [];
    const assignment = cooperative ? [...this.currentAssignment, ...event.partitions] : event.partitions;
    this.setAssignment(sortPartitions(assignment));
    for (const { topic, partition } of event.partitions) this.assigning.add(tpKey(topic, partition));
    // Held back in the old generation (a cooperative rebalance keeps them): fetched again below.
    const held = [...this.heldBack];
    this.heldBack.clear();
    for (const key of held) this.resumeNative(consumer, key);
    const joined = this.joinedGeneration;
    this.generation = joined !== undefined && joined > this.generation ? joined : this.generation + 1;
    const generation = this.generation;
    this.transport.log?.('debug', `${this.what}: generation ${generation} assigned`, {
      generation,
      assignment: this.currentAssignment.map(({ topic, partition }) => `${topic}[${partition}]`),
    });
    for (const assignor of this.groupAssignors) {
      assignor.joined({
        memberId: this.memberId,
        generation,
        assignment: this.assignment(),
        topics: [...this.topics],
      });
    }
    if (handlers) {
      try {
        await handlers.onAssigned(this.assignment(), generation);
      } catch (error) {
        this.transport.log?.('error', `${this.what}: onAssigned(generation ${generation}) failed`, {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (this.state !== 'running') return;
    // Now librdkafka's part: start offsets from seeks made before (or in onAssigned), then pauses.
    const start = event.partitions.map(({ topic, partition }) => {
      const key = tpKey(topic, partition);
      const offset = this.pendingSeeks.get(key);
      return offset === undefined ? { topic, partition } : { topic, partition, offset };
    });
    this.pendingSeeks.clear();
    this.assigning.clear();
    if (cooperative) consumer.incrementalAssign(start);
    else consumer.assign(start);
    const paused = [...this.userPaused.values()].filter(({ topic, partition }) =>
      this.assigned.has(tpKey(topic, partition)),
    );
    if (paused.length > 0) consumer.pause(paused);
    // A cooperative rebalance keeps these partitions fetching, but onAssigned made the runtime drop
    // what it held of the old generation: fetch them again from the committed offsets.
    if (retained.length > 0) await this.rewindToCommitted(consumer, retained);
  }

  private async rewindToCommitted(consumer: RdKafkaConsumer, partitions: TopicPartition[]): Promise<void> {
    const committed = await call<RdTopicPartition[]>((done) =>
      consumer.committed(partitions, this.options.requestTimeoutMs, done),
    );
    const reset = this.options.autoOffsetReset === 'earliest' ? OFFSET_BEGINNING : OFFSET_END;
    for (const { topic, partition, offset } of committed) {
      if (!this.assigned.has(tpKey(topic, partition))) continue;
      this.rewinds.delete(tpKey(topic, partition));
      this.seekNative(consumer, { topic, partition }, offset !== undefined && offset >= 0 ? offset : reset);
    }
  }

  private setAssignment(assignment: TopicPartition[]): void {
    this.currentAssignment = assignment.map(({ topic, partition }) => ({ topic, partition }));
    this.assigned = new Set(assignment.map(({ topic, partition }) => tpKey(topic, partition)));
  }

  private forgetPartition(key: string): void {
    this.seeking.delete(key);
    this.heldBack.delete(key);
    this.rewinds.delete(key);
    this.positions.delete(key);
  }

  /** Hands a consume call's messages to onBatch, one batch per partition, in offset order. */
  private deliver(
    consumer: RdKafkaConsumer,
    messages: RdMessage[],
    seeksBefore: Map<string, number>,
  ): RoomWait[] {
    const waits: RoomWait[] = [];
    const byPartition = new Map<string, RdMessage[]>();
    for (const message of messages) {
      const key = tpKey(message.topic, message.partition);
      let list = byPartition.get(key);
      if (!list) {
        list = [];
        byPartition.set(key, list);
      }
      list.push(message);
    }
    const generation = this.generation;
    for (const [key, list] of byPartition) {
      const handlers = this.handlers;
      if (!handlers || this.state !== 'running') return waits;
      if (!this.assigned.has(key)) continue;
      if ((this.seekCounts.get(key) ?? 0) !== (seeksBefore.get(key) ?? 0)) continue;
      const first = list[0]!;
      if (this.rebalancing || this.userPaused.has(key) || this.heldBack.has(key)) {
        if (!this.rewinds.has(key)) this.rewinds.set(key, first.offset);
        continue;
      }
      const last = list[list.length - 1]!;
      const { topic, partition } = first;
      const batch: MessageBatch = {
        topic,
        partition,
        messages: list.map(toMessage),
        highWatermark: this.highWatermark(consumer, topic, partition, last.offset + 1),
        generation,
      };
      this.positions.set(key, last.offset + 1);
      let accepted: void | Promise<void>;
      try {
        accepted = handlers.onBatch(batch);
      } catch (error) {
        this.crash(error, 'onBatch threw');
        return waits;
      }
      if (accepted) waits.push({ key, tp: { topic, partition }, accepted, generation });
    }
    return waits;
  }

  /**
   * Back-pressure, first step: wait a moment for the runtime to make room, without polling (a
   * pause would purge librdkafka's prefetched messages, fetched again on resume). Partitions
   * still full after that are paused (holdBack), and the loop polls on.
   */
  private async waitForRoom(consumer: RdKafkaConsumer, waits: RoomWait[]): Promise<void> {
    const settled = waits.map(() => false);
    waits.forEach((wait, index) => {
      wait.accepted.then(
        () => {
          settled[index] = true;
        },
        (error: unknown) => {
          settled[index] = true;
          this.crash(error, 'onBatch rejected');
        },
      );
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(waits.map((wait) => wait.accepted)),
      new Promise((resolve) => {
        timer = setTimeout(resolve, ROOM_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    waits.forEach((wait, index) => {
      if (!settled[index] && this.state === 'running') {
        this.holdBack(consumer, wait.key, wait.tp, wait.accepted, wait.generation);
      }
    });
  }

  private highWatermark(
    consumer: RdKafkaConsumer,
    topic: string,
    partition: number,
    atLeast: number,
  ): number {
    try {
      const { highOffset } = (
        consumer as unknown as { getWatermarkOffsets(t: string, p: number): { highOffset: number } }
      ).getWatermarkOffsets(topic, partition);
      return Math.max(Number(highOffset), atLeast);
    } catch {
      return atLeast;
    }
  }

  /** Back-pressure: pause the partition until the runtime has room (or a rebalance or stop comes). */
  private holdBack(
    consumer: RdKafkaConsumer,
    key: string,
    tp: TopicPartition,
    accepted: Promise<void>,
    generation: number,
  ): void {
    this.heldBack.add(key);
    consumer.pause([tp]);
    accepted.then(
      () => {
        if (this.state !== 'running' || this.generation !== generation || !this.heldBack.has(key)) return;
        this.heldBack.delete(key);
        this.resumeNative(consumer, key);
      },
      (error: unknown) => this.crash(error, 'onBatch rejected'),
    );
  }

  /** Resumes fetching a partition unless the runtime paused it; seeks back over withheld messages. */
  private resumeNative(consumer: RdKafkaConsumer, key: string): void {
    if (this.userPaused.has(key) || this.heldBack.has(key) || !this.assigned.has(key)) return;
    if (this.assigning.has(key)) return;
    const tp = fromKey(key);
    const rewind = this.rewinds.get(key);
    this.rewinds.delete(key);
    consumer.resume([tp]);
    if (rewind !== undefined) this.seekNative(consumer, tp, rewind);
  }

  /**
   * Seeks are made by the loop between two consume calls (applyDueSeeks), never while one is in
   * flight: what that call returns for the partition was then fetched before the seek, and is
   * dropped (seekCounts), while every later call returns only what the seek fetched. A seek right
   * after assign() may come before librdkafka fetches the partition and be answered with
   * ERR__STATE (though sometimes applied all the same): it is made again at the next turn.
   */
  private seekNative(_consumer: RdKafkaConsumer, tp: TopicPartition, offset: number, attempt = 1): void {
    const key = tpKey(tp.topic, tp.partition);
    this.seekCounts.set(key, (this.seekCounts.get(key) ?? 0) + 1);
    this.positions.delete(key);
    this.seeking.add(key);
    this.seeksDue.set(key, { tp, offset, attempt });
  }

  private applyDueSeeks(consumer: RdKafkaConsumer): void {
    if (this.seeksDue.size === 0) return;
    const due = [...this.seeksDue.values()];
    this.seeksDue.clear();
    for (const { tp, offset, attempt } of due) {
      const key = tpKey(tp.topic, tp.partition);
      if (!this.assigned.has(key)) continue;
      const count = this.seekCounts.get(key);
      // With a timeout the callback comes once librdkafka made the seek (and reset its position).
      consumer.seek({ ...tp, offset }, SEEK_TIMEOUT_MS, (error) => {
        if (this.seekCounts.get(key) === count && !error) this.seeking.delete(key);
        if (!error || this.state !== 'running' || this.seekCounts.get(key) !== count) return;
        if (error.code === ERR_STATE && attempt < SEEK_ATTEMPTS) {
          this.seekNative(consumer, tp, offset, attempt + 1);
          return;
        }
        this.transport.log?.(
          'warn',
          `${this.what}: seek of ${tp.topic}[${tp.partition}] to ${offset} failed`,
          {
            error: error.message,
            attempt,
          },
        );
      });
    }
  }

  /** onPosition: librdkafka moved past offsets without messages (transaction markers, aborted records). */
  private reportPositions(consumer: RdKafkaConsumer): void {
    const onPosition = this.handlers?.onPosition;
    if (!onPosition || this.currentAssignment.length === 0) return;
    let positions: RdTopicPartition[];
    try {
      positions = (consumer as unknown as { position(tps: TopicPartition[]): RdTopicPartition[] }).position(
        this.currentAssignment,
      );
    } catch {
      return;
    }
    for (const { topic, partition, offset } of positions) {
      if (offset === undefined || offset < 0) continue;
      const key = tpKey(topic, partition);
      // Until librdkafka has made a seek, position() may still answer the position before it.
      if (this.seeking.has(key)) continue;
      const known = this.positions.get(key);
      // The first known position counts too: a partition holding only transaction markers shows
      // no message at all, only a position past them.
      if (known !== undefined && offset <= known) continue;
      this.positions.set(key, offset);
      if (this.userPaused.has(key) || this.heldBack.has(key)) continue;
      try {
        onPosition({ topic, partition }, offset);
      } catch (error) {
        this.crash(error, 'onPosition threw');
        return;
      }
    }
  }

  async commit(offsets: CommitOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const consumer = this.consumer;
    if (this.state !== 'running' || !consumer) throw new Error(`${this.what}: commit while ${this.state}`);
    const generation = this.generation;
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
    const sent = offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset }));
    try {
      // commitCb() of the binding resolves once the commit is queued, not done: wait for the result.
      await new Promise<void>((resolve, reject) => {
        consumer.commit(sent);
        this.pendingCommits.push({ offsets: sent, resolve, reject });
      });
    } catch (error) {
      throw operationError(`${this.what}: commit in generation ${generation} failed`, error);
    }
  }

  /** librdkafka's offset commit callback (served while the loop polls). */
  private committed(error: RdError | null | undefined, offsets: RdTopicPartition[] | undefined): void {
    const reported = offsets ?? [];
    let index = this.pendingCommits.findIndex((pending) => sameOffsets(pending.offsets, reported));
    if (index < 0) index = 0;
    const [pending] = this.pendingCommits.splice(index, 1);
    if (!pending) return;
    const failed = error ?? reported.find((tp) => tp.error)?.error;
    if (failed) pending.reject(failed);
    else pending.resolve();
  }

  pause(partitions: TopicPartition[]): void {
    if (partitions.length === 0) return;
    const active: TopicPartition[] = [];
    for (const tp of partitions) {
      const key = tpKey(tp.topic, tp.partition);
      if (this.userPaused.has(key)) continue;
      this.userPaused.set(key, { topic: tp.topic, partition: tp.partition });
      if (this.assigned.has(key) && !this.heldBack.has(key) && !this.assigning.has(key)) active.push(tp);
    }
    if (active.length > 0 && this.consumer && this.state === 'running') this.consumer.pause(active);
  }

  resume(partitions: TopicPartition[]): void {
    const consumer = this.consumer;
    for (const tp of partitions) {
      const key = tpKey(tp.topic, tp.partition);
      if (!this.userPaused.delete(key)) continue;
      if (consumer && this.state === 'running') this.resumeNative(consumer, key);
    }
  }

  seek(partition: TopicPartition, offset: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new Error(
        `${this.what}: seek to invalid offset ${offset} for ${partition.topic}[${partition.partition}]`,
      );
    }
    const key = tpKey(partition.topic, partition.partition);
    const consumer = this.consumer;
    if (this.assigning.has(key)) {
      this.pendingSeeks.set(key, offset);
      return;
    }
    if (!consumer || this.state !== 'running' || !this.assigned.has(key)) {
      if (this.generation === 0) this.pendingSeeks.set(key, offset);
      else
        this.transport.log?.(
          'debug',
          `${this.what}: seek of ${partition.topic}[${partition.partition}] ignored: not assigned`,
        );
      return;
    }
    this.rewinds.delete(key);
    this.seekNative(consumer, { topic: partition.topic, partition: partition.partition }, offset);
  }

  assignment(): TopicPartition[] {
    return this.currentAssignment.map((tp) => ({ ...tp }));
  }

  get groupId(): string {
    return this.options.groupId;
  }

  /**
   * The native handle whose group metadata a transaction's offsets carry (KIP-447); undefined
   * unless connected and still in the generation last reported to the runtime: once librdkafka
   * joined a newer one (after its session ran out, say) its metadata would pass offsets of work
   * done in the old generation, which the new owners may be doing again.
   */
  groupMetadataSource(): RdKafkaConsumer | undefined {
    const moved = this.joinedGeneration !== undefined && this.joinedGeneration !== this.generation;
    return this.consumer?.isConnected() && !moved ? this.consumer : undefined;
  }

  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    const wasStarted = this.state !== 'idle';
    this.state = 'stopping';
    this.stopping = (async () => {
      try {
        await this.starting?.catch(() => {});
        await this.loop;
        await this.rebalancing;
        const consumer = this.consumer;
        if (consumer && this.unassignDue) {
          try {
            this.unassign(consumer, this.unassignDue);
          } catch {
            // Closing anyway.
          }
          this.unassignDue = undefined;
        }
        if (consumer?.isConnected()) {
          // close(): a dynamic member leaves the group (its revoke callback unassigns at once);
          // a static one (group.instance.id) stays until the session timeout.
          await call((done) => consumer.disconnect(done)).catch((error: unknown) => {
            this.transport.log?.(
              'warn',
              `${this.what}: disconnect: ${error instanceof Error ? error.message : error}`,
            );
          });
        }
      } finally {
        this.state = 'stopped';
        this.setAssignment([]);
        for (const assignor of this.groupAssignors) assignor.left();
        for (const pending of this.pendingCommits.splice(0)) {
          pending.reject(new Error(`${this.what}: stopped before the commit was confirmed`));
        }
        const handlers = this.handlers;
        this.handlers = undefined;
        if (wasStarted && handlers?.onStopped) this.notify(() => handlers.onStopped?.(this.stopError));
      }
    })();
    return this.stopping;
  }

  /** A fatal librdkafka error or a runtime handler that threw: stop for good and say why. */
  private crash(error: unknown, what = 'crashed'): void {
    if (this.stopError || this.stopping) return;
    this.stopError = operationError(`${this.what}: ${what}; the consumer stops`, error);
    this.transport.log?.('error', this.stopError.message);
    // Not awaited: we may be inside the loop, which stop() waits for.
    void this.stop();
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
