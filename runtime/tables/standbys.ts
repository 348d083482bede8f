/**
 * Standby replicas: changelog partitions this worker follows without owning them, so that it can
 * take them over with little to replay. Which ones comes from the partition assignor (the
 * StandbyProvider); the assignor in turn learns which partitions have local state here ("warm"),
 * and keeps them here where it can.
 */
import type { TopicPartition } from '../core/types.js';
import type { Collection } from './collection.js';
import type { Replicas } from './replicas.js';
import type { StandbyProvider } from './types.js';

type AnyTable = Collection<unknown>;

export class Standbys {
  private provider: StandbyProvider | undefined;

  constructor(private readonly replicas: Replicas) {}

  setProvider(provider: StandbyProvider | undefined): void {
    this.provider = provider;
  }

  /** Tells the provider which changelogs the tables have. */
  declareTables(tables: AnyTable[]): void {
    this.provider?.declareTables?.(
      tables.map((table) => ({
        topic: table.changelogTopic,
        partitions: table.partitions,
        global: table.global,
      })),
    );
  }

  /** The standby partitions of this member for an assignment (none without a provider). */
  async of(assignment: TopicPartition[], generation: number): Promise<TopicPartition[]> {
    return (await this.provider?.standbys(assignment, generation)) ?? [];
  }

  /** The table's standby partitions among `standbys`: those of its changelog it does not own. */
  partitionsOf(table: AnyTable, standbys: TopicPartition[], actives: ReadonlySet<number>): Set<number> {
    return new Set(
      standbys
        .filter((tp) => tp.topic === table.changelogTopic && !actives.has(tp.partition))
        .map((tp) => tp.partition),
    );
  }

  /** Follows each of the table's standby partitions from its persisted offset (once). */
  follow(table: AnyTable, partitions: Iterable<number>): void {
    for (const partition of partitions) {
      const replica = this.replicas.get(table, partition);
      if (replica?.role === 'standby') continue;
      if (replica) this.replicas.drop(table, partition);
      this.replicas.follow(table, partition, 'standby', table.store.persistedOffset(partition) + 1);
    }
  }

  /** Tells the provider which changelog partitions have local state here. */
  tellWarm(tables: Iterable<AnyTable>): void {
    const provider = this.provider;
    if (!provider?.setWarmPartitions) return;
    const warm: Record<string, number[]> = {};
    for (const table of tables) {
      if (!table.isStarted || !table.store.persistent) continue;
      const partitions = table.store.partitions();
      if (partitions.length > 0) warm[table.changelogTopic] = partitions;
    }
    provider.setWarmPartitions(warm);
  }
}
