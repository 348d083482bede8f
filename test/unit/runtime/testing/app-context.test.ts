import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { App, model } from '../../../../runtime/index.js';
import { openAppTestContext } from '../../../../runtime/testing/index.js';

interface Order {
  id: number;
  customer: string;
  amount: number;
}

const Order = model<Order>('testing.Order', {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    customer: { type: 'string' },
    amount: { type: 'number', minimum: 0 },
  },
  required: ['id', 'customer', 'amount'],
});

/** An unreachable Kafka broker: a context that talked to it would fail. */
const NO_BROKER = { broker: 'kafka://127.0.0.1:1', logLevel: 'silent' } as const;

/** Bills orders: an invoice per order on an output topic, a summary yielded to a sink topic and a function. */
function billingApp() {
  const app = new App('billing', NO_BROKER);
  const orders = app.topic('orders', { keyType: 'string', valueType: Order, partitions: 4 });
  const invoices = app.topic('invoices', { keyType: 'string', valueType: 'json', partitions: 2 });
  const audit = app.topic('audit', { valueType: 'json' });
  const sunk: unknown[] = [];
  const billing = app.agent(
    orders,
    { name: 'billing', sink: [audit, (summary: unknown) => void sunk.push(summary)] },
    async function* (stream) {
      for await (const [customer, order] of stream.items()) {
        if (order.amount > 1000) throw new Error(`order ${order.id} needs approval`);
        await invoices.send({ key: customer, value: { order: order.id, due: order.amount * 1.2 } });
        yield { order: order.id, customer };
      }
    },
  );
  return { app, orders, invoices, audit, billing, sunk };
}

