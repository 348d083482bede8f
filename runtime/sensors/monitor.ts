import type { EventOrigin } from '../streams/event.js';
import type { CommitOffset, MessageBatch, TopicPartition } from '../transport/types.js';
import type { Sensor } from '../core/sensor.js';
import type {
  AgentStats,
  MonitorSnapshot,
  PartitionStats,
  StalledPartition,
  TableStats,
} from '../core/monitoring.js';
import { type Clock, LatencyHistory, RateMeter } from './stats.js';

export type { AgentStats, MonitorSnapshot, PartitionStats, TableStats };

export interface MonitorOptions {
  /** Monotonic milliseconds (default performance.now). */
  clock?: Clock;
  /** Wall-clock milliseconds for the snapshot's `time` (default Date.now). */
  wallClock?: () => number;
  /** Seconds of history behind every rate (default 10); start() samples the counts once a second. */
  rateWindowSeconds?: number;
  /** Event runtimes kept for the averages and percentiles, per agent and overall (Faust's max_avg_history, 100). */
  maxAvgHistory?: number;
  /** Commit latencies kept (Faust's max_commit_latency_history, 30). */
  maxCommitLatencyHistory?: number;
  /** Send latencies kept (Faust's max_send_latency_history, 30). */
  maxSendLatencyHistory?: number;
  /** Rebalance latencies kept (Faust's max_assignment_latency_history, 30). */
  maxRebalanceLatencyHistory?: number;
  /** Read at snapshot time: consumed messages not yet acked by every stream that reads them. */
  messagesActive?: () => number;
  /** Read at snapshot time: partitions with lag whose committed offset does not move. */
  stalledPartitions?: () => StalledPartition[];
}

class AgentCounters {
  eventsOut = 0;
  /** Counts the events in. */
  readonly rate: RateMeter;
  readonly runtime: LatencyHistory;

  constructor(
    readonly name: string,
    windowSeconds: number,
    startedAt: number,
    history: number,
  ) {
    this.rate = new RateMeter(windowSeconds, startedAt);
    this.runtime = new LatencyHistory(history);
  }
}

/** Counts by name (topic), remembering the last name asked for: streams mostly repeat it. */
class CountsByName {
  private readonly counts = new Map<string, { n: number }>();
  private lastName: string | undefined;
  private lastCell = { n: 0 };

  add(name: string, n = 1): void {
    if (name !== this.lastName) {
      let cell = this.counts.get(name);
      if (!cell) {
        cell = { n: 0 };
        this.counts.set(name, cell);
      }
      this.lastName = name;
      this.lastCell = cell;
    }
    this.lastCell.n += n;
  }

  toRecord(): Record<string, number> {
    return record(new Map([...this.counts].map(([name, cell]) => [name, cell.n])));
  }
}

interface PartitionState {
  topic: string;
  partition: number;
  endOffset: number;
  readOffset: number;
  firstOffset: number;
  committedOffset: number;
}

const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

const increment = (map: Map<string, number>, key: string, n = 1) => map.set(key, (map.get(key) ?? 0) + n);

const SAMPLE_INTERVAL_MS = 1000;

/**
 * The main sensor (Faust's Monitor): counts messages and events per topic and agent, rates,
 * event runtimes, commit, send and rebalance latencies, and offsets and lag per partition.
 * `app.monitor` is the app's; `snapshot()` returns all of it.
 */
export class Monitor implements Sensor {
  protected readonly clock: Clock;
  private readonly wallClock: () => number;
  private readonly startedAt: number;
  private readonly windowSeconds: number;
  private readonly avgHistory: number;
  private readonly messagesActiveProbe: (() => number) | undefined;
  private readonly stalledProbe: (() => StalledPartition[]) | undefined;
  private sampler: NodeJS.Timeout | undefined;

  private readonly receivedByTopic = new CountsByName();
  /** Counts the messages received. */
  private readonly receivedRate: RateMeter;
  private readonly sentByTopic = new CountsByName();
  /** Counts the messages sent. */
  private readonly sentRate: RateMeter;
  private sendErrorCount = 0;
  private readonly sendLatencies: LatencyHistory;
  private eventsOut = 0;
  private readonly eventsByTopic = new CountsByName();
  /** Counts the events in. */
  private readonly eventsRate: RateMeter;
  private readonly eventRuntimes: LatencyHistory;
  private readonly agentCounters = new Map<string, AgentCounters>();
  private lastAgent: AgentCounters | undefined;
  private commitErrorCount = 0;
  private readonly commitLatencies: LatencyHistory;
  private readonly rebalanceLatencies: LatencyHistory;
  private lastGeneration = 0;
  private readonly bufferFull = new Map<string, number>();
  private readonly partitionStates = new Map<string, PartitionState>();
  private readonly tableCounters = new Map<string, TableStats>();

