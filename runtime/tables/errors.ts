/** Errors of tables, each naming the table and what to do. */

/** A table was changed while no agent was processing an event. */
export class TableWriteOutsideStreamError extends Error {
  constructor(table: string, operation: string) {
    super(
      `table ${table}: ${operation} outside of an agent's stream. A table changes only while an agent ` +
        'processes an event: the change goes to the changelog partition of that event, and the ' +
        "event's offset is committed once the change is in the changelog",
    );
    this.name = 'TableWriteOutsideStreamError';
  }
}

/** Faust's PartitionsMismatch: a source topic and the changelog differ in partition count. */
export class PartitionsMismatchError extends Error {
  constructor(
    readonly table: string,
    readonly sourceTopic: string,
    readonly sourcePartitions: number,
    readonly changelogTopic: string,
    readonly changelogPartitions: number,
  ) {
    super(
      `table ${table}: source topic ${sourceTopic} has ${sourcePartitions} partitions but the changelog ` +
        `${changelogTopic} has ${changelogPartitions}. A table is co-partitioned with the topics that ` +
        'write to it: give them the same number of partitions (the table option `partitions`), ' +
        'or set `usePartitioner: true` on the table',
    );
    this.name = 'PartitionsMismatchError';
  }
}

/**
 * The local store has applied changelog records that the changelog no longer has: the topic was
 * deleted and recreated (or truncated) while the local data was kept. Faust's ConsistencyError.
 */
export class ChangelogBehindStoreError extends Error {
  constructor(
    readonly table: string,
    readonly changelogTopic: string,
    readonly partition: number,
    readonly persistedOffset: number,
    readonly highWatermark: number,
  ) {
    super(
      `table ${table}: the local store has applied ${changelogTopic}[${partition}] up to offset ` +
        `${persistedOffset}, but the changelog ends at offset ${highWatermark - 1} (high watermark ` +
        `${highWatermark}). The changelog topic was probably recreated while this worker kept its ` +
        "local table data. Fix: run the app's `reset` command (`faustgen reset`; it drops local table " +
        'state, which is then rebuilt from the changelog) and start the worker again; or set ' +
        'recoveryConsistencyCheck to false to have workers drop such partitions and rebuild them',
    );
    this.name = 'ChangelogBehindStoreError';
  }
}
