/**
 * The table manager (Faust's TableManager, `app.tables`): the tables of an app, and everything
 * that happens to them while a worker runs.
 *
 * Start: open each table's store (its changelog's real partition count), start the changelog
 * reader, start reading global tables.
 *
 * Rebalance: a table's active partitions are the partition numbers of this worker's assignment
 * over topics with as many partitions as the table's changelog (co-partitioning). Each newly
 * active partition replays its changelog from the store's persisted offset to the high watermark;
 * until it has, the engine holds the fetched messages of that partition number (a delivery gate),
 * so no agent sees an event before its table state is complete. Partitions that stay assigned
 * need nothing; revoked ones keep their store data (it only ever holds a prefix of the changelog,
 * so a partition that comes back replays just the tail). Standby partitions (from the assignor's
 * StandbyProvider) are read continuously. The first recovery (and the first catch-up of global
 * tables) is a ready gate: tasks and timers start after it (app.whenReady()).
 *
 * Writes: changelog records are queued at once (AppProducer.sendNow); while more than
 * BACKLOG_HIGH of them are not yet in the stores, the engine holds fetched messages
 * (back-pressure), until the backlog is down to BACKLOG_LOW.
 */
import type { LifecycleHooks } from '../core/lifecycle.js';
import type { Topic, TopicOptions } from '../channels/topic.js';
import type { Logger } from '../core/logging/index.js';
import { createStore } from '../stores/registry.js';
import type { PartitionOffsets, TopicPartition, TransportAdmin } from '../transport/types.js';
import {
  type ChangelogRecord,
  type Collection,
  DEFAULT_RECOVERY_BUFFER_SIZE,
  range,
  type TableHost,
  type TableSensors,
} from './collection.js';
import { ChangelogBehindStoreError } from './errors.js';
import type { TableAgentHandler, TablesHost } from './host.js';
import { KeySources } from './key-sources.js';
import { RecoveryProgress } from './progress.js';
import { ChangelogReader, readerGroupId } from './reader.js';
import { PartitionReplica } from './replica.js';
import type { ChangelogInfo, StandbyProvider, TableOptions } from './types.js';

type AnyTable = Collection<unknown>;

/** Changelog records not yet in the stores above which fetching waits... */
export const BACKLOG_HIGH = 50_000;
/** ...until they are down to this many. */
export const BACKLOG_LOW = 25_000;

/** How a partition's state came to be complete after a rebalance. */
export type RecoveryPath = 'changelog' | 'standby' | 'up to date';

/** The last recovery of a table partition (for logs, tests and the web). */
export interface PartitionRecovery {
  table: string;
  partition: number;
  path: RecoveryPath;
  /** Records read from the changelog. */
  records: number;
  /** First offset read, and the high watermark reached. */
  fromOffset: number;
  highWatermark: number;
  seconds: number;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const tpKey = (table: string, partition: number): string => `${table}\u0000${partition}`;

export class TableManager implements TableHost {
  private readonly tables = new Map<string, AnyTable>();
  private readonly byChangelog = new Map<string, AnyTable>();
  private hooked = false;
  private reader: ChangelogReader | undefined;
  private readonly topicCounts = new Map<string, number>();
  private standbyProvider: StandbyProvider | undefined;
  /** Replicas by table and partition: recoveries, standbys, global partitions. */
  private readonly replicas = new Map<string, PartitionReplica>();
  /** Partition numbers held back from the streams: the tables they wait for, and until when. */
  private readonly held = new Map<number, Map<PartitionReplica | AnyTable, Promise<void>>>();
  private readonly recoveries = new Set<Promise<void>>();
  private globalCatchUp: Promise<void> | undefined;
  /** recover() calls under way. */
  private recovering = 0;
  private outstanding = 0;
  private backlog: Deferred | undefined;
  private stopping = false;
  private cleanupTimer: NodeJS.Timeout | undefined;
  private progress: RecoveryProgress | undefined;
  private readonly lastRecoveries = new Map<string, PartitionRecovery>();
  private recoveryRound: { started: number; records: number; partitions: number } | undefined;

  private readonly keySources: KeySources;

