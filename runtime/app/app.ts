import type { Agent, AgentHandler, AgentHost, AgentOptions } from '../agents/agent.js';
import { AgentRpc } from '../agents/rpc/index.js';
import { FaustgenAssignor } from '../assignor/assignor.js';
import { Channel, type ChannelOptions } from '../channels/channel.js';
import { Event } from '../streams/event.js';
import type { TypeOf, TypeSpec } from '../channels/serde.js';
import { Topic, type TopicOptions } from '../channels/topic.js';
import type { ChannelDefaults, ChannelHost, ProduceOptions, SendReceipt } from '../channels/types.js';
import { LeaderElection } from '../leader/index.js';
import { createLogger, type Logger } from '../core/logging/index.js';
import { registerTableCommands } from './table-commands.js';
import { declareSetTable, declareTable } from '../tables/declare.js';
import {
  type JoinKind,
  StreamTableJoin,
  type StreamTableJoinKind,
  type StreamTableJoinOptions,
  type TableJoined,
  type TableJoinOptions,
  tableJoin,
  WindowedJoin,
  type WindowedJoinOptions,
} from '../tables/joins/index.js';
import { TableManager } from '../tables/manager.js';
import type { SetTable, SetTableOptions } from '../tables/set-table.js';
import type { GlobalTable, Table } from '../tables/table.js';
import type { TableOptions, TableTypeOf } from '../tables/types.js';
import { constructExtension } from '../sensors/extension.js';
import { HttpClient } from '../sensors/http-client.js';
import { Monitor } from '../sensors/monitor.js';
import { Sensors } from '../core/sensor.js';
import { Stream } from '../streams/stream.js';
import type {
  EventSource,
  FailureStage,
  OutgoingRecord,
  SendTarget,
  StreamSourceFactory,
} from '../streams/types.js';
import {
  type AppService,
  type CrontabOptions,
  type Job,
  type JobHandler,
  optionsAndHandler,
  Scheduler,
  type TaskOptions,
  type TimerOptions,
} from '../timers/index.js';
import type { AppTestContext, TestContextOptions } from '../testing/index.js';
import { AppAgent } from './app-agent.js';
import type { TopicPartition } from '../transport/types.js';
import { BlockingDetector } from '../worker/blocking.js';
import { Engine, type EngineMode } from '../worker/engine.js';
import {
  type BootStrategy,
  type BootSwitches,
  bootSwitches,
  type LifecycleHooks,
} from '../core/lifecycle.js';
import type { AppProducer, ProducedMessage } from '../worker/producer.js';
import { Signal } from '../core/signals.js';
import type { Blueprint, KeySource, PageMethods, PageOptions, WebHandler } from '../web/index.js';
import { WebServer } from '../web/server.js';
import { joinHost, webHost } from './ports.js';
import { type AppCommand, type CommandOptions, runMain } from './main.js';
import {
  configFromObject,
  type ResolvedSettings,
  resolveSettings,
  type SettingsInput,
} from '../core/settings/index.js';

/** How app.start() runs. */
export interface StartOptions {
  /** Settings for this run only, above every other source (flags included), until it stops. */
  settings?: Record<string, unknown>;
}

export type KeyOf<S> = S extends TypeSpec ? TypeOf<S> : Buffer;
export type ValueOf<S> = S extends TypeSpec ? TypeOf<S> : unknown;

type AnyAgent = Agent<unknown, unknown, unknown>;
type AnyTopic = Topic<unknown, unknown>;

/**
 * A faustgen application: topics, channels, agents and settings, and the worker that runs them.
 * `new App(id, settings)`; declare with `topic()`, `agent()`...; run with `main()` or `start()`.
 */
