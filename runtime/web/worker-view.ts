import type { MonitorSnapshot } from '../core/monitoring.js';
import type { StalledPartition } from '../core/monitoring.js';
import type { ClusterView, RecoveryView, ViewableTable } from './host.js';
import type { OwnershipState } from './ownership.js';

/** A table as the web shows it. */
export interface TableView {
  name: string;
  kind: string;
  global: boolean;
  changelogTopic: string;
  partitions: number;
  /** Partitions whose keys this worker serves. */
  ownedPartitions: number[];
  /** Keys held in those partitions (undefined when the store cannot count). */
  size: number | undefined;
}

export interface WorkerStatus {
  live: true;
  ready: boolean;
  rebalancing: boolean;
  generation: number;
  /** Partitions with lag that make no progress (consumerStallTimeout); any makes the worker not ready. */
  stalled: string[];
}

/** What the built-in endpoints read from the worker: one place, so they are easy to test. */
export interface WorkerView {
  readonly appId: string;
  readonly canonicalUrl: string;
  status(): WorkerStatus;
  monitorSnapshot(): MonitorSnapshot;
  tables(): TableView[];
  recoveries(): RecoveryView[];
  cluster(): ClusterView | undefined;
  agents(): string[];
  /** The app's topics with this many partitions (where table owners are found when changelogs are not assigned). */
  coPartitioned(partitions: number): readonly string[];
}

export type { ViewableTable };

export function tableView(table: ViewableTable): TableView {
  const owned = table.isStarted ? table.ownedPartitions() : [];
  let size: number | undefined;
  if (table.isStarted) {
    try {
      size = owned.reduce((sum, partition) => sum + table.store.count(partition), 0);
    } catch {
      size = undefined;
    }
  }
  return {
    name: table.name,
    kind: table.kind,
    global: table.global,
    changelogTopic: table.changelogTopic,
    partitions: table.partitions,
    ownedPartitions: owned,
    size,
  };
}

export function workerStatus(state: OwnershipState, stalled: StalledPartition[] = []): WorkerStatus {
  return {
    live: true,
    ready: state.isReady && stalled.length === 0,
    rebalancing: state.isRebalancing,
    generation: state.currentGeneration,
    stalled: stalled.map(
      (s) =>
        `${s.topic}[${s.partition}]: committed ${s.committed}, high ${s.high}, no progress for ${Math.round(s.stalledForMs / 1000)} s`,
    ),
  };
}
