import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { App, Event } from '../../../../runtime/index.js';
import { eventually, memoryApp } from '../../../support/memory-app.js';

const apps: App[] = [];
after(async () => {
  for (const app of apps) await app.stop();
});
const started = async (app: App) => {
  apps.push(app);
  await app.start();
  return app;
};

describe('Stream operators', () => {
  it('iterates values, items, events and enumerate over an iterable', async () => {
    const app = memoryApp('iter');
    const values: number[] = [];
    for await (const v of app.stream([1, 2, 3])) values.push(v);
    assert.deepEqual(values, [1, 2, 3]);
    const numbered: [number, string][] = [];
    for await (const pair of app.stream(['a', 'b']).enumerate(10)) numbered.push(pair);
    assert.deepEqual(numbered, [
      [10, 'a'],
      [11, 'b'],
    ]);
    const events: Event<unknown, string>[] = [];
    for await (const e of app.stream(['x']).events()) events.push(e);
    assert.equal(events[0]?.value, 'x');
    assert.equal(events[0]?.fromTopic, false);
  });

  it('filter drops values (acking them) and map transforms them, sync or async', async () => {
    const app = memoryApp('fm');
    const out: string[] = [];
    const stream = app
      .stream([1, 2, 3, 4, 5, 6])
      .filter((n) => n % 2 === 0)
      .map(async (n) => `#${n * 10}`);
    for await (const v of stream) out.push(v);
    assert.deepEqual(out, ['#20', '#40', '#60']);
  });

  it('take(max, within) yields full lists, and a partial list when the time is up', async () => {
    const app = await started(memoryApp('take'));
    const channel = app.channel<string, number>();
    const batches: number[][] = [];
    const reading = (async () => {
      for await (const batch of channel.stream().take(3, 0.05)) {
        batches.push(batch);
        if (batches.flat().length >= 5) break;
      }
    })();
    for (let i = 1; i <= 5; i++) await channel.send({ value: i });
    await reading;
    assert.deepEqual(batches, [
      [1, 2, 3],
      [4, 5],
    ]);
    assert.throws(() => channel.stream().take(0), /positive integer/);
  });

  it('echo forwards values to other channels as they pass', async () => {
    const app = await started(memoryApp('echo'));
    const source = app.channel<string, string>();
    const copy = app.channel<string, string>();
    const seen: string[] = [];
    const copies: string[] = [];
    const reading = (async () => {
      for await (const v of source.stream().echo(copy)) {
        seen.push(v);
        if (seen.length === 2) break;
      }
    })();
    const copying = (async () => {
      for await (const v of copy.stream()) {
        copies.push(v);
        if (copies.length === 2) break;
      }
    })();
    await source.send({ value: 'a' });
    await source.send({ value: 'b' });
    await Promise.all([reading, copying]);
    assert.deepEqual(seen, ['a', 'b']);
    assert.deepEqual(copies, ['a', 'b']);
  });

  it('through() forwards to a channel and streams from it', async () => {
    const app = await started(memoryApp('through'));
    const source = app.channel<string, number>();
    const middle = app.channel<string, number>();
    const out: number[] = [];
    const reading = (async () => {
      for await (const v of source.stream().through<string, number>(middle)) {
        out.push(v);
        if (out.length === 3) break;
      }
    })();
    for (const n of [7, 8, 9]) await source.send({ value: n });
    await reading;
    assert.deepEqual(out, [7, 8, 9]);
  });
});

describe('groupBy', () => {
  it('repartitions through <agent>-<source>-<name>-repartition, keyed by the new key', async () => {
    const app = memoryApp('groupby');
    const orders = app.topic('orders', { keyType: 'string', valueType: 'json', partitions: 4 });
    const seen: { key: unknown; value: unknown; topic: string; partition: number }[] = [];
    app.agent(orders, { name: 'by-account' }, async (stream) => {
      const byAccount = stream.groupBy((order) => (order as { account: string }).account, {
        name: 'account',
      });
      for await (const event of byAccount.events()) {
        seen.push({ key: event.key, value: event.value, topic: event.topic, partition: event.partition });
      }
    });
    await started(app);
    for (let i = 0; i < 40; i++)
      await orders.send({ key: `order-${i}`, value: { account: `acc-${i % 5}`, i } });
    await eventually('40 regrouped events', () => seen.length === 40);
    const topic = 'by-account-orders-account-repartition';
    assert.ok(app.getTopic(topic), `the repartition topic is ${topic}`);
    for (const e of seen) assert.equal(e.topic, topic);
    // Every account lands on one partition (keyed by the new key).
    const partitionsByAccount = new Map<unknown, Set<number>>();
    for (const e of seen) {
      const set = partitionsByAccount.get(e.key) ?? new Set();
      set.add(e.partition);
      partitionsByAccount.set(e.key, set);
    }
    assert.equal(partitionsByAccount.size, 5);
    for (const set of partitionsByAccount.values()) assert.equal(set.size, 1);
  });
});

describe('acks', () => {
  it('noack(): offsets commit only after stream.ack(event)', async () => {
    const app = memoryApp('noack');
    const topic = app.topic('in', { keyType: 'string', valueType: 'json', partitions: 1 });
    const held: Event<string, unknown>[] = [];
    app.agent(topic, { name: 'manual' }, async (stream) => {
      const manual = stream.noack();
      for await (const event of manual.events()) held.push(event);
    });
    await started(app);
    for (let i = 0; i < 5; i++) await topic.send({ key: 'k', value: i });
    await eventually('5 events', () => held.length === 5);
    await new Promise((r) => setTimeout(r, 150)); // several commit intervals
    const admin = app.engine.transportAdmin;
    assert.equal((await admin.committedOffsets(app.appId, 'in'))[0]?.offset, -1, 'nothing committed yet');
    for (const event of held.slice(0, 3)) event.ack();
    let committed = -1;
    for (let i = 0; i < 200 && committed !== 3; i++) {
      await new Promise((r) => setTimeout(r, 10));
      committed = (await admin.committedOffsets(app.appId, 'in'))[0]?.offset ?? -1;
    }
    assert.equal(committed, 3, 'offsets of the acked events (and no more) are committed');
  });
});