export class App implements ChannelHost, AgentHost<App> {
  private settings: ResolvedSettings;
  private log: Logger;
  private readonly topicsByName = new Map<string, AnyTopic>();
  private readonly agentsByName = new Map<string, AnyAgent>();
  private readonly commands = new Map<string, AppCommand>();
  private engineHandle: Engine | undefined;
  private blocking: BlockingDetector | undefined;
  private stopping: Promise<void> | undefined;
  private starting: Promise<void> | undefined;
  private crashed: Error | undefined;
  private readonly crashListeners: ((error: Error) => void)[] = [];
  private readonly lifecycleHooks: LifecycleHooks[] = [];
  private readonly leaderElection = new LeaderElection(this);
  private schedulerPart: Scheduler<App> | undefined;
  /** Agent RPC: agent.ask()/cast()/map()/join() and the replies agents send (agents/rpc). */
  readonly rpc: AgentRpc = new AgentRpc(this);
  /**
   * The worker consumer group's partition assignor (runtime/assignor): co-partitioning, standby
   * replicas (`tableStandbyReplicas`) and every worker's `canonicalUrl`. After each rebalance,
   * `assignor.whenAssigned(generation)` gives who holds which partition, actives and standbys.
   */
  readonly assignor: FaustgenAssignor = new FaustgenAssignor({
    // The web server's URL once it listens (webPort 0 is then the bound port).
    url: () => this.webServer?.canonicalUrl ?? this.settings.canonicalUrl,
    standbyReplicas: () => this.settings.tableStandbyReplicas,
    logger: {
      debug: (message, extra) => this.log.debug(message, extra),
      info: (message, extra) => this.log.info(message, extra),
      warn: (message, extra) => this.log.warn(message, extra),
    },
  });
  private tableManager: TableManager | undefined;
  private lastAssignment: TopicPartition[] = [];
  /** Told what happens in the worker: the monitor, and any sensor added with `sensors.add()`. */
  readonly sensors: Sensors = new Sensors((message) => this.log.warn(message));
  private monitorHandle: Monitor | undefined;
  private webServer: WebServer | undefined;
  private webRegistered = false;
  private httpClientHandle: HttpClient | undefined;

  // Faust's App signals: `app.onPartitionsAssigned.connect(async (partitions) => ...)`.
  /** Start-up, before settings are final for this run. */
  readonly onBeforeConfigured = new Signal<App>('onBeforeConfigured');
  /** Start-up: the settings of this run are final (flags applied). */
  readonly onConfigured = new Signal<ResolvedSettings>('onConfigured');
  readonly onAfterConfigured = new Signal<App>('onAfterConfigured');
  /** A worker is about to start. */
  readonly onWorkerInit = new Signal<App>('onWorkerInit');
  /** Partitions this worker gained in a rebalance. */
  readonly onPartitionsAssigned = new Signal<TopicPartition[]>('onPartitionsAssigned');
  /** Partitions this worker lost in a rebalance (told after the fact: kafkajs has no earlier hook). */
  readonly onPartitionsRevoked = new Signal<TopicPartition[]>('onPartitionsRevoked');
  /** A rebalance completed: the whole new assignment. */
  readonly onRebalanceComplete = new Signal<TopicPartition[]>('onRebalanceComplete');
  /** @internal The engine's onProduceMessage hook: undefined while nobody listens (hot path). */
  get beforeProduce(): ((message: ProducedMessage) => void) | undefined {
    if (this.onProduceMessage.connected === 0) return undefined;
    return (message) => {
      for (const error of this.onProduceMessage.sendSync(message)) {
        this.log.error(`a receiver of onProduceMessage failed: ${(error as Error).message}`);
      }
    };
  }

  /** The app is about to stop. */
  readonly onBeforeShutdown = new Signal<App>('onBeforeShutdown');
  /** Every message produced, before it is queued; receivers may add headers. */
  readonly onProduceMessage = new Signal<ProducedMessage>('onProduceMessage');

  private flags: Record<string, unknown> = {};
  /** The test driver's settings for the current run, above the flags. */
  /** The last run's stop() has finished. */
  private stopped = false;
  /** Settings of the current run (start options), above flags. */
  private runSettings: Record<string, unknown> = {};

  constructor(
    readonly id: string,
    private input: SettingsInput = {},
  ) {
    this.settings = resolveSettings(id, input);
    this.lifecycleHooks.push(this.leaderElection);
    this.lifecycleHooks.push(...this.rpc.lifecycles());
    this.log = createLogger({
      name: this.settings.appId,
      level: this.settings.logLevel,
      format: this.settings.logFormat,
    });
    registerTableCommands(this);
  }

  /** The effective settings (code < env < flags). */
  get conf(): ResolvedSettings {
    return this.settings;
  }

  /** The app id used for the consumer group and internal topic names (id + version). */
  get appId(): string {
    return this.settings.appId;
  }

