import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { Agent } from '../agents/agent.js';
import type { MessageRef } from '../streams/event.js';
import type { Topic } from '../channels/topic.js';
import { CommitManager } from '../commit/commit-manager.js';
import type { Logger } from '../core/logging/index.js';
import type { Sensors } from '../core/sensor.js';
import type { StreamBuffer } from '../streams/buffer.js';
import { Conductor } from '../streams/conductor.js';
import { ProducerBuffer, SIDE_BY_SIDE_REQUESTS } from '../transport/producer-buffer.js';
import type {
  ConsumerPurpose,
  MessageBatch,
  TopicPartition,
  TopicSpec,
  Transport,
  TransportAdmin,
  TransportConsumer,
  TransportProducer,
} from '../transport/types.js';
import { Connections } from './connections.js';
import { DeadLetters, deadLetterTopicName } from './dead-letter.js';
import {
  AppProducer,
  type AppProducerOptions,
  type MessageSender,
  type ProducedMessage,
} from './producer.js';
import { type BootMode, type BootSwitches, type LifecycleHooks, runsIn } from '../core/lifecycle.js';
import type { Settings } from '../core/settings/index.js';
import { StallWatch } from './stall-watch.js';
import { ExactlyOnce } from './exactly-once/transactions.js';
import { chooseLayout } from './exactly-once/layout.js';
import { checkRecordLimits } from './record-limits.js';
import type { StalledPartition } from '../sensors/stall-detector.js';

/** What the engine reads from its app. */
export interface EngineApp {
  readonly appId: string;
  readonly conf: Settings;
  readonly logger: Logger;
  topics(): Topic<unknown, unknown>[];
  agents(): Agent<unknown, unknown, unknown>[];
  lifecycles(): LifecycleHooks[];
  /** Which Kafka clients this run starts (Faust's BootStrategy). */
  bootSwitches?(): BootSwitches;
  /** Told what happens in the worker (the Monitor among them). */
  readonly sensors?: Sensors;
  /** The onProduceMessage hook, when anyone listens. */
  readonly beforeProduce: ((message: ProducedMessage) => void) | undefined;
  /** Called after every rebalance, once the runtime's own parts took the new assignment. */
  rebalanced(assignment: TopicPartition[], generation: number): Promise<void>;
  /** The worker consumer's custom assignment protocols (the faustgen assignor). */
  partitionAssigners?(): unknown[];
}

export type EngineMode = BootMode;

/** How often a revocation checks whether in-flight events have finished. */
const REVOKE_POLL_MS = 5;

/** The sender of a run whose boot strategy turned the Kafka producer off. */
const DISABLED_SENDER: MessageSender = {
  send: (message) => {
    throw new Error(
      `cannot send to ${message.topic}: the Kafka producer is off in this app's boot strategy (enableKafkaProducer: false)`,
    );
  },
  flush: () => Promise.resolve(),
};

/**
 * The machinery of a running app: transport, producer, consumer, conductor, commits and dead
 * letters. `start('worker')` consumes; `start('producer')` only produces (for `send`, RPC callers).
 */
export class Engine {
  readonly conductor: Conductor;
  private transport: Transport | undefined;
  private admin: TransportAdmin | undefined;
  private sender: ProducerBuffer | undefined;
  private rawProducer: TransportProducer | undefined;
  private mainConsumer: TransportConsumer | undefined;
  private readonly connections: Connections;
  private producerHandle: AppProducer | undefined;
  private deadLetterHandle: DeadLetters | undefined;
  private commits: CommitManager | undefined;
  /** With processingGuarantee exactly_once: the transactions (they commit instead of `commits`). */
  private eos: ExactlyOnce | undefined;
  private readonly abortSettlers: (() => Promise<void>)[] = [];
  private stallWatch: StallWatch | undefined;
  private readonly declared = new Set<string>();
  private state: 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' = 'idle';
  private crashHandler: ((error: Error) => void) | undefined;
  private mode: BootMode = 'worker';
  private readonly readyGates: (() => Promise<void>)[] = [];
  private readonly deliveryGates: ((partition: TopicPartition) => Promise<void> | undefined)[] = [];
  private readySignal: { promise: Promise<void>; resolve: () => void };
  private isReady = false;

