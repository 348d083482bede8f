import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventOrigin } from '../../../../runtime/streams/event.js';
import { Monitor } from '../../../../runtime/sensors/monitor.js';
import type { Message, MessageBatch } from '../../../../runtime/transport/types.js';

/** A clock the test moves by hand. */
function fakeClock(start = 0) {
  const clock = { now: start, read: () => clock.now };
  return clock;
}

const origin = (topic: string, partition = 0, offset = 0): EventOrigin => ({
  topic,
  partition,
  offset,
  timestamp: 0,
  headers: {},
});

function batch(topic: string, partition: number, offsets: number[], highWatermark: number): MessageBatch {
  const messages: Message[] = offsets.map((offset) => ({
    topic,
    partition,
    offset,
    key: null,
    value: Buffer.from('x'),
    timestamp: 0,
    headers: {},
  }));
  return { topic, partition, messages, highWatermark, generation: 1 };
}

describe('Monitor', () => {
  it('counts events in and out per agent and topic, with runtimes over the recent history', () => {
    const clock = fakeClock();
    const monitor = new Monitor({ clock: clock.read, maxAvgHistory: 3 });
    const runtimes = [4, 10, 1, 7];
    for (const [i, ms] of runtimes.entries()) {
      const event = origin('orders', 0, i);
      monitor.onEventIn('score', event);
      monitor.onEventOut('score', event, ms);
    }
    monitor.onEventIn('audit', origin('payments'));
    const s = monitor.snapshot();
    assert.equal(s.eventsTotal, 5);
    assert.equal(s.eventsActive, 1, 'the audit event is still being processed');
    assert.deepEqual(s.eventsByTopic, { orders: 4, payments: 1 });
    assert.deepEqual(Object.keys(s.agents), ['audit', 'score']);
    assert.equal(s.agents.score!.eventsTotal, 4);
    assert.equal(s.agents.score!.eventsActive, 0);
    assert.equal(s.agents.audit!.eventsActive, 1);
    // Over the last 3 runtimes [10, 1, 7]; the totals cover all 4.
    assert.deepEqual(s.agents.score!.runtime, {
      count: 4,
      totalMs: 22,
      avgMs: 6,
      p50Ms: 7,
      p99Ms: 10,
      maxMs: 10,
    });
    assert.deepEqual(s.eventRuntime, s.agents.score!.runtime, 'only score has finished events');
  });

  it('computes events, messages and sends per second from the fake clock', () => {
    const clock = fakeClock(0);
    const monitor = new Monitor({ clock: clock.read, rateWindowSeconds: 5 });
    for (let second = 0; second < 5; second++) {
      clock.now = second * 1000 + 100;
      for (let i = 0; i < 10 * (second + 1); i++) monitor.onEventIn('a', origin('t')); // 10, 20, ... 50
      monitor.onMessagesIn(batch('t', 0, [second * 2, second * 2 + 1], 100));
      monitor.onSend('out', 0, 1);
      clock.now = (second + 1) * 1000;
      monitor.sample(); // what start()'s timer does once a second
    }
    let s = monitor.snapshot();
    assert.equal(s.eventsPerSecond, (10 + 20 + 30 + 40 + 50) / 5);
    assert.equal(s.agents.a!.eventsPerSecond, 30);
    assert.equal(s.messagesReceivedPerSecond, 2);
    assert.equal(s.messagesSentPerSecond, 1);
    assert.equal(s.uptimeSeconds, 5);
    clock.now = 7000; // the window is [2000, 7000]: what came before the sample at 2000 no longer counts
    s = monitor.snapshot();
    assert.equal(s.eventsPerSecond, (30 + 40 + 50) / 5);
  });

  it('keeps commit, send and rebalance latencies with their own history sizes', () => {
    const monitor = new Monitor({
      clock: fakeClock().read,
      maxCommitLatencyHistory: 2,
      maxSendLatencyHistory: 3,
      maxRebalanceLatencyHistory: 1,
    });
    for (const ms of [30, 10, 20]) monitor.onCommit([], ms);
    for (const ms of [5, 1, 3, 2]) monitor.onSend('out', 0, ms);
    monitor.onRebalance([], 1, 40);
    monitor.onRebalance([], 2, 8);
    monitor.onCommitError();
    monitor.onSendError();
    const s = monitor.snapshot();
    assert.deepEqual(s.commitLatency, { count: 3, totalMs: 60, avgMs: 15, p50Ms: 10, p99Ms: 20, maxMs: 20 });
    assert.deepEqual(s.sendLatency, { count: 4, totalMs: 11, avgMs: 2, p50Ms: 2, p99Ms: 3, maxMs: 3 });
    assert.deepEqual(s.rebalanceLatency, { count: 2, totalMs: 48, avgMs: 8, p50Ms: 8, p99Ms: 8, maxMs: 8 });
    assert.equal(s.commits, 3);
    assert.equal(s.commitErrors, 1);
    assert.equal(s.sendErrors, 1);
    assert.equal(s.messagesSent, 4);
    assert.deepEqual(s.messagesSentByTopic, { out: 4 });
    assert.equal(s.rebalances, 2);
    assert.equal(s.generation, 2);
  });

  it('reports offsets and lag per assigned partition, and forgets revoked partitions', () => {
    const monitor = new Monitor({ clock: fakeClock().read });
    monitor.onRebalance(
      [
        { topic: 'in', partition: 0 },
        { topic: 'in', partition: 1 },
      ],
      1,
      1,
    );
    monitor.onMessagesIn(batch('in', 0, [40, 41, 42], 50));
    monitor.onMessagesIn(batch('in', 0, [43, 44], 50));
    let s = monitor.snapshot();
    assert.deepEqual(s.partitions, [
      { topic: 'in', partition: 0, endOffset: 50, readOffset: 45, committedOffset: -1, lag: 10 },
      { topic: 'in', partition: 1, endOffset: -1, readOffset: -1, committedOffset: -1, lag: null },
    ]);
    assert.equal(s.messagesReceivedTotal, 5);
    assert.deepEqual(s.messagesReceivedByTopic, { in: 5 });
    monitor.onCommit([{ topic: 'in', partition: 0, offset: 44 }], 2);
    assert.equal(monitor.lag()[0]!.lag, 6);
    monitor.onRebalance([{ topic: 'in', partition: 1 }], 2, 1);
    s = monitor.snapshot();
    assert.deepEqual(
      s.partitions.map((p) => `${p.topic}[${p.partition}]`),
      ['in[1]'],
    );
  });

  it('counts full topic buffers and table keys', () => {
    const monitor = new Monitor({ clock: fakeClock().read });
    monitor.onTopicBufferFull('in');
    monitor.onTopicBufferFull('in');
    monitor.onTableGet('totals');
    monitor.onTableGet('totals');
    monitor.onTableSet('totals');
    monitor.onTableDel('other');
    const s = monitor.snapshot();
    assert.deepEqual(s.topicBufferFull, { in: 2 });
    assert.deepEqual(s.tables, {
      other: { keysRetrieved: 0, keysUpdated: 0, keysDeleted: 1 },
      totals: { keysRetrieved: 2, keysUpdated: 1, keysDeleted: 0 },
    });
  });

  it('reads messagesActive from its probe at snapshot time', () => {
    let active = 3;
    const monitor = new Monitor({ clock: fakeClock().read, messagesActive: () => active });
    assert.equal(monitor.snapshot().messagesActive, 3);
    active = 0;
    assert.equal(monitor.snapshot().messagesActive, 0);
  });

  it('gives a snapshot that survives a JSON round trip unchanged, whatever the topic names', () => {
    const monitor = new Monitor({ clock: fakeClock().read, wallClock: () => 1_700_000_000_000 });
    monitor.onEventIn('agent', origin('__proto__'));
    monitor.onMessagesIn(batch('__proto__', 0, [0], 1));
    monitor.onSend('constructor', 0, 1);
    const s = monitor.snapshot();
    assert.equal(s.time, 1_700_000_000_000);
    assert.deepEqual(Object.keys(s.eventsByTopic), ['__proto__'], 'an own property, not the prototype');
    assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
  });
});