  get logger(): Logger {
    return this.log;
  }

  /** @internal The worker consumer's assignment protocols (the engine asks). */
  partitionAssigners(): unknown[] {
    return [this.assignor];
  }

  /** The running worker's machinery (after start()). */
  get engine(): Engine {
    if (!this.engineHandle) this.engineHandle = new Engine(this);
    return this.engineHandle;
  }

  get app(): this {
    return this;
  }

  /**
   * The main sensor (Faust's app.monitor): counts, rates, latencies and lag, `snapshot()` for all
   * of it. Built from the `Monitor` setting on first use; it runs whenever the app runs.
   */
  get monitor(): Monitor {
    if (!this.monitorHandle) {
      this.monitorHandle = constructExtension('Monitor', this.settings.Monitor, Monitor, 'faustgen:Monitor', {
        messagesActive: () => this.engineHandle?.conductor.ackTrackers.outstanding() ?? 0,
        stalledPartitions: () => this.engineHandle?.stalledPartitions() ?? [],
      });
      this.sensors.add(this.monitorHandle);
    }
    return this.monitorHandle;
  }

  /** An HTTP client over fetch (Faust's app.http_client), built from the `HttpClient` setting; closed at stop. */
  get httpClient(): HttpClient {
    if (!this.httpClientHandle || this.httpClientHandle.closed) {
      this.httpClientHandle = constructExtension(
        'HttpClient',
        this.settings.HttpClient,
        HttpClient,
        'faustgen:HttpClient',
        {},
      );
    }
    return this.httpClientHandle;
  }

  get defaults(): ChannelDefaults {
    const c = this.settings;
    return {
      keySerializer: c.keySerializer,
      valueSerializer: c.valueSerializer,
      topicPartitions: c.topicPartitions,
      topicReplicationFactor: c.topicReplicationFactor,
      streamBufferMaxsize: c.streamBufferMaxsize,
      deadLetter: c.deadLetter,
    };
  }

  /** Re-resolves settings from an object (camelCase or Faust snake_case keys), before start. */
  configFromObject(object: object): void {
    this.assertNotStarted('configFromObject');
    const { settings, notes } = configFromObject(object);
    this.input = { ...this.input, ...settings };
    this.reconfigure();
    for (const note of notes) this.log.info(note);
  }

  /** Applies command-line flags (highest precedence), before start. */
  configure(flags: Record<string, unknown>): void {
    this.assertNotStarted('configure');
    this.flags = { ...this.flags, ...flags };
    this.reconfigure();
  }

  private reconfigure(): void {
    const flags = { ...this.flags, ...this.runSettings };
    this.settings = resolveSettings(this.id, this.input, { flags });
    this.log = createLogger({
      name: this.settings.appId,
      level: this.settings.logLevel,
      format: this.settings.logFormat,
    });
  }

  // ---- declarations ---------------------------------------------------------------------------

  /** A Kafka topic with typed keys and values; the same name returns the same topic. */
  topic<const KS extends TypeSpec | undefined = undefined, const VS extends TypeSpec | undefined = undefined>(
    name: string,
    options: TopicOptions<KS, VS> = {},
  ): Topic<KeyOf<KS>, ValueOf<VS>> {
    const existing = this.topicsByName.get(name);
    if (existing) return existing as unknown as Topic<KeyOf<KS>, ValueOf<VS>>;
    const topic = new Topic<KeyOf<KS>, ValueOf<VS>>(name, this, options);
    this.topicsByName.set(name, topic as unknown as AnyTopic);
    return topic;
  }

  /** An in-memory channel (same interface as a topic, nothing persisted). */
  channel<K = unknown, V = unknown>(options: ChannelOptions & { name?: string } = {}): Channel<K, V> {
    return new Channel<K, V>(this, { ...options, defaultMaxsize: this.settings.streamBufferMaxsize });
  }

