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
 *
 * This module is the registry and the worker lifecycle; replaying a partition is recovery.ts,
 * following changelog partitions and holding events is replicas.ts, standby replicas standbys.ts.
 */
import type { LifecycleHooks } from '../core/lifecycle.js';
import type { Topic, TopicOptions } from '../channels/topic.js';
import type { Logger } from '../core/logging/index.js';
import { createStore } from '../stores/registry.js';
import { isTransactionAborted } from '../transport/transaction-aborted.js';
import type { PartitionOffsets, TopicPartition, TransportAdmin } from '../transport/types.js';
import {
  type ChangelogRecord,
  type Collection,
  range,
  type TableHost,
  type TableSensors,
} from './collection.js';
import { ChangelogBehindStoreError } from './errors.js';
import type { TableAgentHandler, TablesHost } from './host.js';
import { KeySources } from './key-sources.js';
import { ChangelogReader, readerGroupId } from './reader.js';
import { type PartitionRecovery, Recoveries } from './recovery.js';
import { Replicas } from './replicas.js';
import { Standbys } from './standbys.js';
import type { ChangelogInfo, StandbyProvider, TableOptions } from './types.js';

type AnyTable = Collection<unknown>;

/** Changelog records not yet in the stores above which fetching waits... */
export const BACKLOG_HIGH = 50_000;
/** ...until they are down to this many. */
export const BACKLOG_LOW = 25_000;

export type { PartitionRecovery, RecoveryPath } from './recovery.js';

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

export class TableManager implements TableHost {
  private readonly tables = new Map<string, AnyTable>();
  private readonly byChangelog = new Map<string, AnyTable>();
  private hooked = false;
  private reader: ChangelogReader | undefined;
  private readonly topicCounts = new Map<string, number>();
  /** Changelog partitions read into the stores (recoveries, standbys, global partitions) and the holds. */
  private readonly replicas = new Replicas(
    () => this.reader,
    (error) => this.fail(error),
  );
  private readonly recovery: Recoveries;
  private readonly standbys = new Standbys(this.replicas);
  /** Recovery rounds under way (one per rebalance). */
  private readonly recoveries = new Set<Promise<void>>();
  private globalCatchUp: Promise<void> | undefined;
  private outstanding = 0;
  private backlog: Deferred | undefined;
  private stopping = false;
  private cleanupTimer: NodeJS.Timeout | undefined;

  private readonly keySources: KeySources;

  constructor(private readonly app: TablesHost) {
    this.recovery = new Recoveries({
      logger: app.logger,
      replicas: this.replicas,
      delayMs: () => app.conf.streamRecoveryDelay * 1000,
      consistencyCheck: () => app.conf.recoveryConsistencyCheck,
      stopping: () => this.stopping,
    });
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

  get maxRequestSize(): number {
    return this.app.conf.producerMaxRequestSize;
  }

  sendChangelog(
    table: AnyTable,
    partition: number,
    record: ChangelogRecord,
    onDelivered: (offset: number) => void,
    onAborted: () => void,
  ): void {
    const receipt = this.app.engine.producer.sendNow(table.changelogTopic, record.key, record.value, {
      partition,
    });
    this.outstanding++;
    if (this.outstanding > BACKLOG_HIGH && !this.backlog) this.backlog = deferred();
    receipt.delivered.then(
      (metadata) => onDelivered(metadata.offset),
      (error: unknown) => {
        // Otherwise the producer makes the worker stop (at-least-once is at stake).
        if (isTransactionAborted(error)) onAborted();
        this.settledChangelog(1);
      },
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
    this.standbys.setProvider(provider);
  }

  /** The last recovery of every table partition this worker recovered or kept. */
  recoveryStats(): PartitionRecovery[] {
    return this.recovery.stats();
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
    this.recovery.reset();
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
    this.standbys.declareTables(this.all());
    this.standbys.tellWarm(this.tables.values());
    engine.addReadyGate(() => this.whenRecovered());
    engine.addDeliveryGate((tp) => this.gate(tp));
    engine.addAbortSettler(() => this.flushTables());
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
          waits.push(this.recovery.recover(table, partition, offsets, 'global'));
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
    const standbys = await this.standbys.of(assignment, generation);
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
      const standbyParts = this.standbys.partitionsOf(table, standbys, actives);
      // Replicas that are neither active nor standby any more.
      for (const partition of range(table.partitions)) {
        const replica = this.replicas.get(table, partition);
        if (!replica || actives.has(partition) || standbyParts.has(partition)) continue;
        if (replica.role === 'recovery' && before.has(partition)) {
          this.logger.info(`table ${table.name}[${partition}]: revoked during its recovery`);
        }
        this.replicas.drop(table, partition);
      }
      const fresh = [...actives].filter((partition) => !before.has(partition));
      if (fresh.length > 0) {
        let offsets = offsetsByTable.get(table);
        if (!offsets) {
          offsets = await admin.topicOffsets(table.changelogTopic);
          offsetsByTable.set(table, offsets);
        }
        for (const partition of fresh)
          started.push(this.recovery.recover(table, partition, offsets, 'recovery'));
        recovered.add(table);
      }
      this.standbys.follow(table, standbyParts);
    }
    this.standbys.tellWarm(this.tables.values());
    if (started.length === 0) return;
    const round = Promise.all(started).then(
      () => this.recovered(recovered),
      (error: unknown) => this.fail(asError(error, 'table recovery failed')),
    );
    this.recoveries.add(round);
    void round.finally(() => this.recoveries.delete(round));
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

  /** The engine's delivery gate: what a fetched batch of `tp` must wait for, if anything. */
  private gate(tp: TopicPartition): Promise<void> | undefined {
    if (this.stopping) return undefined;
    if (this.backlog) return this.backlog.promise;
    if (this.globalCatchUp) return this.globalCatchUp;
    return this.replicas.holdsFor(tp, this.topicCounts.get(tp.topic));
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
    this.replicas.cancelRecoveries();
    this.recovery.stopProgress();
  }

  /** Every acknowledged (committed) changelog record of this worker in its store. */
  private async flushTables(): Promise<void> {
    for (const table of this.tables.values()) await table.flushed();
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
    await this.replicas.drainAll();
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
