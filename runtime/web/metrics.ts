import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { MonitorSnapshot } from '../core/monitoring.js';
import type { LatencySummary } from '../core/monitoring.js';
import type { WorkerView } from './worker-view.js';

type Labels = Record<string, string | number>;

/**
 * /metrics: the monitor's snapshot and the worker's tables and recovery as Prometheus metrics
 * (prom-client). Every scrape reads one fresh snapshot; counters are the monitor's totals.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  private snapshot: MonitorSnapshot | undefined;

  constructor(view: WorkerView) {
    this.registry.setDefaultLabels({ app: view.appId });
    collectDefaultMetrics({ register: this.registry, prefix: 'faustgen_process_' });
    const snap = (): MonitorSnapshot => {
      this.snapshot ??= view.monitorSnapshot();
      return this.snapshot;
    };
    this.counter('faustgen_messages_received_total', 'Messages fetched from Kafka', [], () => [
      [{}, snap().messagesReceivedTotal],
    ]);
    this.counter('faustgen_messages_received_by_topic_total', 'Messages fetched, by topic', ['topic'], () =>
      Object.entries(snap().messagesReceivedByTopic).map(([topic, n]) => [{ topic }, n]),
    );
    this.counter('faustgen_messages_sent_total', 'Messages produced and acknowledged', [], () => [
      [{}, snap().messagesSent],
    ]);
    this.counter('faustgen_messages_sent_by_topic_total', 'Messages produced, by topic', ['topic'], () =>
      Object.entries(snap().messagesSentByTopic).map(([topic, n]) => [{ topic }, n]),
    );
    this.counter('faustgen_send_errors_total', 'Produce requests that failed', [], () => [
      [{}, snap().sendErrors],
    ]);
    this.counter('faustgen_events_total', 'Events handed to agents (events in)', ['agent'], () =>
      Object.entries(snap().agents).map(([agent, stats]) => [{ agent }, stats.eventsTotal]),
    );
    this.counter(
      'faustgen_events_processed_total',
      'Events agents are done with (events out)',
      ['agent'],
      () =>
        Object.entries(snap().agents).map(([agent, stats]) => [
          { agent },
          stats.eventsTotal - stats.eventsActive,
        ]),
    );
    this.gauge('faustgen_events_active', 'Events taken by agents and not yet done with', ['agent'], () =>
      Object.entries(snap().agents).map(([agent, stats]) => [{ agent }, stats.eventsActive]),
    );
    this.gauge('faustgen_events_per_second', 'Events per second over the rate window', ['agent'], () =>
      Object.entries(snap().agents).map(([agent, stats]) => [{ agent }, stats.eventsPerSecond]),
    );
    this.gauge('faustgen_messages_received_per_second', 'Messages fetched per second', [], () => [
      [{}, snap().messagesReceivedPerSecond],
    ]);
    this.gauge('faustgen_messages_sent_per_second', 'Messages produced per second', [], () => [
      [{}, snap().messagesSentPerSecond],
    ]);
    this.latency('faustgen_commit_latency', 'Offset commit latency', () => snap().commitLatency);
    this.latency(
      'faustgen_send_latency',
      'Produce latency (until the broker acknowledged)',
      () => snap().sendLatency,
    );
    this.latency(
      'faustgen_event_runtime',
      'Time from taking an event to being done with it',
      () => snap().eventRuntime,
    );
    this.counter('faustgen_commit_errors_total', 'Offset commits that failed', [], () => [
      [{}, snap().commitErrors],
    ]);
    this.gauge(
      'faustgen_consumer_lag',
      'End offset minus the committed position',
      ['topic', 'partition'],
      () =>
        snap()
          .partitions.filter((p) => p.lag !== null)
          .map((p) => [{ topic: p.topic, partition: p.partition }, p.lag as number]),
    );
    this.gauge(
      'faustgen_partition_end_offset',
      'High watermark at the last fetch',
      ['topic', 'partition'],
      () => snap().partitions.map((p) => [{ topic: p.topic, partition: p.partition }, p.endOffset]),
    );
    this.gauge('faustgen_partition_committed_offset', 'Last committed offset', ['topic', 'partition'], () =>
      snap().partitions.map((p) => [{ topic: p.topic, partition: p.partition }, p.committedOffset]),
    );
    this.counter('faustgen_rebalances_total', 'Rebalances this worker went through', [], () => [
      [{}, snap().rebalances],
    ]);
    this.gauge('faustgen_generation', 'Consumer group generation of the last rebalance', [], () => [
      [{}, snap().generation],
    ]);
    this.gauge('faustgen_table_keys', 'Keys this worker holds per table (its partitions)', ['table'], () =>
      view.tables().flatMap((t) => (t.size === undefined ? [] : [[{ table: t.name }, t.size] as const])),
    );
    this.counter('faustgen_table_keys_retrieved_total', 'Table reads', ['table'], () =>
      Object.entries(snap().tables).map(([table, s]) => [{ table }, s.keysRetrieved]),
    );
    this.counter('faustgen_table_keys_updated_total', 'Table writes', ['table'], () =>
      Object.entries(snap().tables).map(([table, s]) => [{ table }, s.keysUpdated]),
    );
    this.counter('faustgen_table_keys_deleted_total', 'Table deletes', ['table'], () =>
      Object.entries(snap().tables).map(([table, s]) => [{ table }, s.keysDeleted]),
    );
    this.gauge(
      'faustgen_ready',
      '1 once the first recovery is done and no rebalance is under way',
      [],
      () => [[{}, view.status().ready && !view.status().rebalancing ? 1 : 0]],
    );
    this.gauge('faustgen_recovery_in_progress', '1 while table partitions are recovering', [], () => [
      [{}, view.status().ready && !view.status().rebalancing ? 0 : 1],
    ]);
    this.gauge(
      'faustgen_recovery_records',
      'Changelog records read by the last recovery of a table partition',
      ['table', 'partition', 'path'],
      () =>
        view.recoveries().map((r) => [{ table: r.table, partition: r.partition, path: r.path }, r.records]),
    );
    this.gauge(
      'faustgen_recovery_high_watermark',
      'Changelog high watermark the last recovery of a table partition reached',
      ['table', 'partition'],
      () => view.recoveries().map((r) => [{ table: r.table, partition: r.partition }, r.highWatermark]),
    );
  }

  /** The exposition text and its content type. */
  async text(): Promise<{ contentType: string; body: string }> {
    this.snapshot = undefined;
    try {
      return { contentType: this.registry.contentType, body: await this.registry.metrics() };
    } finally {
      this.snapshot = undefined;
    }
  }

  private counter(
    name: string,
    help: string,
    labelNames: string[],
    values: () => readonly (readonly [Labels, number])[],
  ): void {
    this.registry.registerMetric(
      new Counter({
        name,
        help,
        labelNames,
        registers: [],
        collect() {
          this.reset();
          for (const [labels, value] of values()) if (value > 0) this.inc(labels, value);
        },
      }),
    );
  }

  private gauge(
    name: string,
    help: string,
    labelNames: string[],
    values: () => readonly (readonly [Labels, number])[],
  ): void {
    this.registry.registerMetric(
      new Gauge({
        name,
        help,
        labelNames,
        registers: [],
        collect() {
          this.reset();
          for (const [labels, value] of values()) this.set(labels, value);
        },
      }),
    );
  }

  /** A latency as gauges of seconds by statistic, plus Prometheus-style _count and _sum counters. */
  private latency(name: string, help: string, summary: () => LatencySummary): void {
    this.gauge(`${name}_seconds`, `${help}, over the recent history`, ['stat'], () => {
      const s = summary();
      return [
        [{ stat: 'avg' }, s.avgMs / 1000],
        [{ stat: 'p50' }, s.p50Ms / 1000],
        [{ stat: 'p99' }, s.p99Ms / 1000],
        [{ stat: 'max' }, s.maxMs / 1000],
      ];
    });
    this.counter(`${name}_seconds_count`, `${help}: measurements`, [], () => [[{}, summary().count]]);
    this.counter(`${name}_seconds_sum`, `${help}: total seconds`, [], () => [[{}, summary().totalMs / 1000]]);
  }
}