  constructor(private readonly app: EngineApp) {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    this.readySignal = { promise, resolve };
    const conf = app.conf;
    this.connections = new Connections(conf, app.logger);
    this.conductor = new Conductor({
      maxsize: conf.streamBufferMaxsize,
      onAck: () => (this.eos ? this.eos.noteAck() : this.commits?.noteAck()),
      commits: (topic) => this.topicByName(topic)?.commits ?? true,
      sensors: app.sensors,
      onRewind: (topic, partition, from, lastDelivered) =>
        app.logger.warn(
          `${topic}[${partition}]: the consumer's position moved back to ${from} (offsets up to ${lastDelivered} ` +
            'were delivered already) without a rebalance; tracking starts over there and those events are processed again',
        ),
    });
  }

  get producer(): AppProducer {
    if (!this.producerHandle) throw new Error(`app ${this.app.appId} is not started: call app.start() first`);
    return this.producerHandle;
  }

  get deadLetters(): DeadLetters {
    if (!this.deadLetterHandle) throw new Error(`app ${this.app.appId} is not started`);
    return this.deadLetterHandle;
  }

  get running(): boolean {
    return this.state === 'running';
  }

  get transportAdmin(): TransportAdmin {
    if (!this.admin) throw new Error(`app ${this.app.appId} is not started`);
    return this.admin;
  }

  /** Resolves when the worker is ready (first assignment handled, every ready gate open). */
  whenReady(): Promise<void> {
    return this.readySignal.promise;
  }

  get ready(): boolean {
    return this.isReady;
  }

  /** Something the worker waits for after its first assignment before it is ready (table recovery). */
  addReadyGate(gate: () => Promise<void>): void {
    this.readyGates.push(gate);
  }

  /**
   * Something that must happen before fetched messages of a partition reach the streams (table
   * recovery of that partition, changelog back-pressure). While `gate` returns a promise for a
   * batch's partition, the batch waits for it: the transport fetches no more of that partition
   * meanwhile and keeps the member alive, as with full stream buffers.
   */
  addDeliveryGate(gate: (partition: TopicPartition) => Promise<void> | undefined): void {
    this.deliveryGates.push(gate);
  }

  /**
   * Something that must run after a transaction was aborted and before its sends' receipts reject
   * (exactly_once): the tables store what earlier commits made durable first.
   */
  addAbortSettler(settler: () => Promise<void>): void {
    this.abortSettlers.push(settler);
  }

  /** Hands a fetched batch to the conductor once every delivery gate lets it through. */
  private deliver(batch: MessageBatch): void | Promise<void> {
    for (const gate of this.deliveryGates) {
      const held = gate(batch);
      if (held) return held.then(() => (this.state === 'running' ? this.deliver(batch) : undefined));
    }
    const eos = this.eos;
    if (eos) {
      const held = eos.hold(batch);
      if (held) return held.then(() => (this.state === 'running' ? this.deliver(batch) : undefined));
      if (!eos.admit(batch)) return;
    }
    return this.conductor.deliver(batch);
  }

  /** A consumer of a group of its own (changelog reader, RPC replies), connected as the worker's. */
  consumer(purpose: ConsumerPurpose): TransportConsumer {
    return this.connections.consumer(purpose);
  }

  /** Assigned partitions with lag that make no progress (consumerStallTimeout). */
  stalledPartitions(): StalledPartition[] {
    return this.stallWatch?.stalled() ?? [];
  }

  onCrash(handler: (error: Error) => void): void {
    this.crashHandler = handler;
  }

