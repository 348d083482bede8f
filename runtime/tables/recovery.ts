/**
 * Recovery of table partitions: replays a changelog partition from the store's persisted offset
 * to the high watermark (or promotes the standby replica that already follows it), holding the
 * partition's events until it is done; logs each recovery and the progress of a round.
 */
import type { Logger } from '../core/logging/index.js';
import type { PartitionOffsets } from '../transport/types.js';
import type { Collection } from './collection.js';
import { ChangelogBehindStoreError } from './errors.js';
import { RecoveryProgress } from './progress.js';
import type { Replicas } from './replicas.js';

type AnyTable = Collection<unknown>;

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

export interface RecoveryOptions {
  readonly logger: Logger;
  readonly replicas: Replicas;
  /** streamRecoveryDelay, in milliseconds. */
  delayMs(): number;
  /** recoveryConsistencyCheck: a store ahead of its changelog stops the worker (else it is rebuilt). */
  consistencyCheck(): boolean;
  /** The worker is stopping: recoveries end quietly. */
  stopping(): boolean;
}

const tpKey = (table: string, partition: number): string => `${table}\u0000${partition}`;

export class Recoveries {
  /** recover() calls under way. */
  private recovering = 0;
  private progress: RecoveryProgress | undefined;
  private round: { started: number; records: number; partitions: number } | undefined;
  private readonly last = new Map<string, PartitionRecovery>();

  constructor(private readonly options: RecoveryOptions) {}

  /** The last recovery of every table partition this worker recovered or kept. */
  stats(): PartitionRecovery[] {
    return [...this.last.values()];
  }

  /** A new start: forget what earlier runs recovered. */
  reset(): void {
    this.last.clear();
  }

  /** The worker stops: no more progress lines. */
  stopProgress(): void {
    this.progress?.stop();
  }

  /**
   * Replays one changelog partition into the store up to the high watermark. `role` says what the
   * replica is afterwards: a recovery stops following, a global partition goes on.
   */
  async recover(
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
    const { replicas, logger } = this.options;
    const delayMs = this.options.delayMs();
    if (delayMs > 0 && role === 'recovery') {
      // streamRecoveryDelay: the partition's events wait through the delay too.
      const delay = new Promise<void>((resolve) => setTimeout(resolve, delayMs).unref());
      replicas.hold(partition, table, delay);
      await delay;
      if (this.options.stopping() || !table.activePartitions?.has(partition)) return;
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
      if (table.store.persistent && this.options.consistencyCheck()) {
        // No event of this partition may see the stale state: hold it until the worker stops.
        replicas.hold(partition, table, new Promise<void>(() => {}));
        throw error;
      }
      logger.warn(`${error.message}. Dropping the partition's local state and rebuilding it`);
      const dropped = table.store.dropPartition(partition);
      if (role === 'recovery')
        replicas.hold(
          partition,
          table,
          dropped.catch(() => undefined),
        );
      await dropped;
      persisted = -1;
    }
    const from = Math.max(persisted + 1, low);
    const existing = replicas.get(table, partition);
    const path: RecoveryPath =
      existing?.role === 'standby' ? 'standby' : from >= high ? 'up to date' : 'changelog';
    let replica = existing;
    if (!replica) {
      if (from >= high && role === 'recovery') {
        this.note(table, partition, path, 0, from, high, started);
        return;
      }
      replica = replicas.follow(table, partition, role, from);
    } else {
      replica.role = role;
    }
    const startPosition = replica.position;
    const catchUp = replica.catchUp(high);
    if (role === 'recovery') replicas.hold(partition, replica, catchUp);
    this.startProgress();
    const before = replica.applied;
    await catchUp;
    if (this.options.stopping() || replicas.get(table, partition) !== replica) return;
    if (role === 'recovery') replicas.drop(table, partition);
    const records = replica.applied - before;
    this.note(table, partition, path, records, startPosition, high, started);
  }

  private note(
    table: AnyTable,
    partition: number,
    path: RecoveryPath,
    records: number,
    fromOffset: number,
    highWatermark: number,
    started: number,
  ): void {
    const seconds = (performance.now() - started) / 1000;
    this.last.set(tpKey(table.name, partition), {
      table: table.name,
      partition,
      path,
      records,
      fromOffset,
      highWatermark,
      seconds,
    });
    const round = this.round;
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
    this.options.logger.info(`table ${table.name}[${partition}] recovered: ${how} (${seconds.toFixed(2)}s)`, {
      table: table.name,
      partition,
      path,
      records,
      fromOffset,
      highWatermark,
    });
  }

  private startProgress(): void {
    if (!this.progress) {
      this.progress = new RecoveryProgress({ progress: () => this.figures() }, this.options.logger);
    }
    if (!this.progress.running) {
      this.round = { started: performance.now(), records: 0, partitions: 0 };
      this.progress.start();
    }
  }

  private maybeStopProgress(): void {
    if (this.recovering > 0 || !this.progress?.running) return;
    const round = this.round;
    const seconds = round ? (performance.now() - round.started) / 1000 : 0;
    this.progress.stop(
      round
        ? `tables recovered: ${round.records.toLocaleString('en-US')} records into ${round.partitions} partitions in ${seconds.toFixed(1)}s`
        : undefined,
    );
    this.round = undefined;
  }

  private figures(): { done: number; total: number; partitions: number } {
    let done = 0;
    let total = 0;
    let partitions = 0;
    for (const replica of this.options.replicas.all()) {
      if (!replica.isCatchingUp) continue;
      const p = replica.progress();
      done += p.done;
      total += p.total;
      partitions++;
    }
    return { done, total, partitions };
  }
}