  constructor(private readonly app: TablesHost) {
    this.keySources = new KeySources({
      logger: app.logger,
      get defaultKeySerializer() {
        return app.conf.keySerializer;
      },
      topic: (name) => app.topics().find((topic) => topic.name === name),
      consumedTopics: () => (app.engine.running ? app.engine.conductor.topics() : undefined),
      partitionCount: (topic) => app.engine.producer.knownPartitions(topic),
      isInternalSink: (topic) =>
        this.byChangelog.has(topic) || app.topics().some((t) => t.name === topic && !t.commits),
    });
  }

  // ---- TableHost --------------------------------------------------------------------------------

  get appId(): string {
    return this.app.appId;
  }

  get logger(): Logger {
    return this.app.logger;
  }

  get sensors(): TableSensors {
    return this.app.sensors;
  }

  get defaultPartitions(): number {
    return this.app.conf.topicPartitions;
  }

  get keyIndexSize(): number {
    return this.app.conf.tableKeyIndexSize;
  }

  sendChangelog(
    table: AnyTable,
    partition: number,
    record: ChangelogRecord,
    onDelivered: (offset: number) => void,
  ): void {
    const receipt = this.app.engine.producer.sendNow(table.changelogTopic, record.key, record.value, {
      partition,
    });
    this.outstanding++;
    if (this.outstanding > BACKLOG_HIGH && !this.backlog) this.backlog = deferred();
    receipt.delivered.then(
      (metadata) => onDelivered(metadata.offset),
      // The producer makes the worker stop (at-least-once is at stake); nothing to keep here.
      () => this.settledChangelog(1),
    );
  }

  settledChangelog(count: number): void {
    this.outstanding -= count;
    if (this.backlog && this.outstanding <= BACKLOG_LOW) {
      this.backlog.resolve();
      this.backlog = undefined;
    }
  }

  topicPartitions(topic: string): number | undefined {
    return this.topicCounts.get(topic);
  }

  sourceKeyBytes(table: AnyTable, key: unknown): Buffer | undefined {
    return this.keySources.bytes(table as AnyTable & { options: TableOptions }, key);
  }

  fail(error: Error): void {
    this.app.crash(error);
  }

  // ---- declarations ---------------------------------------------------------------------------

  /** @internal Adds a table (app.table() and friends); declares its changelog topic. */
  register<T extends AnyTable>(table: T): T {
    if (this.tables.has(table.name)) throw new Error(`table ${table.name} is already defined`);
    const other = this.byChangelog.get(table.changelogTopic);
    if (other) {
      throw new Error(
        `table ${table.name}: table ${other.name} already uses changelog ${table.changelogTopic}`,
      );
    }
    this.tables.set(table.name, table);
    this.byChangelog.set(table.changelogTopic, table);
    this.app.topic(table.changelogTopic, table.changelogTopicOptions);
    if (!this.hooked) {
      this.hooked = true;
      this.app.addLifecycle(this.lifecycle());
    }
    return table;
  }

  /** @internal For set managers: a topic and an agent of the app. */
  get declarations(): {
    topic(name: string, options: TopicOptions): Topic<unknown, unknown>;
    agent(source: Topic<unknown, unknown>, options: { name: string }, handler: TableAgentHandler): unknown;
  } {
    return {
      topic: (name, options) => this.app.topic(name, options) as Topic<unknown, unknown>,
      agent: (source, options, handler) => this.app.agent(source, options, handler),
    };
  }

  /** The app's tables. */
  all(): AnyTable[] {
    return [...this.tables.values()];
  }

  get(name: string): AnyTable | undefined {
    return this.tables.get(name);
  }

  /** Every table's changelog (for the assignor). */
  changelogTopics(): ChangelogInfo[] {
    return this.all().map((table) => ({
      table: table.name,
      topic: table.changelogTopic,
      partitions: table.partitions,
      global: table.global,
    }));
  }

  /** Where standby partitions come from (the partition assignor); none without one. */
  setStandbyProvider(provider: StandbyProvider | undefined): void {
    this.standbyProvider = provider;
  }

  /** The last recovery of every table partition this worker recovered or kept. */
  recoveryStats(): PartitionRecovery[] {
    return [...this.lastRecoveries.values()];
  }

