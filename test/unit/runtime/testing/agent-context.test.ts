import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App } from '../../../../runtime/index.js';
import { openAgentTestContext } from '../../../../runtime/testing/index.js';
import { Agent } from '../../../../runtime/agents/agent.js';

const settings = { broker: 'kafka://127.0.0.1:1', logLevel: 'silent' } as const;

describe('agent.testContext()', () => {
  it('resolves put() with what this agent yielded, not what the agents it feeds yielded', async () => {
    const app = new App('focus', settings);
    const prices = app.topic('prices', { keyType: 'string', valueType: 'number' });
    const alerts = app.agent(undefined, { name: 'alerts' }, async function* (stream) {
      for await (const price of stream) yield `alert: ${price}`;
    });
    const watch = app.agent(prices, { name: 'watch', sink: [alerts] }, async function* (stream) {
      for await (const price of stream) if (price > 100) yield price;
    });
    const ctx = await watch.testContext();
    try {
      assert.deepEqual(await ctx.put(150, { key: 'ACME' }), [150]);
      assert.deepEqual(await ctx.put(99, { key: 'ACME' }), []);
      assert.deepEqual(await ctx.put(101, { key: 'INIT' }), [101]);
      assert.deepEqual(ctx.results, [150, 101]);
      assert.deepEqual(ctx.app.yielded(alerts), ['alert: 150', 'alert: 101'], 'the sink agent ran too');
      assert.equal(
        ctx.committed().reduce((sum, c) => sum + Math.max(0, c.offset), 0),
        3,
        'committed() defaults to the agent source',
      );
    } finally {
      await ctx.stop();
    }
  });

  it('works for an agent without sinks that yields nothing', async () => {
    const app = new App('sinkless', settings);
    const events = app.topic('events', { valueType: 'json' });
    const stored: unknown[] = [];
    const store = app.agent(events, { name: 'store' }, async (stream) => {
      for await (const event of stream) stored.push(event);
    });
    const ctx = await store.testContext();
    try {
      assert.deepEqual(await ctx.put({ a: 1 }), []);
      assert.deepEqual(stored, [{ a: 1 }], 'processed by the time put() resolved');
      assert.deepEqual(ctx.results, []);
    } finally {
      await ctx.stop();
    }
  });

  it('works for a sink-less generator agent (the case Faust could not test)', async () => {
    const app = new App('generator', settings);
    const names = app.topic('names', { valueType: 'string' });
    const greet = app.agent(names, { name: 'greet' }, async function* (stream) {
      for await (const name of stream) yield `hello ${name}`;
    });
    const ctx = await greet.testContext();
    try {
      assert.deepEqual(await ctx.put('ann'), ['hello ann']);
      assert.deepEqual(await ctx.put('bob'), ['hello bob']);
      assert.deepEqual(ctx.results, ['hello ann', 'hello bob']);
    } finally {
      await ctx.stop();
    }
  });

  it('shows the dead letters of the agent source by default, including raw bytes put past the serdes', async () => {
    const app = new App('strict', settings);
    const counts = app.topic('counts', { valueType: 'number' });
    const check = app.agent(counts, { name: 'check' }, async function* (stream) {
      for await (const n of stream) {
        if (n < 0) throw new RangeError(`negative: ${n}`);
        yield n;
      }
    });
    const ctx = await check.testContext();
    try {
      assert.deepEqual(await ctx.putBytes('not a number'), []);
      assert.deepEqual(await ctx.put(-1), []);
      assert.deepEqual(await ctx.put(2), [2]);
      const dead = ctx.deadLetters();
      assert.deepEqual(
        dead.map((d) => [d.stage, d.errorType, d.value]),
        [
          ['decode', 'DecodeError', undefined],
          ['handler', 'RangeError', -1],
        ],
      );
      assert.equal(dead[1]?.reason, 'negative: -1');
    } finally {
      await ctx.stop();
    }
  });

  it('puts into an agent that reads a channel', async () => {
    // shutdownTimeout: an actor waiting on a channel does not end at stop (see the report on channel sources).
    const app = new App('channel', { ...settings, shutdownTimeout: 0.05 });
    const jobs = app.channel<null, string>();
    const run = app.agent(jobs, { name: 'run' }, async function* (stream) {
      for await (const job of stream) yield `ran ${job}`;
    });
    const ctx = await run.testContext();
    try {
      assert.deepEqual(await ctx.put('a'), ['ran a']);
      assert.throws(() => ctx.deadLetters(), /reads channel .* not a topic/);
    } finally {
      await ctx.stop();
    }
  });

  it('refuses an agent that no app made', async () => {
    const app = new App('owner', settings);
    const topic = app.topic('t', { valueType: 'string' });
    const orphan = new Agent(topic, async () => undefined, app, { name: 'orphan' });
    assert.equal('testContext' in orphan, false, 'only agents made by app.agent() have a test driver');
    await assert.rejects(openAgentTestContext(orphan, app), /was not made by app.agent\(\)/);
  });
});
