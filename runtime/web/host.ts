/**
 * What the web layer needs from the worker it serves (a port: the app implements it). The cluster
 * map comes from the partition assignor, table recoveries from the table manager, the figures from
 * the monitor; the web only reads them, in the shapes declared here.
 */
import type { LifecycleHooks } from '../core/lifecycle.js';
import type { Logger } from '../core/logging/index.js';
import type { MonitorSnapshot, StalledPartition } from '../core/monitoring.js';
import type { Settings } from '../core/settings/index.js';
import type { TopicPartition } from '../core/types.js';

/** Partitions by topic. */
export type TopicPartitionMap = Readonly<Record<string, readonly number[]>>;

/** One group member's part of the cluster map. */
export interface ClusterMember {
  readonly memberId: string;
  /** The member's canonicalUrl (undefined when it has none). */
  readonly url: string | undefined;
  readonly actives: TopicPartitionMap;
  readonly standbys: TopicPartitionMap;
}

/** Which worker holds which partitions, as the group's latest assignment says. */
export interface ClusterView {
  readonly generation: number;
  readonly complete: boolean;
  readonly members: readonly ClusterMember[];
  readonly self: ClusterMember;
  /** Whether this worker holds the partition (active) in this assignment. */
  isLocal(topic: string, partition: number): boolean;
  /** The canonical URL of the partition's active owner, when known. */
  urlFor(topic: string, partition: number): string | undefined;
}

/** How a table partition's state came to be complete after a rebalance. */
export interface RecoveryView {
  table: string;
  partition: number;
  path: 'changelog' | 'standby' | 'up to date';
  records: number;
  fromOffset: number;
  highWatermark: number;
  seconds: number;
}

/** A table as key-owned routes need it. */
export interface RoutableTable {
  readonly name: string;
  readonly global: boolean;
  readonly changelogTopic: string;
  readonly partitions: number;
  readonly options: { keyType?: unknown };
  readonly activePartitions: ReadonlySet<number> | undefined;
  /** The partition holding the key: where the events that wrote it were (their topic's key bytes). */
  keyPartition(key: unknown): number;
}

/** The parts of a table the views read (Collection and its subclasses have them). */
export interface ViewableTable {
  readonly name: string;
  readonly kind: string;
  readonly global: boolean;
  readonly changelogTopic: string;
  readonly partitions: number;
  readonly isStarted: boolean;
  ownedPartitions(): number[];
  readonly store: { count(partition: number): number };
}

/** A table as the web reads it: its views, key routes and /table/<name>/<key>. */
export interface WebTable extends RoutableTable, ViewableTable {
  /** Tables with plain keys (not set tables' operations) answer /table/<name>/<key>. */
  get?(key: unknown): unknown;
}

export interface WebHost {
  readonly appId: string;
  readonly conf: Readonly<Settings>;
  readonly logger: Logger;
  /** Names of the app's declared topics. */
  topicNames(): string[];
  agentNames(): string[];
  /** This worker's assignment of the main consumer. */
  assignment(): TopicPartition[];
  cluster(): ClusterView | undefined;
  /** Resolves with the cluster map of `generation` (or a later one) once the group has it. */
  whenAssigned(generation: number): Promise<ClusterView>;
  /** Calls `listener` after every rebalance has completed. */
  onRebalanceComplete(listener: () => void): void;
  /** Partition count of a topic, from the broker. */
  partitionCount(topic: string): Promise<number | undefined>;
  monitorSnapshot(): MonitorSnapshot;
  stalledPartitions(): StalledPartition[];
  tables(): WebTable[];
  table(name: string): WebTable | undefined;
  recoveries(): RecoveryView[];
  /** Resolves when every table partition this worker owns is recovered. */
  whenRecovered(): Promise<void>;
}

export type { LifecycleHooks };