  /**
   * An agent: `handler(stream, ctx)` runs in supervised actors over the source. With no source,
   * the agent reads the internal topic `<appId>-<name>`. An async-generator handler's yields go
   * to its sinks.
   */
  agent<K, V, Y = unknown>(
    source: Topic<K, V> | Channel<K, V> | string | undefined,
    options: AgentOptions<Y> & { name: string },
    handler: AgentHandler<K, V, Y, this>,
  ): AppAgent<K, V, Y> {
    this.assertNotStarted('agent');
    const name = options.name;
    if (!name) throw new Error('an agent needs a name');
    if (this.agentsByName.has(name)) throw new Error(`agent ${name} is already defined`);
    const resolved =
      source === undefined
        ? (this.topic(`${this.appId}-${name}`, { internal: true }) as unknown as Topic<K, V>)
        : typeof source === 'string'
          ? (this.topic(source, { internal: true }) as unknown as Topic<K, V>)
          : source;
    const agent = new AppAgent<K, V, Y>(resolved, handler as AgentHandler<K, V, Y>, this, options);
    this.agentsByName.set(name, agent as unknown as AnyAgent);
    return agent;
  }

  /**
   * A table: a typed, changelogged key-value state, changed inside agents (`set`, `delete`,
   * `update`) and read anywhere (`get`, `has`, `entries`). Its changelog is
   * `<appId>-<name>-changelog`; workers keep it in LMDB (the `store` setting) and recover it at start.
   */
  table<const KS extends TypeSpec | undefined = undefined, const VS extends TypeSpec | undefined = undefined>(
    name: string,
    options: TableOptions<KS, VS> & { default: () => TableTypeOf<VS> },
  ): Table<TableTypeOf<KS>, TableTypeOf<VS>, TableTypeOf<VS>>;
  table<const KS extends TypeSpec | undefined = undefined, const VS extends TypeSpec | undefined = undefined>(
    name: string,
    options?: TableOptions<KS, VS>,
  ): Table<TableTypeOf<KS>, TableTypeOf<VS>>;
  table(name: string, options: TableOptions = {}): Table {
    this.assertNotStarted('table');
    return declareTable(this.tables, name, options, false);
  }

  /** A table every worker holds whole, reading all its changelog partitions continuously. */
  globalTable<
    const KS extends TypeSpec | undefined = undefined,
    const VS extends TypeSpec | undefined = undefined,
  >(
    name: string,
    options: TableOptions<KS, VS> & { default: () => TableTypeOf<VS> },
  ): GlobalTable<TableTypeOf<KS>, TableTypeOf<VS>, TableTypeOf<VS>>;
  globalTable<
    const KS extends TypeSpec | undefined = undefined,
    const VS extends TypeSpec | undefined = undefined,
  >(name: string, options?: TableOptions<KS, VS>): GlobalTable<TableTypeOf<KS>, TableTypeOf<VS>>;
  globalTable(name: string, options: TableOptions = {}): GlobalTable {
    this.assertNotStarted('globalTable');
    return declareTable(this.tables, name, options, true) as GlobalTable;
  }

  /** A table of sets (`valueType` is the members' type); `startManager` adds `<name>-setmanager`. */
  setTable<
    const KS extends TypeSpec | undefined = undefined,
    const VS extends TypeSpec | undefined = undefined,
  >(name: string, options: SetTableOptions<KS, VS> = {}): SetTable<TableTypeOf<KS>, TableTypeOf<VS>> {
    this.assertNotStarted('setTable');
    return declareSetTable(this.tables, name, options, false) as SetTable<TableTypeOf<KS>, TableTypeOf<VS>>;
  }

  /** A set table every worker holds whole. */
  setGlobalTable<
    const KS extends TypeSpec | undefined = undefined,
    const VS extends TypeSpec | undefined = undefined,
  >(name: string, options: SetTableOptions<KS, VS> = {}): SetTable<TableTypeOf<KS>, TableTypeOf<VS>> {
    this.assertNotStarted('setGlobalTable');
    return declareSetTable(this.tables, name, options, true) as SetTable<TableTypeOf<KS>, TableTypeOf<VS>>;
  }

  // ---- joins (runtime/tables/joins) -----------------------------------------------------------

  /**
   * A stream-table join: `join.join(stream)` gives each event of `topic` with `table`'s value of its
   * key (`{ left: value, right: row }`; inner drops events the table has no row for).
   */
  streamTableJoin<K, V, T, const J extends StreamTableJoinKind>(
    topic: Topic<K, V>,
    table: Table<K, T, unknown>,
    options: StreamTableJoinOptions<J>,
  ): StreamTableJoin<K, V, T, J> {
    this.assertNotStarted('streamTableJoin');
    return new StreamTableJoin(joinHost(this), topic, table, options);
  }