  /** Resolves when no recovery is under way (all table partitions this worker owns are complete). */
  async whenRecovered(): Promise<void> {
    for (;;) {
      const pending = [...this.recoveries];
      if (this.globalCatchUp) pending.push(this.globalCatchUp);
      if (pending.length === 0 || this.stopping) return;
      await Promise.all(pending);
    }
  }

  // ---- worker lifecycle -------------------------------------------------------------------------

  private lifecycle(): LifecycleHooks {
    return {
      name: 'tables',
      onStart: () => this.start(),
      onAssigned: (assignment, generation) => this.assigned(assignment, generation),
      onReady: () => this.startCleanup(),
      onStop: () => this.beginStop(),
      onStopped: () => this.finishStop(),
    };
  }

  private async start(): Promise<void> {
    this.stopping = false;
    this.keySources.reset();
    this.lastRecoveries.clear();
    const { conf } = this.app;
    const engine = this.app.engine;
    const admin = engine.transportAdmin;
    for (const table of this.tables.values()) {
      const count = (await admin.partitionCount(table.changelogTopic)) ?? table.partitions;
      if (count !== table.partitions) {
        this.logger.warn(
          `table ${table.name}: changelog ${table.changelogTopic} exists with ${count} partitions ` +
            `(the table asks for ${table.partitions}); using ${count}`,
        );
      }
      const store = createStore(table.options.store ?? conf.store, {
        table: table.name,
        directory: conf.tabledir,
        partitions: count,
      });
      table.attach(store, count);
      this.topicCounts.set(table.changelogTopic, count);
    }
    this.standbyProvider?.declareTables?.(
      this.all().map((table) => ({
        topic: table.changelogTopic,
        partitions: table.partitions,
        global: table.global,
      })),
    );
    this.tellWarmPartitions();
    engine.addReadyGate(() => this.whenRecovered());
    engine.addDeliveryGate((tp) => this.gate(tp));
    this.reader = new ChangelogReader(
      () =>
        engine.consumer({
          groupId: readerGroupId(this.app.appId),
          autoOffsetReset: 'earliest',
          maxPollRecords: 0,
        }),
      this.all().map((table) => ({ topic: table.changelogTopic, partitions: table.partitions })),
      (error) => this.fail(error),
    );
    await this.reader.start();
    const globals = this.all().filter((table) => table.global);
    if (globals.length > 0) this.globalCatchUp = this.catchUpGlobals(globals, admin);
  }

  /** Global tables: follow every partition for good; the first catch-up holds all streams. */
  private async catchUpGlobals(globals: AnyTable[], admin: TransportAdmin): Promise<void> {
    try {
      const waits: Promise<unknown>[] = [];
      for (const table of globals) {
        const offsets = await admin.topicOffsets(table.changelogTopic);
        for (const partition of range(table.partitions)) {
          waits.push(this.recover(table, partition, offsets, 'global'));
        }
      }
      await Promise.all(waits);
    } catch (error) {
      this.fail(asError(error, 'global table recovery failed'));
    } finally {
      this.globalCatchUp = undefined;
    }
  }

