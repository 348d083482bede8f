import type { MonitorSnapshot } from './monitor.js';
import type { LatencySummary } from './stats.js';

export interface PrometheusOptions {
  /** Prefix of every metric name (default "faustgen"). */
  prefix?: string;
  /** Labels added to every sample, e.g. { app: 'payments' }. */
  labels?: Record<string, string>;
}

type Labels = Record<string, string | number>;

/** The content type of the text exposition format this module writes. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * A monitor snapshot in Prometheus's text exposition format (version 0.0.4), for a /metrics
 * endpoint. Latencies become summaries in seconds (quantiles over the recent history, `_sum` and
 * `_count` since the start); partitions whose lag is unknown have no lag sample.
 */
export function prometheusText(snapshot: MonitorSnapshot, options: PrometheusOptions = {}): string {
  const prefix = metricName(options.prefix ?? 'faustgen');
  const common = options.labels ?? {};
  for (const name of Object.keys(common)) checkLabelName(name);
  const out: string[] = [];
  const family = (name: string, type: 'counter' | 'gauge' | 'summary', help: string) => {
    out.push(`# HELP ${prefix}_${name} ${help}`, `# TYPE ${prefix}_${name} ${type}`);
  };
  const sample = (name: string, value: number, labels: Labels = {}) => {
    out.push(`${prefix}_${name}${labelText({ ...common, ...labels })} ${numberText(value)}`);
  };
  const byKey = (name: string, label: string, values: Record<string, number>) => {
    for (const [key, value] of Object.entries(values)) sample(name, value, { [label]: key });
  };
  const summary = (name: string, help: string, series: { labels: Labels; latency: LatencySummary }[]) => {
    family(name, 'summary', help);
    for (const { labels, latency } of series) {
      if (latency.count > 0) {
        sample(name, latency.p50Ms / 1000, { ...labels, quantile: '0.5' });
        sample(name, latency.p99Ms / 1000, { ...labels, quantile: '0.99' });
      }
      sample(`${name}_sum`, latency.totalMs / 1000, labels);
      sample(`${name}_count`, latency.count, labels);
    }
  };

  family('uptime_seconds', 'gauge', 'Seconds since the monitor started.');
  sample('uptime_seconds', snapshot.uptimeSeconds);

  family('messages_received_total', 'counter', 'Messages fetched from Kafka, by topic.');
  byKey('messages_received_total', 'topic', snapshot.messagesReceivedByTopic);
  family('messages_received_per_second', 'gauge', 'Messages fetched per second over the rate window.');
  sample('messages_received_per_second', snapshot.messagesReceivedPerSecond);
  family('messages_active', 'gauge', 'Messages fetched and not yet acked by every stream that reads them.');
  sample('messages_active', snapshot.messagesActive);
  family('messages_sent_total', 'counter', 'Messages produced and acknowledged by the broker, by topic.');
  byKey('messages_sent_total', 'topic', snapshot.messagesSentByTopic);
  family('messages_sent_per_second', 'gauge', 'Messages acknowledged per second over the rate window.');
  sample('messages_sent_per_second', snapshot.messagesSentPerSecond);
  family('send_errors_total', 'counter', 'Produced messages that failed for good.');
  sample('send_errors_total', snapshot.sendErrors);
  summary('send_latency_seconds', 'Time from queueing a message to its acknowledgement.', [
    { labels: {}, latency: snapshot.sendLatency },
  ]);

  const agents = Object.entries(snapshot.agents);
  family('events_total', 'counter', 'Events handed to agents, by agent.');
  for (const [agent, stats] of agents) sample('events_total', stats.eventsTotal, { agent });
  family('events_active', 'gauge', 'Events agents took and are not done with, by agent.');
  for (const [agent, stats] of agents) sample('events_active', stats.eventsActive, { agent });
  family('events_per_second', 'gauge', 'Events taken per second over the rate window, by agent.');
  for (const [agent, stats] of agents) sample('events_per_second', stats.eventsPerSecond, { agent });
  summary(
    'event_runtime_seconds',
    'Time an agent spent on an event, by agent.',
    agents.map(([agent, stats]) => ({ labels: { agent }, latency: stats.runtime })),
  );
  family('topic_events_total', 'counter', 'Events handed to agents, by topic.');
  byKey('topic_events_total', 'topic', snapshot.eventsByTopic);

  family('commit_errors_total', 'counter', 'Offset commits that failed.');
  sample('commit_errors_total', snapshot.commitErrors);
  summary('commit_latency_seconds', 'Time to commit offsets, the producer flush included.', [
    { labels: {}, latency: snapshot.commitLatency },
  ]);
  summary('rebalance_latency_seconds', 'Time the runtime took to take a new assignment.', [
    { labels: {}, latency: snapshot.rebalanceLatency },
  ]);
  family('consumer_generation', 'gauge', 'Consumer group generation of the last rebalance.');
  sample('consumer_generation', snapshot.generation);
  family('topic_buffer_full_total', 'counter', 'Times a stream buffer of the topic filled up.');
  byKey('topic_buffer_full_total', 'topic', snapshot.topicBufferFull);

  family(
    'stalled_partitions',
    'gauge',
    'Assigned partitions with lag whose committed offset has not moved for consumerStallTimeout.',
  );
  sample('stalled_partitions', snapshot.stalledPartitions.length);

  family('partition_end_offset', 'gauge', 'High watermark of an assigned partition at the last fetch.');
  family('partition_committed_offset', 'gauge', 'Last offset this worker committed for the partition.');
  family('partition_lag', 'gauge', 'Consumer lag: end offset minus the committed position.');
  for (const p of snapshot.partitions) {
    const labels = { topic: p.topic, partition: p.partition };
    if (p.endOffset >= 0) sample('partition_end_offset', p.endOffset, labels);
    if (p.committedOffset >= 0) sample('partition_committed_offset', p.committedOffset, labels);
    if (p.lag !== null) sample('partition_lag', p.lag, labels);
  }

  const tables = Object.entries(snapshot.tables);
  family('table_keys_retrieved_total', 'counter', 'Table keys read, by table.');
  for (const [table, stats] of tables) sample('table_keys_retrieved_total', stats.keysRetrieved, { table });
  family('table_keys_updated_total', 'counter', 'Table keys written, by table.');
  for (const [table, stats] of tables) sample('table_keys_updated_total', stats.keysUpdated, { table });
  family('table_keys_deleted_total', 'counter', 'Table keys deleted, by table.');
  for (const [table, stats] of tables) sample('table_keys_deleted_total', stats.keysDeleted, { table });

  return `${out.join('\n')}\n`;
}

function metricName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  return /^[a-zA-Z_:]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

function checkLabelName(name: string): void {
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) || name.startsWith('__')) {
    throw new Error(`prometheusText: ${JSON.stringify(name)} is not a valid Prometheus label name`);
  }
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  const parts = entries.map(([name, value]) => `${name}="${escapeLabel(String(value))}"`);
  return `{${parts.join(',')}}`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