describe('app.testContext()', () => {
  it('runs an agent with a sink and an output topic without any broker', async () => {
    const { app, orders, invoices, audit, billing, sunk } = billingApp();
    const ctx = await app.testContext();
    try {
      assert.match(app.conf.broker[0] ?? '', /^memory:\/\/faustgen-test-billing-/);
      const first = await ctx.put(orders, { id: 1, customer: 'ann', amount: 10 }, { key: 'ann' });
      assert.equal(first.topic, 'orders');
      assert.equal(first.offset, 0);
      assert.deepEqual(first.yielded, [{ agent: 'billing', value: { order: 1, customer: 'ann' } }]);
      await ctx.put(orders, { id: 2, customer: 'bob', amount: 5 }, { key: 'bob' });
      await ctx.put(orders, { id: 3, customer: 'ann', amount: 1 }, { key: 'ann' });

      assert.deepEqual(
        ctx.sent(invoices).map((r) => [r.key, r.value]),
        [
          ['ann', { order: 1, due: 12 }],
          ['bob', { order: 2, due: 6 }],
          ['ann', { order: 3, due: 1.2 }],
        ],
        'invoices in the order they were sent, decoded with the topic serdes',
      );
      const summaries = [
        { order: 1, customer: 'ann' },
        { order: 2, customer: 'bob' },
        { order: 3, customer: 'ann' },
      ];
      assert.deepEqual(ctx.yielded(billing), summaries);
      assert.deepEqual(
        ctx.sent(audit).map((r) => r.value),
        summaries,
        'the sink topic got every yield',
      );
      assert.deepEqual(sunk, summaries, 'the sink function got every yield');
      const committed = ctx.committed(orders);
      assert.equal(committed.length, 4);
      const onBroker = ctx.sentRaw(orders);
      for (const { partition, offset } of committed) {
        const records = onBroker.filter((r) => r.partition === partition).length;
        assert.equal(offset, records === 0 ? -1 : records, `committed offset of orders[${partition}]`);
      }
    } finally {
      await ctx.stop();
    }
    assert.deepEqual(app.conf.broker, ['kafka://127.0.0.1:1'], 'the app has its own settings back');
  });

  it('waits for a handler that awaits a timer before it resolves', async () => {
    const app = new App('slow', NO_BROKER);
    const words = app.topic('words', { valueType: 'string' });
    const done: string[] = [];
    app.agent(words, { name: 'slow' }, async (stream) => {
      for await (const word of stream) {
        await sleep(15);
        done.push(word);
      }
    });
    const ctx = await app.testContext();
    try {
      await ctx.put(words, 'a');
      assert.deepEqual(done, ['a']);
      await ctx.put(words, 'b');
      assert.deepEqual(done, ['a', 'b']);
    } finally {
      await ctx.stop();
    }
  });

  it('shows dead letters with their reason, stage and source, and commits past them', async () => {
    const { app, orders, billing } = billingApp();
    const ctx = await app.testContext();
    try {
      await ctx.putBytes(orders, '{"id": 1, "customer": ', { key: 'bad-json' });
      await ctx.putBytes(orders, JSON.stringify({ id: 2, customer: 'cy', amount: -5 }), { key: 'invalid' });
      const rejected = await ctx.put(orders, { id: 3, customer: 'di', amount: 5000 }, { key: 'di' });
      assert.deepEqual(rejected.yielded, []);
      await ctx.put(orders, { id: 4, customer: 'ed', amount: 7 }, { key: 'ed' });

      const dead = ctx.deadLetters(orders);
      assert.deepEqual(
        dead.map((d) => [d.rawKey?.toString(), d.stage, d.agent]),
        [
          ['bad-json', 'decode', undefined],
          ['invalid', 'decode', undefined],
          ['di', 'handler', 'billing'],
        ],
      );
      assert.match(dead[0]!.reason, /JSON/i);
      assert.equal(dead[0]!.value, undefined, 'malformed bytes do not decode');
      assert.match(dead[1]!.reason, /amount/);
      assert.equal(dead[1]!.errorType, 'ValidationError');
      assert.equal(dead[2]!.reason, 'order 3 needs approval');
      assert.deepEqual(dead[2]!.value, { id: 3, customer: 'di', amount: 5000 });
      assert.equal(dead[2]!.key, 'di');
      assert.equal(dead[2]!.source.topic, 'orders');
      assert.equal(dead[2]!.source.offset, rejected.offset);
      assert.equal(dead[2]!.deadLetterTopic, 'billing-orders-deadletter');
      assert.deepEqual(ctx.yielded(billing), [{ order: 4, customer: 'ed' }], 'the good order went through');
      const committed = ctx.committed(orders).reduce((sum, c) => sum + Math.max(0, c.offset), 0);
      assert.equal(committed, 4, 'the dead-lettered records are committed too');
    } finally {
      await ctx.stop();
    }
  });

  it('sends headers and writes to the partition asked for', async () => {
    const app = new App('headers', NO_BROKER);
    const input = app.topic('input', { keyType: 'string', valueType: 'string', partitions: 3 });
    const seen: string[] = [];
    app.agent(input, { name: 'reader' }, async (stream) => {
      for await (const event of stream.events()) {
        seen.push(`${event.partition}:${event.headers.trace?.toString()}:${event.value}`);
      }
    });
    const ctx = await app.testContext();
    try {
      const put = await ctx.put(input, 'v', { key: 'k', partition: 2, headers: { trace: 't-1' } });
      assert.equal(put.partition, 2);
      assert.deepEqual(seen, ['2:t-1:v']);
      const [record] = ctx.sent(input);
      assert.equal(record?.headers.trace?.toString(), 't-1');
    } finally {
      await ctx.stop();
    }
  });

  it('follows records through a repartitioning agent and an agent it sinks to', async () => {
    const app = new App('chain', NO_BROKER);
    const clicks = app.topic('clicks', { keyType: 'string', valueType: 'json', partitions: 3 });
    const counts = new Map<string, number>();
    const tally = app.agent(undefined, { name: 'tally' }, async function* (stream) {
      for await (const user of stream) yield `tallied ${user}`;
    });
    const byUser = app.agent(clicks, { name: 'by-user', sink: [tally] }, async function* (stream) {
      const grouped = stream.groupBy((click) => (click as { user: string }).user, { name: 'user' });
      for await (const [user] of grouped.items()) {
        counts.set(user as string, (counts.get(user as string) ?? 0) + 1);
        yield user;
      }
    });
    const ctx = await app.testContext();
    try {
      const put = await ctx.put(clicks, { user: 'ann', page: '/' }, { key: 'session-1' });
      assert.deepEqual(put.yielded, [
        { agent: 'by-user', value: 'ann' },
        { agent: 'tally', value: 'tallied ann' },
      ]);
      await ctx.put(clicks, { user: 'bob', page: '/a' }, { key: 'session-2' });
      await ctx.put(clicks, { user: 'ann', page: '/b' }, { key: 'session-3' });
      assert.deepEqual(
        [...counts],
        [
          ['ann', 2],
          ['bob', 1],
        ],
      );
      assert.deepEqual(ctx.yielded(byUser), ['ann', 'bob', 'ann']);
      assert.equal(ctx.sent('by-user-clicks-user-repartition').length, 3);
    } finally {
      await ctx.stop();
    }
  });

  it('queues without waiting (wait: false) and settles on demand; unawaited puts run in call order', async () => {
    const app = new App('batches', NO_BROKER);
    const numbers = app.topic('numbers', { valueType: 'json', partitions: 1 });
    const batcher = app.agent(numbers, { name: 'batcher' }, async function* (stream) {
      for await (const batch of stream.take(2)) yield batch;
    });
    const ctx = await app.testContext();
    try {
      const first = await ctx.put(numbers, 1, { wait: false });
      assert.deepEqual(first.yielded, []);
      await ctx.put(numbers, 2, { wait: false });
      await ctx.settle();
      assert.deepEqual(ctx.yielded(batcher), [[1, 2]]);
      const [a, b] = await Promise.all([ctx.put(numbers, 3, { wait: false }), ctx.put(numbers, 4)]);
      assert.deepEqual(b.yielded, [{ agent: 'batcher', value: [3, 4] }]);
      assert.deepEqual(
        [a.offset, b.offset],
        [2, 3],
        'written in call order (one partition here: offsets follow)',
      );
    } finally {
      await ctx.stop();
    }
  });

  it('gives the same app a fresh context after stop()', async () => {
    const app = new App('reused', NO_BROKER);
    const words = app.topic('words', { valueType: 'string' });
    const upper = app.agent(words, { name: 'upper' }, async function* (stream) {
      for await (const word of stream) yield word.toUpperCase();
    });
    for (const word of ['first', 'second', 'third']) {
      const ctx = await app.testContext();
      try {
        assert.deepEqual(ctx.sent(words), [], 'nothing left from the previous context');
        const put = await ctx.put(words, word);
        assert.equal(put.offset, 0);
        assert.deepEqual(ctx.yielded(upper), [word.toUpperCase()]);
        assert.deepEqual(
          ctx.committed(words).map((c) => c.offset),
          [...Array(app.conf.topicPartitions)].map((_, p) => (p === put.partition ? 1 : -1)),
        );
      } finally {
        await ctx.stop();
      }
      assert.deepEqual(app.conf.broker, ['kafka://127.0.0.1:1']);
    }
  });

  it('runs two contexts in parallel without either seeing the other', async () => {
    const build = () => {
      const app = new App('twin', NO_BROKER);
      const input = app.topic('input', { valueType: 'string', partitions: 2 });
      const output = app.topic('output', { valueType: 'string', partitions: 2 });
      const seen: string[] = [];
      app.agent(input, { name: 'echo' }, async function* (stream) {
        for await (const value of stream) {
          seen.push(value);
          await output.send({ value: `echo ${value}` });
          yield value;
        }
      });
      return { app, input, output, seen };
    };
    const left = build();
    const right = build();
    const [a, b] = await Promise.all([left.app.testContext(), right.app.testContext()]);
    try {
      assert.notEqual(a.brokerUrl, b.brokerUrl);
      await Promise.all([
        (async () => {
          for (const v of ['l1', 'l2', 'l3']) await a.put(left.input, v);
        })(),
        (async () => {
          for (const v of ['r1', 'r2']) await b.put(right.input, v);
        })(),
      ]);
      assert.deepEqual(left.seen, ['l1', 'l2', 'l3']);
      assert.deepEqual(right.seen, ['r1', 'r2']);
      assert.deepEqual(
        a.sent(left.output).map((r) => r.value),
        ['echo l1', 'echo l2', 'echo l3'],
      );
      assert.deepEqual(
        b.sent(right.output).map((r) => r.value),
        ['echo r1', 'echo r2'],
      );
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('refuses a second context while one is open, and an app that is running', async () => {
    const app = new App('once', NO_BROKER);
    app.topic('t', { valueType: 'string' });
    const ctx = await app.testContext();
    try {
      await assert.rejects(app.testContext(), /already has an open test context/);
    } finally {
      await ctx.stop();
    }
    const running = new App('running', {
      broker: `memory://running-${process.pid}`,
      logLevel: 'silent',
      webEnabled: false,
    });
    running.topic('t', { valueType: 'string' });
    await running.start();
    try {
      await assert.rejects(openAppTestContext(running), /is running: stop it/);
    } finally {
      await running.stop();
    }
  });

  it('names what it cannot write to', async () => {
    const app = new App('targets', NO_BROKER);
    app.topic('known', { valueType: 'string' });
    const stranger = new App('stranger', NO_BROKER).topic('known', { valueType: 'string' });
    const ctx = await app.testContext();
    try {
      await assert.rejects(ctx.put('unknown', 'x'), /has no topic unknown/);
      await assert.rejects(ctx.put(stranger, 'x'), /belongs to another app/);
      await ctx.put('known', 'still works');
      assert.deepEqual(
        ctx.sent('known').map((r) => r.value),
        ['still works'],
      );
    } finally {
      await ctx.stop();
    }
    assert.throws(() => ctx.sent('known'), /read results before stop/);
    await assert.rejects(ctx.put('known', 'late'), /was stopped/);
  });

  it('fails a put whose processing never ends, naming the stuck agent and event', async () => {
    const app = new App('stuck', { ...NO_BROKER, shutdownTimeout: 0.05 });
    const input = app.topic('input', { valueType: 'string', partitions: 1 });
    app.agent(input, { name: 'stuck' }, async (stream) => {
      for await (const value of stream) if (value === 'hang') await new Promise(() => undefined);
    });
    const ctx = await app.testContext({ settleTimeoutMs: 100 });
    try {
      await ctx.put(input, 'fine');
      await assert.rejects(
        ctx.put(input, 'hang'),
        /still busy after 100 ms: agent stuck actor 0 is processing input\[0\]@1/,
      );
    } finally {
      await ctx.stop();
    }
  });

  it('keeps tables in memory: nothing on disk, and the next context recovers from its own empty broker', async () => {
    const datadir = join(tmpdir(), `faustgen-testing-${process.pid}-${Date.now()}`);
    const app = new App('tables', { ...NO_BROKER, datadir });
    const amounts = app.topic('amounts', { keyType: 'string', valueType: 'number' });
    const totals = app.table('totals', { default: () => 0 });
    app.agent(amounts, { name: 'sum' }, async (stream) => {
      for await (const [account, amount] of stream.items()) {
        totals.set(account, (totals.get(account) as number) + amount);
      }
    });
    for (let run = 0; run < 2; run++) {
      const ctx = await app.testContext();
      try {
        await ctx.put(amounts, 5, { key: 'acct' });
        assert.equal(ctx.sent('tables-totals-changelog').length, 1, 'one changelog record per context');
      } finally {
        await ctx.stop();
      }
    }
    assert.equal(existsSync(datadir), false, `${datadir} was created`);
  });

  it('rejects puts once the app crashed', async () => {
    const app = new App('crash', NO_BROKER);
    const input = app.topic('input', { valueType: 'string' });
    app.agent(input, { name: 'fragile', supervisorStrategy: 'crashing' }, async (stream) => {
      for await (const value of stream) if (value === 'boom') throw new Error('boom');
    });
    const ctx = await app.testContext();
    try {
      await ctx.put(input, 'ok');
      await assert.rejects(ctx.put(input, 'boom'), /app crash crashed: agent fragile failed: boom/);
      await assert.rejects(ctx.put(input, 'ok again'), /crashed/);
    } finally {
      await ctx.stop();
    }
    const again = await app.testContext();
    try {
      await again.put(input, 'ok');
    } finally {
      await again.stop();
    }
  });
});