  subscribe(topic: string, partitions?: ReadonlySet<number>): StreamBuffer<MessageRef> {
    if (this.mainConsumer && !this.conductor.topics().includes(topic)) {
      this.app.logger.warn(
        `topic ${topic} was subscribed after the worker started; its messages are not fetched until the next start`,
      );
    }
    return this.conductor.subscribe(topic, partitions);
  }

  unsubscribe(buffer: StreamBuffer<MessageRef>): void {
    this.conductor.unsubscribe(buffer);
  }

  async start(mode: EngineMode): Promise<void> {
    if (this.state !== 'idle') throw new Error(`app ${this.app.appId} was already started`);
    this.state = 'starting';
    this.mode = mode;
    const { conf, logger } = this.app;
    const transport = this.connections.transport();
    this.transport = transport;
    this.admin = transport.createAdmin();
    const rawProducer = transport.createProducer(this.connections.producerOptions());
    const boot = this.app.bootSwitches?.() ?? { kafkaProducer: true, kafkaConsumer: true };
    let sender: MessageSender = DISABLED_SENDER;
    if (boot.kafkaProducer) {
      await rawProducer.connect();
      this.rawProducer = rawProducer;
      this.sender = new ProducerBuffer(rawProducer, {
        lingerSeconds: conf.producerLinger,
        maxBatchBytes: conf.producerMaxBatchSize,
        maxRequestSize: conf.producerMaxRequestSize,
        maxRequestsInFlight: SIDE_BY_SIDE_REQUESTS,
      });
      sender = this.sender;
      if (mode === 'worker' && conf.processingGuarantee === 'exactly_once')
        sender = this.exactlyOnce(transport, this.sender);
    }
    this.producerHandle = new AppProducer({
      sender,
      admin: this.admin,
      partitioner: conf.producerPartitioner ?? undefined,
      maxOutstanding: 100_000,
      maxRequestSize: conf.producerMaxRequestSize,
      onFatal: (error) => this.crash(error),
      beforeProduce: this.app.beforeProduce,
      ...this.sendSensors(),
    });
    this.deadLetterHandle = new DeadLetters({
      appId: this.app.appId,
      producer: this.producerHandle,
      logger,
      enabledFor: (topic) => this.topicByName(topic)?.deadLetterEnabled ?? conf.deadLetter,
    });
    await this.declareTopics();
    if (boot.kafkaProducer) {
      void checkRecordLimits({
        admin: this.admin,
        producerMaxRequestSize: conf.producerMaxRequestSize,
        logger,
      });
    }
    for (const hooks of this.hooks()) await hooks.onStart?.();
    if (mode !== 'worker') {
      await this.declareTopics();
      this.state = 'running';
      await this.becomeReady();
      return;
    }
    for (const agent of this.app.agents()) agent.start();
    // Let agents run up to their first await, so operators like groupBy() register their topics.
    await nextTurn();
    await nextTurn();
    await this.declareTopics();
    const topics = this.conductor.topics();
    this.state = 'running';
    const consumes = this.app.bootSwitches?.().kafkaConsumer ?? true;
    if (topics.length > 0 && consumes) await this.startConsumer(topics);
    else await this.becomeReady();
  }

