/** Partitions per topic, as carried in JSON: `{ "orders": [0, 2], "app-t-changelog": [0, 2] }`. */
export type TopicPartitions = Record<string, number[]>;

/**
 * A topic that holds table state (a changelog), declared by the member that keeps the table.
 * Table topics get standby replicas. A table topic need not be subscribed through the group: the
 * table layer may read it itself, and the assignment still names who holds which partition.
 */
export interface TableTopic {
  topic: string;
  /** Partition count as the member knows it (the broker's count wins for subscribed topics). */
  partitions: number;
  /** A global table: every member holds every partition, as active. */
  global: boolean;
}