  /** A table-table join: a table `name` kept equal to the join of `left` and `right` by key. */
  tableJoin<K, L, R, const J extends JoinKind>(
    name: string,
    left: Table<K, L, unknown>,
    right: Table<K, R, unknown>,
    options: TableJoinOptions<J>,
  ): Table<K, TableJoined<L, R, J>> {
    this.assertNotStarted('tableJoin');
    return tableJoin(joinHost(this), name, left, right, options);
  }

  /**
   * A windowed stream-stream join of two topics: each side's agent runs its stream through
   * `join.left(stream)` / `join.right(stream)` and gets the results its events complete.
   */
  windowedJoin<K, L, R, const J extends JoinKind>(
    name: string,
    left: Topic<K, L>,
    right: Topic<K, R>,
    options: WindowedJoinOptions<J>,
  ): WindowedJoin<K, L, R, J> {
    this.assertNotStarted('windowedJoin');
    return new WindowedJoin(joinHost(this), name, left, right, options);
  }

  /** The app's tables and their recovery (Faust's app.tables). */
  get tables(): TableManager {
    if (!this.tableManager) {
      this.tableManager = new TableManager(this);
      this.tableManager.setStandbyProvider(this.assignor);
    }
    return this.tableManager;
  }

  /** A stream over a topic, a channel or any (async) iterable of values. */
  stream<K, V>(source: Topic<K, V> | Channel<K, V> | AsyncIterable<V> | Iterable<V>): Stream<K, V> {
    if (source instanceof Topic || source instanceof Channel) return source.stream();
    return new Stream<K, V>(iterableSource<K, V>(source), this);
  }

  /** Sends a record to a topic, channel or agent (by object, or a topic by name). */
  send<K, V>(target: SendTarget<K, V> | string, record: OutgoingRecord<K, V>): Promise<unknown> {
    const to = typeof target === 'string' ? (this.topic(target) as unknown as SendTarget<K, V>) : target;
    return to.send(record);
  }

  /** The worker's web server (runtime/web); it runs with workers when `webEnabled`. */
  get web(): WebServer {
    this.webServer ??= new WebServer(webHost(this));
    return this.webServer;
  }

  /** A web page: one handler (GET) or one per method; `schema` validates params, query, body and answer. */
  page(path: string, handler: WebHandler | PageMethods, options?: PageOptions): void {
    this.web.page(path, handler, options);
  }

  /** Pages grouped under a prefix: `app.blueprint('/api').page('/x', handler)` serves `/api/x`. */
  blueprint(prefix: string): Blueprint {
    return this.web.blueprint(prefix);
  }

  /** A handler run on the worker that owns the request's key in `table` (forwarded there otherwise). */
  tableRoute(
    table: Parameters<WebServer['tableRoute']>[0],
    source: KeySource,
    handler: WebHandler,
  ): WebHandler {
    return this.web.tableRoute(table, source, handler);
  }

  /** A handler run on the worker that consumes the request's key's partition of `topic`. */
  topicRoute<K, V>(topic: Topic<K, V>, source: KeySource, handler: WebHandler): WebHandler {
    return this.web.topicRoute(topic as unknown as AnyTopic, source, handler);
  }

  /** A command for `app.main()` (and `faustgen <name>` in a project). */
  command(name: string, options: CommandOptions, handler: AppCommand<this>['run']): void {
    if (this.commands.has(name)) throw new Error(`command ${name} is already defined`);
    // main() hands every command this app.
    this.commands.set(name, { name, ...options, run: handler as AppCommand['run'] });
  }

  topics(): AnyTopic[] {
    return [...this.topicsByName.values()];
  }

  agents(): AnyAgent[] {
    return [...this.agentsByName.values()];
  }

  getAgent(name: string): AnyAgent | undefined {
    return this.agentsByName.get(name);
  }

  getTopic(name: string): AnyTopic | undefined {
    return this.topicsByName.get(name);
  }

  customCommands(): AppCommand[] {
    return [...this.commands.values()];
  }

  // ---- lifecycle --------------------------------------------------------------------------------

