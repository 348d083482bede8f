/**
 * The monitor inside a running app on memory://: exact counts through a two-agent pipeline,
 * lag while an agent holds an event, rebalances, and the Monitor setting.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { App } from '../../../../runtime/app/app.js';
import type { EventOrigin } from '../../../../runtime/streams/event.js';
import { Monitor, type MonitorOptions } from '../../../../runtime/sensors/monitor.js';
import type { Sensor } from '../../../../runtime/core/sensor.js';

const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/** No web server: these workers run side by side in one process, and the web is not what is tested. */
const settings = (broker: string) => ({
  broker,
  topicPartitions: 2,
  brokerCommitInterval: 0.05,
  logLevel: 'error' as const,
  webEnabled: false,
});

async function until(what: string, condition: () => boolean, detail = () => ''): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${detail()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const apps: App[] = [];
const track = (app: App) => {
  apps.push(app);
  return app;
};
after(async () => {
  for (const app of apps) await app.stop().catch(() => undefined);
});

describe('app.monitor on memory://', () => {
  it('counts every message and event exactly, per topic and per agent', async () => {
    const id = unique('mon-pipeline');
    const app = track(new App(id, settings(`memory://${id}`)));
    const words = app.topic(`${id}-words`, { keyType: 'string', valueType: 'string' });
    const letters = app.topic(`${id}-letters`, { keyType: 'string', valueType: 'string' });
    let counted = 0;
    app.agent(words, { name: 'split' }, async (stream) => {
      for await (const word of stream)
        for (const letter of word) await letters.send({ key: letter, value: letter });
    });
    app.agent(letters, { name: 'count' }, async (stream) => {
      for await (const _letter of stream) counted++;
    });
    await app.start();
    const input = Array.from({ length: 300 }, (_, i) => 'abcdefg'.slice(0, 1 + (i % 7)));
    const totalLetters = input.reduce((n, word) => n + word.length, 0);
    for (const word of input) await words.send({ key: word, value: word });
    const monitor = app.monitor;
    await until(
      'every letter counted',
      () => counted === totalLetters && monitor.snapshot().eventsActive === 0,
    );
    await app.engine.producer.flush();

    let s = monitor.snapshot();
    assert.deepEqual(s.messagesSentByTopic, { [words.name]: 300, [letters.name]: totalLetters });
    assert.deepEqual(s.messagesReceivedByTopic, { [words.name]: 300, [letters.name]: totalLetters });
    assert.deepEqual(s.eventsByTopic, s.messagesReceivedByTopic, 'every message received became an event');
    assert.equal(s.messagesSent, 300 + totalLetters);
    assert.equal(s.messagesReceivedTotal, 300 + totalLetters);
    assert.equal(s.eventsTotal, 300 + totalLetters);
    assert.equal(s.agents.split!.eventsTotal, 300);
    assert.equal(s.agents.count!.eventsTotal, totalLetters);
    assert.equal(s.agents.split!.eventsActive, 0);
    assert.equal(s.agents.split!.runtime.count, 300, 'every split event finished');
    assert.equal(s.eventRuntime.count, 300 + totalLetters);
    assert.equal(s.sendLatency.count, 300 + totalLetters);
    assert.equal(s.sendErrors, 0);
    assert.equal(s.rebalances, 1);
    assert.equal(s.messagesActive, 0);

    await app.stop(); // the final commit
    s = monitor.snapshot();
    const committed = (topic: string) =>
      s.partitions.filter((p) => p.topic === topic).reduce((n, p) => n + p.committedOffset, 0);
    assert.equal(committed(words.name), 300, 'offsets committed per partition add up to what was sent');
    assert.equal(committed(letters.name), totalLetters);
    assert.ok(s.commits >= 1);
    for (const p of s.partitions.filter((p) => p.topic === words.name)) assert.equal(p.lag, 0);
  });

  it('shows the lag of a partition whose events wait behind a held one, and clears it once they are processed', async () => {
    const id = unique('mon-lag');
    const app = track(new App(id, settings(`memory://${id}`)));
    const topic = app.topic(`${id}-in`, { valueType: 'json', partitions: 1 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let processed = 0;
    app.agent(topic, { name: 'held' }, async (stream) => {
      for await (const _value of stream) {
        await gate;
        processed++;
      }
    });
    await app.start();
    for (let i = 0; i < 100; i++) await topic.send({ value: i });
    const partition = () => app.monitor.snapshot().partitions.find((p) => p.topic === topic.name);
    await until('all 100 fetched', () => partition()?.readOffset === 100);
    let s = app.monitor.snapshot();
    assert.deepEqual(partition(), {
      topic: topic.name,
      partition: 0,
      endOffset: 100,
      readOffset: 100,
      committedOffset: -1,
      lag: 100,
    });
    assert.equal(s.messagesActive, 100, 'fetched, none acked');
    assert.equal(s.eventsActive, 1, 'the held event');
    assert.equal(s.agents.held!.eventsTotal, 1);

    release();
    await until('processed and committed', () => processed === 100 && partition()?.committedOffset === 100);
    s = app.monitor.snapshot();
    assert.equal(partition()?.lag, 0);
    assert.equal(s.messagesActive, 0);
    assert.equal(s.agents.held!.eventsTotal, 100);
    await app.stop();
  });

  it('counts rebalances as members join and leave, and keeps only the partitions it owns', async () => {
    const id = unique('mon-rebalance');
    const broker = `memory://${id}`;
    const first = track(new App(id, { ...settings(broker), topicDisableLeader: true }));
    const second = track(new App(id, { ...settings(broker), topicDisableLeader: true }));
    for (const app of [first, second]) {
      const topic = app.topic(`${id}-in`, { valueType: 'json', partitions: 4 });
      app.agent(topic, { name: 'reader' }, async (stream) => {
        for await (const _ of stream);
      });
    }
    await first.start();
    await until('first assignment', () => first.monitor.rebalances === 1);
    assert.equal(first.monitor.snapshot().partitions.length, 4);
    await second.start();
    await until('both rebalanced', () => first.monitor.rebalances === 2 && second.monitor.rebalances === 1);
    const a = first.monitor.snapshot();
    const b = second.monitor.snapshot();
    assert.equal(a.generation, b.generation);
    assert.equal(a.rebalanceLatency.count, 2);
    const owned = (app: App) =>
      app
        .assignment()
        .map((tp) => `${tp.topic}[${tp.partition}]`)
        .sort();
    assert.deepEqual(
      a.partitions.map((p) => `${p.topic}[${p.partition}]`),
      owned(first),
    );
    assert.equal(a.partitions.length + b.partitions.length, 4);
    await second.stop();
    await until('first took everything back', () => first.monitor.rebalances === 3);
    assert.equal(first.monitor.snapshot().partitions.length, 4);
    await first.stop();
  });

  it('builds the monitor from the Monitor setting: a subclass with a fake clock gives exact rates', async () => {
    const clock = { now: 500 };
    class FakeClockMonitor extends Monitor {
      constructor(options: MonitorOptions) {
        super({ ...options, clock: () => clock.now, rateWindowSeconds: 10 });
      }
    }
    const id = unique('mon-setting');
    const app = track(new App(id, { ...settings(`memory://${id}`), Monitor: FakeClockMonitor }));
    const topic = app.topic(`${id}-in`, { valueType: 'json' });
    let seen = 0;
    app.agent(topic, { name: 'rated' }, async (stream) => {
      for await (const _ of stream) seen++;
    });
    assert.ok(app.monitor instanceof FakeClockMonitor, 'built before start, on first use');
    await app.start();
    for (let i = 0; i < 30; i++) await topic.send({ value: i });
    await until('30 events', () => seen === 30);
    clock.now = 2500;
    const s = app.monitor.snapshot();
    // 30 events in the 2 s since the monitor started at 500 (the window of 10 s is not full yet).
    assert.equal(s.eventsPerSecond, 15);
    assert.equal(s.agents.rated!.eventsPerSecond, 15);
    assert.equal(s.messagesSentPerSecond, 15);
    assert.equal(s.uptimeSeconds, 2);
    await app.stop();
  });

  it('explains a Monitor setting it cannot build', () => {
    const byName = new App('mon-name', {
      broker: 'memory://',
      logLevel: 'warn',
      Monitor: 'proj.monitors:Monitor',
    });
    assert.throws(() => byName.monitor, /setting Monitor: "proj.monitors:Monitor" cannot be loaded by name/);
    class NotAMonitor {}
    const other = new App('mon-other', { broker: 'memory://', logLevel: 'warn', Monitor: NotAMonitor });
    assert.throws(() => other.monitor, /setting Monitor: NotAMonitor does not extend faustgen's Monitor/);
  });

  it('tells sensors added to app.sensors, and a sensor that throws does not disturb the worker', async () => {
    const id = unique('mon-sensors');
    const app = track(new App(id, settings(`memory://${id}`)));
    const topic = app.topic(`${id}-in`, { valueType: 'json' });
    let processed = 0;
    app.agent(topic, { name: 'plain' }, async (stream) => {
      for await (const _ of stream) processed++;
    });
    const seen: string[] = [];
    const recorder: Sensor = {
      onEventIn: (agent: string, event: EventOrigin) => seen.push(`${agent} ${event.offset}`),
    };
    app.sensors.add(recorder);
    app.sensors.add({
      onEventIn() {
        throw new Error('broken sensor');
      },
      onMessagesIn() {
        throw new Error('broken sensor');
      },
    });
    await app.start();
    for (let i = 0; i < 10; i++) await topic.send({ value: i, partition: 0 });
    await until('10 processed', () => processed === 10);
    assert.deepEqual(
      seen,
      Array.from({ length: 10 }, (_, i) => `plain ${i}`),
    );
    assert.equal(app.monitor.snapshot().eventsTotal, 10, 'the monitor runs beside them');
    assert.equal(app.crashError, undefined);
    await app.stop();
  });
});