  private async assigned(assignment: TopicPartition[], generation: number): Promise<void> {
    if (this.stopping) return;
    const admin = this.app.engine.transportAdmin;
    for (const topic of new Set(assignment.map((tp) => tp.topic))) {
      if (this.topicCounts.has(topic)) continue;
      const count = await admin.partitionCount(topic);
      if (count !== undefined) this.topicCounts.set(topic, count);
    }
    const standbys = (await this.standbyProvider?.standbys(assignment, generation)) ?? [];
    const offsetsByTable = new Map<AnyTable, PartitionOffsets[]>();
    const started: Promise<void>[] = [];
    const recovered = new Set<AnyTable>();
    for (const table of this.tables.values()) {
      if (table.global) continue;
      const actives = new Set(
        assignment
          .filter((tp) => this.topicCounts.get(tp.topic) === table.partitions)
          .map((tp) => tp.partition),
      );
      const before = table.activePartitions ?? new Set<number>();
      table.setActives(actives);
      const standbyParts = new Set(
        standbys
          .filter((tp) => tp.topic === table.changelogTopic && !actives.has(tp.partition))
          .map((tp) => tp.partition),
      );
      // Replicas that are neither active nor standby any more.
      for (const partition of range(table.partitions)) {
        const replica = this.replicas.get(tpKey(table.name, partition));
        if (!replica || actives.has(partition) || standbyParts.has(partition)) continue;
        if (replica.role === 'recovery' && before.has(partition)) {
          this.logger.info(`table ${table.name}[${partition}]: revoked during its recovery`);
        }
        this.dropReplica(table, partition);
      }
      const fresh = [...actives].filter((partition) => !before.has(partition));
      if (fresh.length > 0) {
        let offsets = offsetsByTable.get(table);
        if (!offsets) {
          offsets = await admin.topicOffsets(table.changelogTopic);
          offsetsByTable.set(table, offsets);
        }
        for (const partition of fresh) started.push(this.recover(table, partition, offsets, 'recovery'));
        recovered.add(table);
      }
      for (const partition of standbyParts) {
        const replica = this.replicas.get(tpKey(table.name, partition));
        if (replica?.role === 'standby') continue;
        if (replica) this.dropReplica(table, partition);
        this.follow(table, partition, 'standby', table.store.persistedOffset(partition) + 1);
      }
    }
    this.tellWarmPartitions();
    if (started.length === 0) return;
    const round = Promise.all(started).then(
      () => this.recovered(recovered),
      (error: unknown) => this.fail(asError(error, 'table recovery failed')),
    );
    this.recoveries.add(round);
    void round.finally(() => this.recoveries.delete(round));
  }

  /** Tells the assignor which changelog partitions have local state here (it keeps them here). */
  private tellWarmPartitions(): void {
    const provider = this.standbyProvider;
    if (!provider?.setWarmPartitions) return;
    const warm: Record<string, number[]> = {};
    for (const table of this.tables.values()) {
      if (!table.isStarted || !table.store.persistent) continue;
      const partitions = table.store.partitions();
      if (partitions.length > 0) warm[table.changelogTopic] = partitions;
    }
    provider.setWarmPartitions(warm);
  }

  /** All recoveries of a rebalance are done: onRecover callbacks, a summary line. */
  private async recovered(tables: Set<AnyTable>): Promise<void> {
    if (this.stopping) return;
    for (const table of tables) {
      try {
        await table.options.onRecover?.();
      } catch (error) {
        this.logger.error(`table ${table.name}: onRecover failed: ${(error as Error).message}`);
      }
    }
  }

  /**
   * Replays one changelog partition into the store up to the high watermark. `role` says what the
   * replica is afterwards: a recovery stops following, a global partition goes on.
   */
  private async recover(
    table: AnyTable,
    partition: number,
    offsets: PartitionOffsets[],
    role: 'recovery' | 'global',
  ): Promise<void> {
    this.recovering++;
    try {
      await this.replay(table, partition, offsets, role);
    } finally {
      this.recovering--;
      this.maybeStopProgress();
    }
  }