  /**
   * Starts the app: 'worker' runs everything; 'client' the producer and RPC replies (for callers
   * of agent.ask); 'producer' only the producer.
   */
  /**
   * Starts the app: `worker` (consume, serve, run timers), `client` (producer and RPC replies) or
   * `producer`. `options.settings` apply to this run only, above every other source, until it
   * stops. A stopped app may start again: a new worker of the same declarations.
   */
  start(mode: EngineMode = 'worker', options: StartOptions = {}): Promise<void> {
    // One start per run: maybeStartClient() during a worker's own start-up joins that start.
    if (this.stopping) {
      if (!this.stopped)
        throw new Error(`app ${this.appId} is stopping: await stop() before starting it again`);
      this.forgetStoppedRun();
    }
    if (!this.starting) {
      if (options.settings) {
        this.runSettings = options.settings;
        this.reconfigure();
      }
      this.starting = this.startIn(mode);
    }
    return this.starting;
  }

  private async startIn(mode: EngineMode): Promise<void> {
    await this.signal(this.onBeforeConfigured, this);
    await this.signal(this.onConfigured, this.settings);
    await this.signal(this.onAfterConfigured, this);
    for (const warning of this.settings.warnings) this.log.warn(warning);
    if (mode === 'worker') await this.signal(this.onWorkerInit, this);
    const boot = this.bootSwitches();
    if (mode === 'worker' && boot.web && !this.webRegistered) {
      this.webRegistered = true;
      this.addLifecycle(this.web.lifecycle());
    }
    this.engine.onCrash((error) => this.crash(error));
    if (boot.sensors) {
      this.sensors.add(this.monitor);
      this.monitor.start();
    }
    await this.engine.start(mode);
    if (mode === 'worker') {
      this.blocking = new BlockingDetector(
        (this.settings.blockingTimeout ?? 0) * 1000,
        () => this.describeInflight(),
        (message) => this.log.warn(message),
      );
      this.blocking.start();
    }
  }

  /**
   * Which parts a worker starts: Faust's BootStrategy switches (`enableKafka`, `enableKafkaProducer`,
   * `enableKafkaConsumer`, `enableWeb`, `enableSensors`). Set before start.
   */
  bootStrategy: BootStrategy = {};

  /** The switches in effect for the next start (unset ones resolved as Faust does). */
  bootSwitches(): BootSwitches {
    return bootSwitches(this.bootStrategy, this.settings.webEnabled);
  }

  /** Starts the app as an RPC client (producer and reply consumer), Faust's start_client(). */
  startClient(): Promise<void> {
    return this.start('client');
  }

  /** Starts the client unless the app already runs (in any mode). */
  async maybeStartClient(): Promise<void> {
    if (!this.engineHandle?.running && !this.starting) {
      this.starting = this.startClient();
    }
    await this.starting;
  }

  /** Resolves when the worker is ready: first assignment handled, tables recovered. */
  whenReady(): Promise<void> {
    return this.engine.whenReady();
  }

  /** Registers a part that starts and stops with the app (timers, leader election, RPC, sensors). */
  addLifecycle(hooks: LifecycleHooks): void {
    this.assertNotStarted('addLifecycle');
    this.lifecycleHooks.push(hooks);
  }

  lifecycles(): LifecycleHooks[] {
    return [...this.lifecycleHooks];
  }

  // ---- tasks, timers, crontabs, services, leader -------------------------------------------------

  /**
   * A one-shot task, run once when the worker is ready (after table recovery); with
   * `{ onLeader: true }` only on the worker that is the leader then. The handler gets the app.
   */
  task(handler: JobHandler<this>): Job;
  task(options: TaskOptions, handler: JobHandler<this>): Job;
  task(optionsOrHandler: TaskOptions | JobHandler<this>, handler?: JobHandler<this>): Job {
    this.assertNotStarted('task');
    const args = optionsAndHandler<TaskOptions, JobHandler<this>>('app.task()', optionsOrHandler, handler);
    return this.scheduler.task(args.options, args.handler as JobHandler<App>);
  }