  /** The transactions of exactly_once processing, in front of the plain sender. */
  private exactlyOnce(transport: Transport, plain: ProducerBuffer): ExactlyOnce {
    const { conf, logger } = this.app;
    const producerOptions = this.connections.producerOptions();
    const layout = chooseLayout({
      groupId: this.app.appId,
      fencesByGroupMetadata: transport.fencesByGroupMetadata === true,
      groupInstanceId: conf.consumerGroupInstanceId ?? undefined,
    });
    logger.debug(
      layout.kind === 'worker'
        ? `exactly-once: one transaction per worker (${layout.transactionalId({ topic: '', partition: 0 })}), fenced by the group's generation`
        : 'exactly-once: one transaction per input partition, fenced by transactional id',
    );
    this.eos = new ExactlyOnce({
      groupId: this.app.appId,
      layout,
      createProducer: (transactionalId) =>
        transport.createTransactionalProducer({
          ...producerOptions,
          transactionalId,
          transactionTimeoutMs: conf.processingTransactionTimeout * 1000,
          ...(layout.kind === 'worker' ? { groupMember: this.groupMember() } : {}),
        }),
      bufferOptions: {
        lingerSeconds: conf.producerLinger,
        maxBatchBytes: conf.producerMaxBatchSize,
        maxRequestSize: conf.producerMaxRequestSize,
      },
      plain,
      commits: (topic) => this.topicByName(topic)?.commits ?? true,
      trackers: () => this.conductor.ackTrackers,
      every: conf.brokerCommitEvery,
      intervalMs: conf.brokerCommitInterval * 1000,
      drainTimeoutMs: Math.max(1000, conf.brokerCommitInterval * 1000),
      finalDrainTimeoutMs: this.revokeBoundMs(),
      seek: (partition, offset) => this.mainConsumer?.seek(partition, offset),
      committedOffsets: (topic) => this.transportAdmin.committedOffsets(this.app.appId, topic),
      restartTracking: ({ topic, partition }) => this.conductor.restartPartition(topic, partition),
      beforeAbortSettles: async () => {
        for (const settle of this.abortSettlers) await settle();
      },

      logger,
      onCommitted: (offsets, ms) => {
        if (this.app.sensors?.active) this.app.sensors.onCommit(offsets, ms);
      },
      onCommitError: (offsets, error) => {
        if (this.app.sensors?.active) this.app.sensors.onCommitError(offsets, error);
      },
    });
    return this.eos;
  }

  /** The worker's consumer, whose group metadata a per-worker transaction's offsets carry. */
  private groupMember(): TransportConsumer {
    if (!this.mainConsumer)
      throw new Error('exactly-once: a transaction of the worker before its consumer exists');
    return this.mainConsumer;
  }

  /** How long a rebalance or a stop waits for in-flight events before it commits without them. */
  private revokeBoundMs(): number {
    const conf = this.app.conf;
    return (
      Math.min(conf.shutdownTimeout, conf.brokerSessionTimeout / 2, conf.brokerRebalanceTimeout / 2) * 1000
    );
  }

  private hooks(): LifecycleHooks[] {
    return this.app.lifecycles().filter((hooks) => runsIn(hooks, this.mode));
  }

  private async becomeReady(): Promise<void> {
    if (this.isReady) return;
    for (const gate of this.readyGates) await gate();
    if (this.state !== 'running') return;
    this.isReady = true;
    this.readySignal.resolve();
    for (const hooks of this.hooks()) {
      try {
        await hooks.onReady?.();
      } catch (error) {
        this.app.logger.error(
          `${hooks.name} failed when the worker became ready: ${(error as Error).message}`,
        );
      }
    }
  }

  private async assigned(assignment: TopicPartition[], generation: number): Promise<void> {
    const started = performance.now();
    this.conductor.assigned(assignment, generation);
    await this.eos?.assigned(assignment, generation);
    for (const agent of this.app.agents()) agent.onAssigned(assignment);
    for (const hooks of this.hooks()) {
      try {
        await hooks.onAssigned?.(assignment, generation);
      } catch (error) {
        this.app.logger.error(`${hooks.name} failed on a rebalance: ${(error as Error).message}`);
      }
    }
    await this.app.rebalanced(assignment, generation);
    const sensors = this.app.sensors;
    if (sensors?.active) sensors.onRebalance(assignment, generation, performance.now() - started);
    // Not awaited: readiness may wait for recovery, which needs batches this call would hold up.
    if (!this.isReady) void this.becomeReady();
  }