  constructor(options: MonitorOptions = {}) {
    this.clock = options.clock ?? (() => performance.now());
    this.wallClock = options.wallClock ?? Date.now;
    this.startedAt = this.clock();
    this.windowSeconds = options.rateWindowSeconds ?? 10;
    this.avgHistory = options.maxAvgHistory ?? 100;
    this.messagesActiveProbe = options.messagesActive;
    this.stalledProbe = options.stalledPartitions;
    this.receivedRate = new RateMeter(this.windowSeconds, this.startedAt);
    this.sentRate = new RateMeter(this.windowSeconds, this.startedAt);
    this.eventsRate = new RateMeter(this.windowSeconds, this.startedAt);
    this.eventRuntimes = new LatencyHistory(this.avgHistory);
    this.sendLatencies = new LatencyHistory(options.maxSendLatencyHistory ?? 30);
    this.commitLatencies = new LatencyHistory(options.maxCommitLatencyHistory ?? 30);
    this.rebalanceLatencies = new LatencyHistory(options.maxRebalanceLatencyHistory ?? 30);
  }

  // ---- Sensor -----------------------------------------------------------------------------------

  onMessagesIn(batch: MessageBatch): void {
    const { topic, partition, messages } = batch;
    const count = messages.length;
    if (count > 0) {
      this.receivedRate.mark(count);
      this.receivedByTopic.add(topic, count);
    }
    const state = this.partitionState(topic, partition);
    if (batch.highWatermark > state.endOffset) state.endOffset = batch.highWatermark;
    if (count > 0) {
      if (state.firstOffset < 0) state.firstOffset = messages[0]!.offset;
      state.readOffset = messages[count - 1]!.offset + 1;
    }
  }

  onTopicBufferFull(topic: string): void {
    increment(this.bufferFull, topic);
  }

  onEventIn(agent: string, event: EventOrigin): void {
    this.agent(agent).rate.mark();
    this.eventsRate.mark();
    this.eventsByTopic.add(event.topic);
  }

  onEventOut(agent: string, _event: EventOrigin, ms: number): void {
    const counters = this.agent(agent);
    counters.eventsOut++;
    counters.runtime.record(ms);
    this.eventsOut++;
    this.eventRuntimes.record(ms);
  }

  onSend(topic: string, _partition: number, ms: number): void {
    this.sentRate.mark();
    this.sentByTopic.add(topic);
    this.sendLatencies.record(ms);
  }

  onSendError(): void {
    this.sendErrorCount++;
  }

  onCommit(offsets: readonly CommitOffset[], ms: number): void {
    this.commitLatencies.record(ms);
    for (const { topic, partition, offset } of offsets) {
      const state = this.partitionState(topic, partition);
      if (offset > state.committedOffset) state.committedOffset = offset;
    }
  }

  onCommitError(): void {
    this.commitErrorCount++;
  }

  onRebalance(assignment: readonly TopicPartition[], generation: number, ms: number): void {
    this.rebalanceLatencies.record(ms);
    this.lastGeneration = generation;
    const assigned = new Set(assignment.map(({ topic, partition }) => tpKey(topic, partition)));
    for (const key of this.partitionStates.keys()) {
      if (!assigned.has(key)) this.partitionStates.delete(key);
    }
    for (const { topic, partition } of assignment) this.partitionState(topic, partition);
  }

  onTableGet(table: string): void {
    this.table(table).keysRetrieved++;
  }

  onTableSet(table: string): void {
    this.table(table).keysUpdated++;
  }

  onTableDel(table: string): void {
    this.table(table).keysDeleted++;
  }

  // ---- rates ------------------------------------------------------------------------------------

  /** Samples the counts once a second (for the rates' sliding window) until stop(). The app calls it. */
  start(): void {
    if (this.sampler) return;
    this.sampler = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
    this.sampler.unref();
  }

  stop(): void {
    clearInterval(this.sampler);
    this.sampler = undefined;
  }

  /** Remembers every count now: the rates are measured from these samples. */
  sample(): void {
    const now = this.clock();
    this.receivedRate.sample(now);
    this.sentRate.sample(now);
    this.eventsRate.sample(now);
    for (const counters of this.agentCounters.values()) counters.rate.sample(now);
  }