  private async replay(
    table: AnyTable,
    partition: number,
    offsets: PartitionOffsets[],
    role: 'recovery' | 'global',
  ): Promise<void> {
    const delayMs = this.app.conf.streamRecoveryDelay * 1000;
    if (delayMs > 0 && role === 'recovery') {
      // streamRecoveryDelay: the partition's events wait through the delay too.
      const delay = new Promise<void>((resolve) => setTimeout(resolve, delayMs).unref());
      this.hold(partition, table, delay);
      await delay;
      if (this.stopping || !table.activePartitions?.has(partition)) return;
    }
    const started = performance.now();
    const { low, high } = offsets.find((o) => o.partition === partition) ?? { low: 0, high: 0 };
    let persisted = table.store.persistedOffset(partition);
    if (persisted > high - 1) {
      const error = new ChangelogBehindStoreError(
        table.name,
        table.changelogTopic,
        partition,
        persisted,
        high,
      );
      if (table.store.persistent && this.app.conf.recoveryConsistencyCheck) {
        // No event of this partition may see the stale state: hold it until the worker stops.
        this.hold(partition, table, new Promise<void>(() => {}));
        throw error;
      }
      this.logger.warn(`${error.message}. Dropping the partition's local state and rebuilding it`);
      const dropped = table.store.dropPartition(partition);
      if (role === 'recovery')
        this.hold(
          partition,
          table,
          dropped.catch(() => undefined),
        );
      await dropped;
      persisted = -1;
    }
    const from = Math.max(persisted + 1, low);
    const existing = this.replicas.get(tpKey(table.name, partition));
    const path: RecoveryPath =
      existing?.role === 'standby' ? 'standby' : from >= high ? 'up to date' : 'changelog';
    let replica = existing;
    if (!replica) {
      if (from >= high && role === 'recovery') {
        this.noteRecovery(table, partition, path, 0, from, high, started);
        return;
      }
      replica = this.follow(table, partition, role, from);
    } else {
      replica.role = role;
    }
    const startPosition = replica.position;
    const catchUp = replica.catchUp(high);
    if (role === 'recovery') this.hold(partition, replica, catchUp);
    this.startProgress();
    const before = replica.applied;
    await catchUp;
    if (this.stopping || this.replicas.get(tpKey(table.name, partition)) !== replica) return;
    if (role === 'recovery') this.dropReplica(table, partition);
    const records = replica.applied - before;
    this.noteRecovery(table, partition, path, records, startPosition, high, started);
  }

  private noteRecovery(
    table: AnyTable,
    partition: number,
    path: RecoveryPath,
    records: number,
    fromOffset: number,
    highWatermark: number,
    started: number,
  ): void {
    const seconds = (performance.now() - started) / 1000;
    const stats: PartitionRecovery = {
      table: table.name,
      partition,
      path,
      records,
      fromOffset,
      highWatermark,
      seconds,
    };
    this.lastRecoveries.set(tpKey(table.name, partition), stats);
    const round = this.recoveryRound;
    if (round) {
      round.records += records;
      round.partitions++;
    }
    const how =
      path === 'standby'
        ? `promoted its standby replica, ${records} records to catch up`
        : path === 'up to date'
          ? 'the local store was up to date'
          : `replayed ${records} changelog records from offset ${fromOffset}`;
    this.logger.info(`table ${table.name}[${partition}] recovered: ${how} (${seconds.toFixed(2)}s)`, {
      table: table.name,
      partition,
      path,
      records,
      fromOffset,
      highWatermark,
    });
  }

  /** Starts reading a changelog partition into the table's store. */
  private follow(
    table: AnyTable,
    partition: number,
    role: PartitionReplica['role'],
    from: number,
  ): PartitionReplica {
    const size =
      role === 'recovery'
        ? (table.options.recoveryBufferSize ?? DEFAULT_RECOVERY_BUFFER_SIZE)
        : (table.options.standbyBufferSize ??
          table.options.recoveryBufferSize ??
          DEFAULT_RECOVERY_BUFFER_SIZE);
    const replica = new PartitionReplica(table, partition, role, from, size, (error) => this.fail(error));
    this.replicas.set(tpKey(table.name, partition), replica);
    this.reader?.follow({ topic: table.changelogTopic, partition }, from, replica);
    return replica;
  }

  private dropReplica(table: AnyTable, partition: number): void {
    const key = tpKey(table.name, partition);
    const replica = this.replicas.get(key);
    if (!replica) return;
    this.replicas.delete(key);
    this.reader?.unfollow({ topic: table.changelogTopic, partition });
    replica.cancel();
    this.unhold(partition, replica);
  }

  /** Holds the streams' events of `partition` until `done` (a recovery of `by`, or the stop). */
  private hold(partition: number, by: PartitionReplica | AnyTable, done: Promise<void>): void {
    let holds = this.held.get(partition);
    if (!holds) {
      holds = new Map();
      this.held.set(partition, holds);
    }
    holds.set(by, done);
    void done.then(() => this.unhold(partition, by));
  }

  private unhold(partition: number, by: PartitionReplica | AnyTable): void {
    const holds = this.held.get(partition);
    if (!holds?.delete(by)) return;
    if (holds.size === 0) this.held.delete(partition);
  }