  /**
   * Runs the handler every `seconds` once the worker is ready, drift-corrected; with
   * `{ onLeader: true }` only while this worker is the leader (checked at every tick). A run
   * due while the previous one still runs is skipped; a failing run is logged and the timer goes on.
   */
  timer(seconds: number, handler: JobHandler<this>): Job;
  timer(seconds: number, options: TimerOptions, handler: JobHandler<this>): Job;
  timer(seconds: number, optionsOrHandler: TimerOptions | JobHandler<this>, handler?: JobHandler<this>): Job {
    this.assertNotStarted('timer');
    const args = optionsAndHandler<TimerOptions, JobHandler<this>>('app.timer()', optionsOrHandler, handler);
    return this.scheduler.timer(seconds, args.options, args.handler as JobHandler<App>);
  }

  /**
   * Runs the handler at the times of a cron expression (`'*\/5 * * * *'`), in `options.timezone`
   * or the app's `timezone` setting; `onLeader`, skipping and failures as for timers.
   */
  crontab(expression: string, handler: JobHandler<this>): Job;
  crontab(expression: string, options: CrontabOptions, handler: JobHandler<this>): Job;
  crontab(
    expression: string,
    optionsOrHandler: CrontabOptions | JobHandler<this>,
    handler?: JobHandler<this>,
  ): Job {
    this.assertNotStarted('crontab');
    const args = optionsAndHandler<CrontabOptions, JobHandler<this>>(
      'app.crontab()',
      optionsOrHandler,
      handler,
    );
    return this.scheduler.crontab(expression, args.options, args.handler as JobHandler<App>);
  }

  /**
   * A service (an object or class instance with `start(app)` and/or `stop(app)`) started when the
   * worker is ready, before tasks and timers, and stopped at shutdown in reverse order.
   */
  service<S extends AppService<this>>(service: S): S {
    this.assertNotStarted('service');
    this.scheduler.service(service as AppService<App>);
    return service;
  }

  /** The declared tasks, timers and crontabs. */
  jobs(): Job[] {
    return this.schedulerPart?.jobs() ?? [];
  }

  /** Whether this worker owns partition 0 of `<appId>-__assignor-__leader` now (Faust's is_leader()). */
  isLeader(): boolean {
    return this.leaderElection.isLeader();
  }

  private get scheduler(): Scheduler<App> {
    if (!this.schedulerPart) {
      this.schedulerPart = new Scheduler<App>(this);
      this.addLifecycle(this.schedulerPart);
    }
    return this.schedulerPart;
  }

  /** @internal Called by the engine after every rebalance: fires the rebalance signals. */
  async rebalanced(assignment: TopicPartition[], _generation: number): Promise<void> {
    const key = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;
    const before = new Set(this.lastAssignment.map(key));
    const after = new Set(assignment.map(key));
    const revoked = this.lastAssignment.filter((tp) => !after.has(key(tp)));
    const gained = assignment.filter((tp) => !before.has(key(tp)));
    this.lastAssignment = assignment;
    if (revoked.length > 0) await this.signal(this.onPartitionsRevoked, revoked);
    await this.signal(this.onPartitionsAssigned, gained);
    await this.signal(this.onRebalanceComplete, assignment);
  }

  /** The partitions this worker owns now. */
  assignment(): TopicPartition[] {
    return this.lastAssignment;
  }

  /** Graceful stop: in-flight events finish (bounded by shutdownTimeout), offsets commit, the group is left. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.signal(this.onBeforeShutdown, this);
      this.blocking?.stop();
      await this.engineHandle?.stop();
      this.monitorHandle?.stop();
      this.httpClientHandle?.close();
      if (Object.keys(this.runSettings).length > 0) {
        this.runSettings = {};
        this.reconfigure();
      }
      this.stopped = true;
    })();
    return this.stopping;
  }

  /**
   * A broker-free test driver (faustgen/testing): starts this app as a worker on a private
   * in-process broker; put records in, read what the agents yielded, sent, committed and
   * dead-lettered; `stop()` it to give the app back as it was.
   */
  async testContext(options?: TestContextOptions): Promise<AppTestContext> {
    const { openAppTestContext } = await import('../testing/index.js');
    return openAppTestContext(this, options);
  }

  /** Whether a run is under way: started (or starting) and not stopped. */
  get running(): boolean {
    return this.starting !== undefined && this.stopping === undefined;
  }