  // ---- reading ----------------------------------------------------------------------------------

  /** Events handed to agents so far (Faust's events_total). */
  get eventsTotal(): number {
    return this.eventsRate.count;
  }

  get messagesReceivedTotal(): number {
    return this.receivedRate.count;
  }

  get messagesSent(): number {
    return this.sentRate.count;
  }

  get rebalances(): number {
    return this.rebalanceLatencies.count;
  }

  /** Kafka's consumer lag per assigned partition (see PartitionStats.lag). */
  lag(): { topic: string; partition: number; lag: number | null }[] {
    return this.partitions().map(({ topic, partition, lag }) => ({ topic, partition, lag }));
  }

  snapshot(): MonitorSnapshot {
    const now = this.clock();
    const agents = new Map<string, AgentStats>();
    for (const [name, counters] of this.agentCounters) {
      agents.set(name, {
        eventsTotal: counters.rate.count,
        eventsActive: counters.rate.count - counters.eventsOut,
        eventsPerSecond: counters.rate.rate(now),
        runtime: counters.runtime.summary(),
      });
    }
    return {
      time: this.wallClock(),
      uptimeSeconds: (now - this.startedAt) / 1000,
      messagesActive: this.messagesActiveProbe?.() ?? 0,
      stalledPartitions: this.stalledProbe?.() ?? [],
      messagesReceivedTotal: this.receivedRate.count,
      messagesReceivedByTopic: this.receivedByTopic.toRecord(),
      messagesReceivedPerSecond: this.receivedRate.rate(now),
      messagesSent: this.sentRate.count,
      messagesSentByTopic: this.sentByTopic.toRecord(),
      messagesSentPerSecond: this.sentRate.rate(now),
      sendErrors: this.sendErrorCount,
      sendLatency: this.sendLatencies.summary(),
      eventsTotal: this.eventsRate.count,
      eventsActive: this.eventsRate.count - this.eventsOut,
      eventsPerSecond: this.eventsRate.rate(now),
      eventsByTopic: this.eventsByTopic.toRecord(),
      eventRuntime: this.eventRuntimes.summary(),
      agents: record(agents),
      commits: this.commitLatencies.count,
      commitErrors: this.commitErrorCount,
      commitLatency: this.commitLatencies.summary(),
      rebalances: this.rebalanceLatencies.count,
      rebalanceLatency: this.rebalanceLatencies.summary(),
      generation: this.lastGeneration,
      topicBufferFull: record(this.bufferFull),
      partitions: this.partitions(),
      tables: record(new Map([...this.tableCounters].map(([name, stats]) => [name, { ...stats }]))),
    };
  }

  private partitions(): PartitionStats[] {
    return [...this.partitionStates.values()]
      .sort((a, b) => compare(a.topic, b.topic) || a.partition - b.partition)
      .map(({ topic, partition, endOffset, readOffset, committedOffset, firstOffset }) => {
        const position = committedOffset >= 0 ? committedOffset : firstOffset;
        const lag = endOffset < 0 || position < 0 ? null : Math.max(0, endOffset - position);
        return { topic, partition, endOffset, readOffset, committedOffset, lag };
      });
  }

  private agent(name: string): AgentCounters {
    if (this.lastAgent?.name === name) return this.lastAgent;
    let counters = this.agentCounters.get(name);
    if (!counters) {
      counters = new AgentCounters(name, this.windowSeconds, this.startedAt, this.avgHistory);
      this.agentCounters.set(name, counters);
    }
    this.lastAgent = counters;
    return counters;
  }

  private partitionState(topic: string, partition: number): PartitionState {
    const key = tpKey(topic, partition);
    let state = this.partitionStates.get(key);
    if (!state) {
      state = { topic, partition, endOffset: -1, readOffset: -1, firstOffset: -1, committedOffset: -1 };
      this.partitionStates.set(key, state);
    }
    return state;
  }

  private table(name: string): TableStats {
    let stats = this.tableCounters.get(name);
    if (!stats) {
      stats = { keysRetrieved: 0, keysUpdated: 0, keysDeleted: 0 };
      this.tableCounters.set(name, stats);
    }
    return stats;
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A map as a plain object with sorted keys (defined as own properties: any topic name is safe). */
function record<T>(map: Map<string, T>): Record<string, T> {
  return Object.fromEntries([...map].sort(([a], [b]) => compare(a, b)));
}