  /**
   * A rebalance begins and this worker is about to give up its assignment (onPartitionsRevoked):
   * drop the buffered events, let the ones agents are processing finish (bounded), then commit,
   * so the next owner of each partition starts where this worker's work, and so the changelog
   * records it wrote, end. Without it the next owner redoes everything since the last commit, and a
   * table counts those events twice. Only events still unfinished at the bound can be redone.
   */
  private async revoking(generation: number): Promise<void> {
    const commits = this.commits;
    const eos = this.eos;
    if (this.state !== 'running' || (!commits && !eos)) return;
    const { logger } = this.app;
    const started = performance.now();
    const dropped = this.conductor.revoke(generation);
    if (eos) {
      await eos.revoking(generation);
      logger.debug(
        `rebalance: committed the transactions of generation ${generation} before giving up its partitions ` +
          `(${Math.round(performance.now() - started)} ms, ${dropped} buffered events dropped)`,
      );
      return;
    }
    const boundMs = this.revokeBoundMs();
    while (this.conductor.inFlight() > 0 && performance.now() - started < boundMs) {
      await sleep(REVOKE_POLL_MS);
    }
    const unfinished = this.conductor.inFlight();
    await commits!.commit();
    const ms = Math.round(performance.now() - started);
    if (unfinished > 0) {
      logger.warn(
        `rebalance: ${unfinished} events were still being processed after ${boundMs} ms; generation ` +
          `${generation} was committed without them, so their effects may be repeated by the next owner`,
      );
    }
    logger.debug(
      `rebalance: committed generation ${generation} before giving up its partitions (${ms} ms, ${dropped} buffered events dropped)`,
    );
  }

  /** Stops fetching, lets in-flight events finish (bounded), commits, leaves the group. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping' || this.state === 'idle') return;
    this.state = 'stopping';
    const { conf, logger } = this.app;
    const hooks = this.hooks().reverse();
    for (const h of hooks) {
      try {
        await h.onStop?.();
      } catch (error) {
        logger.error(`${h.name} failed to stop: ${(error as Error).message}`);
      }
    }
    const consumer = this.mainConsumer;
    if (consumer) consumer.pause(this.conductor.currentAssignment());
    const dropped = this.conductor.dropBuffered();
    if (dropped > 0) logger.debug(`dropped ${dropped} buffered events; they are redone after restart`);
    this.conductor.close();
    const timeoutMs = conf.shutdownTimeout * 1000;
    const agents = this.app.agents();
    const finished = await Promise.all(agents.map((agent) => agent.stop(timeoutMs)));
    agents.forEach((agent, i) => {
      if (!finished[i]) {
        logger.warn(
          `agent ${agent.name} did not finish within ${conf.shutdownTimeout}s; its in-flight events are not committed and will be redone`,
        );
      }
    });
    this.commits?.stop();
    this.stallWatch?.stop();
    try {
      await this.commits?.commit();
      await this.eos?.close();
    } catch (error) {
      logger.warn(`final commit failed: ${(error as Error).message}`);
    }
    await consumer?.stop();
    try {
      await this.sender?.flush();
    } catch (error) {
      logger.error(`producer flush at shutdown failed: ${(error as Error).message}`);
    }
    for (const h of hooks) {
      try {
        await h.onStopped?.();
      } catch (error) {
        logger.error(`${h.name} failed after stop: ${(error as Error).message}`);
      }
    }
    await this.rawProducer?.disconnect();
    await this.admin?.close();
    this.state = 'stopped';
  }

  /** Creates the app's topics that do not exist yet (internal ones with their settings). */
  async declareTopics(): Promise<void> {
    const admin = this.transportAdmin;
    const specs: TopicSpec[] = [];
    const consumed = new Set(this.conductor.topics());
    for (const topic of this.app.topics()) {
      // A topic declared before agents subscribed still needs its dead-letter topic once one does.
      if (!this.declared.has(topic.name)) specs.push(topic.spec());
      if (consumed.has(topic.name) && topic.deadLetterEnabled) {
        specs.push({
          name: deadLetterTopicName(this.app.appId, topic.name),
          partitions: topic.spec().partitions,
          replicationFactor: topic.spec().replicationFactor,
        });
      }
    }
    const fresh = specs.filter((spec) => !this.declared.has(spec.name));
    if (fresh.length === 0) return;
    if (this.app.conf.topicAllowDeclare) await admin.createTopics(fresh);
    for (const spec of fresh) {
      this.declared.add(spec.name);
      const count = await admin.partitionCount(spec.name);
      if (count === undefined) {
        throw new Error(
          `topic ${spec.name} does not exist and topicAllowDeclare is off: create it (${spec.partitions} partitions)`,
        );
      }
      this.producer.knowPartitions(spec.name, count);
    }
  }