  /** The engine's delivery gate: what a fetched batch of `tp` must wait for, if anything. */
  private gate(tp: TopicPartition): Promise<void> | undefined {
    if (this.stopping) return undefined;
    if (this.backlog) return this.backlog.promise;
    if (this.globalCatchUp) return this.globalCatchUp;
    if (this.held.size === 0) return undefined;
    const holds = this.held.get(tp.partition);
    if (!holds) return undefined;
    const count = this.topicCounts.get(tp.topic);
    const waits: Promise<void>[] = [];
    for (const [by, done] of holds) {
      const table = by instanceof PartitionReplica ? by.table : by;
      if (count === undefined || count === table.partitions) waits.push(done);
    }
    if (waits.length === 0) return undefined;
    return waits.length === 1 ? waits[0] : Promise.all(waits).then(() => undefined);
  }

  private startProgress(): void {
    if (!this.progress) {
      this.progress = new RecoveryProgress({ progress: () => this.recoveryProgress() }, this.logger);
    }
    if (!this.progress.running) {
      this.recoveryRound = { started: performance.now(), records: 0, partitions: 0 };
      this.progress.start();
    }
  }

  private maybeStopProgress(): void {
    if (this.recovering > 0 || !this.progress?.running) return;
    const round = this.recoveryRound;
    const seconds = round ? (performance.now() - round.started) / 1000 : 0;
    this.progress.stop(
      round
        ? `tables recovered: ${round.records.toLocaleString('en-US')} records into ${round.partitions} partitions in ${seconds.toFixed(1)}s`
        : undefined,
    );
    this.recoveryRound = undefined;
  }

  private recoveryProgress(): { done: number; total: number; partitions: number } {
    let done = 0;
    let total = 0;
    let partitions = 0;
    for (const replica of this.replicas.values()) {
      if (!replica.isCatchingUp) continue;
      const p = replica.progress();
      done += p.done;
      total += p.total;
      partitions++;
    }
    return { done, total, partitions };
  }

  private startCleanup(): void {
    const expiring = this.all().filter((table) => table.hasExpirers);
    if (expiring.length === 0 || this.cleanupTimer) return;
    const intervalMs = this.app.conf.tableCleanupInterval * 1000;
    let running = false;
    this.cleanupTimer = setInterval(async () => {
      if (running || this.stopping) return;
      running = true;
      try {
        for (const table of expiring) {
          try {
            await table.expire(Date.now());
          } catch (error) {
            this.logger.error(`table ${table.name}: cleanup failed: ${(error as Error).message}`);
          }
        }
      } finally {
        running = false;
      }
    }, intervalMs);
    this.cleanupTimer.unref();
  }

  private beginStop(): void {
    this.stopping = true;
    if (this.cleanupTimer) clearInterval(this.cleanupTimer);
    this.cleanupTimer = undefined;
    // Let held batches go (the engine drops them now): the consumer must be able to stop.
    this.backlog?.resolve();
    this.backlog = undefined;
    for (const replica of this.replicas.values()) if (replica.role === 'recovery') replica.cancel();
    this.held.clear();
    this.progress?.stop();
  }

  private async finishStop(): Promise<void> {
    // The producer flushed: every acknowledged changelog record goes into the stores now.
    for (const table of this.tables.values()) {
      try {
        await table.flushed();
      } catch (error) {
        this.logger.error(`table ${table.name}: final store writes failed: ${(error as Error).message}`);
      }
    }
    await this.reader?.stop().catch((error: unknown) => {
      this.logger.warn(`the changelog reader did not stop cleanly: ${(error as Error).message}`);
    });
    this.reader = undefined;
    for (const replica of this.replicas.values()) await replica.drained().catch(() => undefined);
    this.replicas.clear();
    for (const table of this.tables.values()) {
      if (!table.isStarted) continue;
      const store = table.store;
      table.detach();
      await store.close();
    }
    this.outstanding = 0;
  }
}

function asError(error: unknown, context: string): Error {
  if (error instanceof ChangelogBehindStoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`${context}: ${message}`, { cause: error });
}
