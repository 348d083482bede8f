/**
 * What the monitor reports (runtime/sensors' Monitor), as plain JSON-able values: the web's
 * /stats, /metrics and dashboard read these shapes, so they live below both.
 */

export interface StalledPartition {
  topic: string;
  partition: number;
  committed: number;
  high: number;
  lag: number;
  /** How long the committed offset has not moved, in milliseconds. */
  stalledForMs: number;
}

/** What a latency history reports: totals since start, and figures over the recent history. */
export interface LatencySummary {
  /** Measurements since the start. */
  count: number;
  /** Sum of every measurement since the start, in ms (Prometheus `_sum`). */
  totalMs: number;
  /** Over the last `history` measurements (0 when there is none): */
  avgMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** One agent's events. */
export interface AgentStats {
  /** Events its actors took from its source. */
  eventsTotal: number;
  /** Events taken and not yet done with. */
  eventsActive: number;
  eventsPerSecond: number;
  /** Time from taking an event to being done with it. */
  runtime: LatencySummary;
}

/** One assigned partition's offsets; -1 where not known yet. */
export interface PartitionStats {
  topic: string;
  partition: number;
  /** High watermark at the last fetch: one past the last message in the partition. */
  endOffset: number;
  /** One past the last offset fetched. */
  readOffset: number;
  /** The last offset this worker committed (the next one to read). */
  committedOffset: number;
  /**
   * Kafka's consumer lag: endOffset minus the committed position (the committed offset, or the
   * offset this worker started reading at before its first commit). Null until both are known.
   */
  lag: number | null;
}

/** Keys read, written and deleted in one table. */
export interface TableStats {
  keysRetrieved: number;
  keysUpdated: number;
  keysDeleted: number;
}

/**
 * Everything the monitor knows, as plain JSON-able data (for /stats, and for Prometheus via
 * prometheusText()). Counters count since the monitor started; rates are per second over the
 * rate window; latencies are in milliseconds.
 */
export interface MonitorSnapshot {
  /** Wall-clock time of the snapshot (ms since the epoch). */
  time: number;
  uptimeSeconds: number;
  /** Consumed messages not yet acked by every stream that reads them (this generation). */
  messagesActive: number;
  /** Assigned partitions with lag whose committed offset has not moved for consumerStallTimeout. */
  stalledPartitions: StalledPartition[];
  messagesReceivedTotal: number;
  messagesReceivedByTopic: Record<string, number>;
  messagesReceivedPerSecond: number;
  /** Produced messages acknowledged by the broker. */
  messagesSent: number;
  messagesSentByTopic: Record<string, number>;
  messagesSentPerSecond: number;
  sendErrors: number;
  sendLatency: LatencySummary;
  /** Events handed to agents, all agents together. */
  eventsTotal: number;
  eventsActive: number;
  eventsPerSecond: number;
  eventsByTopic: Record<string, number>;
  eventRuntime: LatencySummary;
  agents: Record<string, AgentStats>;
  commits: number;
  commitErrors: number;
  commitLatency: LatencySummary;
  rebalances: number;
  rebalanceLatency: LatencySummary;
  /** The consumer group generation of the last rebalance (0 before the first). */
  generation: number;
  /** Times a stream buffer of the topic filled up and fetching waited. */
  topicBufferFull: Record<string, number>;
  /** Assigned partitions, by topic then partition. */
  partitions: PartitionStats[];
  tables: Record<string, TableStats>;
}
