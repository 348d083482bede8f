import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Monitor } from '../../../../runtime/sensors/monitor.js';
import { prometheusText } from '../../../../runtime/sensors/prometheus.js';

const SAMPLE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*\})? (\S+)$/;

function monitorWithData(): Monitor {
  let now = 0;
  const monitor = new Monitor({ clock: () => now });
  monitor.onRebalance(
    [
      { topic: 'in', partition: 0 },
      { topic: 'in', partition: 1 },
    ],
    3,
    250,
  );
  monitor.onMessagesIn({
    topic: 'in',
    partition: 0,
    messages: [0, 1].map((offset) => ({
      topic: 'in',
      partition: 0,
      offset,
      key: null,
      value: null,
      timestamp: 0,
      headers: {},
    })),
    highWatermark: 10,
    generation: 3,
  });
  const event = { topic: 'in', partition: 0, offset: 0, timestamp: 0, headers: {} };
  monitor.onEventIn('say "hi"\\\n', event);
  monitor.onEventOut('say "hi"\\\n', event, 1500);
  monitor.onSend('out', 0, 20);
  monitor.onCommit([{ topic: 'in', partition: 0, offset: 2 }], 40);
  now = 2000;
  return monitor;
}

describe('prometheusText', () => {
  it('writes valid exposition lines, each family once with HELP and TYPE', () => {
    const text = prometheusText(monitorWithData().snapshot(), { labels: { app: 'orders' } });
    assert.ok(text.endsWith('\n'));
    const types = new Map<string, string>();
    for (const line of text.trimEnd().split('\n')) {
      if (line.startsWith('# HELP ')) continue;
      const type = /^# TYPE (\S+) (counter|gauge|summary)$/.exec(line);
      if (type) {
        assert.ok(!types.has(type[1]!), `family ${type[1]} declared twice`);
        types.set(type[1]!, type[2]!);
        continue;
      }
      const sample = SAMPLE.exec(line);
      assert.ok(sample, `not a valid sample line: ${line}`);
      assert.ok(!Number.isNaN(Number(sample[3])), `value of ${line}`);
      const family = sample[1]!.replace(/_(sum|count)$/, '');
      assert.ok(types.has(sample[1]!) || types.get(family) === 'summary', `${sample[1]} has no TYPE`);
      assert.match(line, /app="orders"/);
    }
    assert.equal(types.get('faustgen_messages_received_total'), 'counter');
    assert.equal(types.get('faustgen_event_runtime_seconds'), 'summary');
  });

  it('exports counters by label, latencies in seconds and lag only where it is known', () => {
    const text = prometheusText(monitorWithData().snapshot(), { prefix: 'w' });
    const lines = new Set(text.split('\n'));
    const expected = [
      'w_messages_received_total{topic="in"} 2',
      'w_messages_sent_total{topic="out"} 1',
      'w_events_total{agent="say \\"hi\\"\\\\\\n"} 1',
      'w_event_runtime_seconds{agent="say \\"hi\\"\\\\\\n",quantile="0.5"} 1.5',
      'w_event_runtime_seconds_sum{agent="say \\"hi\\"\\\\\\n"} 1.5',
      'w_event_runtime_seconds_count{agent="say \\"hi\\"\\\\\\n"} 1',
      'w_send_latency_seconds{quantile="0.99"} 0.02',
      'w_commit_latency_seconds_count 1',
      'w_rebalance_latency_seconds_sum 0.25',
      'w_consumer_generation 3',
      'w_partition_end_offset{topic="in",partition="0"} 10',
      'w_partition_committed_offset{topic="in",partition="0"} 2',
      'w_partition_lag{topic="in",partition="0"} 8',
      'w_uptime_seconds 2',
    ];
    for (const line of expected) assert.ok(lines.has(line), `missing: ${line}\n${text}`);
    assert.doesNotMatch(text, /w_partition_lag\{topic="in",partition="1"\}/, 'partition 1 lag is unknown');
  });

  it('leaves quantiles out of a summary with no measurement yet', () => {
    const text = prometheusText(new Monitor({ clock: () => 0 }).snapshot());
    assert.match(text, /^faustgen_commit_latency_seconds_count 0$/m);
    assert.doesNotMatch(text, /faustgen_commit_latency_seconds\{quantile=/);
  });

  it('rejects an invalid label name', () => {
    assert.throws(
      () => prometheusText(new Monitor().snapshot(), { labels: { 'bad-name': 'x' } }),
      /"bad-name" is not a valid Prometheus label name/,
    );
  });
});