  /** A stopped app starts again as a new worker of the same declarations: forget the stopped one. */
  private forgetStoppedRun(): void {
    if (this.engineHandle?.running) {
      throw new Error(`app ${this.appId} is running: stop it before starting it again`);
    }
    this.engineHandle = undefined;
    this.blocking = undefined;
    this.stopping = undefined;
    this.stopped = false;
    this.starting = undefined;
    this.crashed = undefined;
    this.lastAssignment = [];
  }

  /** Called when something fatal happened (an agent gave up, a send failed). */
  onCrash(listener: (error: Error) => void): void {
    this.crashListeners.push(listener);
  }

  get crashError(): Error | undefined {
    return this.crashed;
  }

  /** Runs the command line: worker | send | agents | topics | models | custom commands. */
  main(argv: string[] = process.argv.slice(2)): Promise<number> {
    return runMain(this, argv);
  }

  // ---- ChannelHost / StreamHost ------------------------------------------------------------------

  produce(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    options: ProduceOptions,
  ): Promise<SendReceipt> {
    return this.producer().send(topic, key, value, options);
  }

  subscribe(topic: string, partitions?: ReadonlySet<number>) {
    return this.engine.subscribe(topic, partitions);
  }

  unsubscribe(buffer: Parameters<Engine['unsubscribe']>[0]): void {
    this.engine.unsubscribe(buffer);
  }

  generation(): number {
    return this.engine.conductor.generation;
  }

  deadLetter(
    event: Event<unknown, unknown>,
    error: unknown,
    stage: FailureStage,
    agent?: string,
  ): Promise<void> {
    return this.engine.deadLetters.publish(event, error, stage, agent);
  }

  async forwardRaw(
    topic: string,
    event: Event<unknown, unknown>,
    key: unknown,
    keyTarget: SendTarget,
  ): Promise<void> {
    const target = keyTarget instanceof Topic ? keyTarget : this.getTopic(topic);
    const keyBytes = target ? target.keySerde.serialize(key) : null;
    await this.producer().send(topic, keyBytes, event.message.value, { headers: event.message.headers });
  }

  repartitionTarget(name: string, partitions: number | undefined): SendTarget & StreamSourceFactory {
    return this.topic(name, {
      internal: true,
      partitions,
      keyType: 'json' as TypeSpec,
      valueSerializer: 'raw',
    });
  }

  // ---- internals ---------------------------------------------------------------------------------

  private async signal<T>(signal: Signal<T>, value: T): Promise<void> {
    for (const error of await signal.send(value)) {
      this.log.error(`a receiver of ${signal.name} failed: ${(error as Error).message}`);
    }
  }

  /** @internal Something fatal happened (an agent gave up, a send failed): the worker must stop. */
  crash(error: Error): void {
    if (this.crashed) return;
    this.crashed = error;
    this.log.error(`worker crashed: ${error.message}`);
    for (const listener of this.crashListeners) listener(error);
  }

  private describeInflight(): string {
    return this.agents()
      .flatMap((agent) =>
        agent
          .inflight()
          .map(
            ({ actor, event }) => `${agent.name}#${actor} ${event.topic}[${event.partition}]@${event.offset}`,
          ),
      )
      .join(', ');
  }

  /** The running producer; a send before any start says which start a sending script wants. */
  private producer(): AppProducer {
    if (this.starting === undefined) {
      throw new Error(
        `app ${this.appId} is not started: a script that only sends calls \`await app.startClient()\` ` +
          "(or app.start('producer')) first and `await app.stop()` at the end; app.start() runs a whole worker",
      );
    }
    return this.engine.producer;
  }

  private assertNotStarted(what: string): void {
    if (this.engineHandle?.running) throw new Error(`app.${what}() must be called before the app starts`);
  }
}

function iterableSource<K, V>(iterable: AsyncIterable<V> | Iterable<V>): EventSource<K, V> {
  const iterator =
    Symbol.asyncIterator in iterable
      ? (iterable as AsyncIterable<V>)[Symbol.asyncIterator]()
      : (iterable as Iterable<V>)[Symbol.iterator]();
  let offset = 0;
  return {
    name: 'iterable',
    async next() {
      const result = await iterator.next();
      if (result.done) return undefined;
      return new Event<K, V>(
        null as K,
        result.value,
        {
          topic: 'iterable',
          partition: 0,
          offset: offset++,
          key: null,
          value: null,
          timestamp: Date.now(),
          headers: {},
        },
        null,
      );
    },
  };
}