  private async startConsumer(topics: string[]): Promise<void> {
    const { conf, logger } = this.app;
    const consumer = this.transport!.createConsumer(
      this.connections.consumerOptions({
        groupId: this.app.appId,
        offsetOutOfRange: conf.consumerAutoOffsetReset,
        ...(this.app.partitionAssigners ? { partitionAssigners: this.app.partitionAssigners() } : {}),
      }),
    );
    this.mainConsumer = consumer;
    consumer.subscribe(topics);
    if (!this.eos) this.startCommits(consumer);
    await consumer.start({
      onBatch: (batch) => this.deliver(batch),
      onAssigned: (assignment, generation) => this.assigned(assignment, generation),
      onRevoking: (_assignment, generation) => this.revoking(generation),
      onStopped: (error) => {
        if (error && this.state === 'running') this.crash(error);
      },
    });
    this.commits?.start();
    this.eos?.start();
    this.stallWatch = new StallWatch({
      timeoutMs: conf.consumerStallTimeout * 1000,
      groupId: this.app.appId,
      admin: () => this.admin,
      assignment: () => this.conductor.currentAssignment(),
      logger,
    });
    this.stallWatch.start();
    logger.debug(`consuming ${topics.join(', ')} as group ${this.app.appId}`);
  }

  /** At least once: offsets commit through the consumer once what their events sent is flushed. */
  private startCommits(consumer: TransportConsumer): void {
    const logger = this.app.logger;
    const conf = this.app.conf;
    this.commits = new CommitManager({
      every: conf.brokerCommitEvery,
      intervalMs: conf.brokerCommitInterval * 1000,
      trackers: () => this.conductor.ackTrackers,
      generation: () => this.conductor.generation,
      flush: () => this.producer.flush(),
      commit: (offsets) => consumer.commit(offsets),
      onCommitted: (offsets, ms) => {
        if (this.app.sensors?.active) this.app.sensors.onCommit(offsets, ms);
      },
      onError: (error, offsets) => {
        if (this.app.sensors?.active) this.app.sensors.onCommitError(offsets, error);
        logger.warn(
          `commit of ${offsets.length} partition offsets failed (they are redone): ${(error as Error).message}`,
        );
      },
    });
  }

  /** The producer's sensor callbacks (none without sensors: the send path stays as it is). */
  private sendSensors(): Pick<AppProducerOptions, 'onProduced' | 'onSendError'> {
    const sensors = this.app.sensors;
    if (!sensors) return {};
    return {
      onProduced: (topic, ms, partition) => {
        if (sensors.active) sensors.onSend(topic, partition, ms);
      },
      onSendError: (topic, partition, error) => {
        if (sensors.active) sensors.onSendError(topic, partition, error);
      },
    };
  }

  private topicByName(name: string): Topic<unknown, unknown> | undefined {
    return this.app.topics().find((topic) => topic.name === name);
  }

  private crash(error: Error): void {
    if (this.crashHandler) this.crashHandler(error);
    else this.app.logger.error(`fatal: ${error.message}`);
  }
}
