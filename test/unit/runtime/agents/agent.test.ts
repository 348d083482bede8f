import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { App } from '../../../../runtime/index.js';
import { captureLogs } from '../../../../runtime/core/logging/index.js';
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

describe('Agent', () => {
  it('runs `concurrency` actors on one shared queue: every event once, spread over the actors', async () => {
    const app = memoryApp('concurrency');
    const topic = app.topic('jobs', { keyType: 'string', valueType: 'json', partitions: 4 });
    const byActor = new Map<number, number[]>();
    let actorIds = 0;
    app.agent(topic, { name: 'workers', concurrency: 3 }, async (stream) => {
      const me = actorIds++;
      for await (const value of stream) {
        const list = byActor.get(me) ?? [];
        list.push(value as number);
        byActor.set(me, list);
        await new Promise((r) => setTimeout(r, 1)); // let the other actors take events
      }
    });
    await started(app);
    for (let i = 0; i < 60; i++) await topic.send({ key: `k${i}`, value: i });
    await eventually('60 events', () => [...byActor.values()].flat().length === 60);
    const all = [...byActor.values()].flat().sort((a, b) => a - b);
    assert.deepEqual(
      all,
      Array.from({ length: 60 }, (_, i) => i),
    );
    assert.equal(actorIds, 3);
    assert.ok(byActor.size >= 2, 'more than one actor processed events');
  });

  it('sends what an async-generator handler yields to every sink: topic, channel, agent and function', async () => {
    const app = memoryApp('sinks');
    const input = app.topic('numbers', { keyType: 'string', valueType: 'json', partitions: 2 });
    const output = app.topic('doubled', { keyType: 'string', valueType: 'json', partitions: 2 });
    const channel = app.channel<unknown, unknown>();
    const fromTopic: unknown[] = [];
    const fromChannel: unknown[] = [];
    const fromAgent: unknown[] = [];
    const fromFunction: unknown[] = [];
    const collector = app.agent(undefined, { name: 'collector' }, async (stream) => {
      for await (const v of stream) fromAgent.push(v);
    });
    app.agent(output, { name: 'read-output' }, async (stream) => {
      for await (const v of stream) fromTopic.push(v);
    });
    app.agent(
      input,
      { name: 'doubler', sink: [output, channel, collector, (v: number) => fromFunction.push(v)] },
      async function* (stream) {
        for await (const v of stream) yield (v as number) * 2;
      },
    );
    await started(app);
    const reading = (async () => {
      for await (const v of channel.stream()) {
        fromChannel.push(v);
        if (fromChannel.length === 5) break;
      }
    })();
    for (let i = 1; i <= 5; i++) await input.send({ key: `k${i}`, value: i });
    await reading;
    await eventually('every sink got 5 values', () => fromTopic.length === 5 && fromAgent.length === 5);
    const sorted = (a: unknown[]) => [...a].sort((x, y) => (x as number) - (y as number));
    for (const got of [fromTopic, fromChannel, fromAgent, fromFunction])
      assert.deepEqual(sorted(got), [2, 4, 6, 8, 10]);
    assert.ok(app.getTopic(`${app.appId}-collector`), 'an agent without a source reads <appId>-<name>');
  });

  it('isolatedPartitions runs one actor per assigned partition', async () => {
    const app = memoryApp('isolated');
    const topic = app.topic('parts', { keyType: 'string', valueType: 'json', partitions: 3 });
    const partitionsByActor = new Map<number, Set<number>>();
    let actors = 0;
    app.agent(topic, { name: 'isolated', isolatedPartitions: true }, async (stream) => {
      const me = actors++;
      for await (const event of stream.events()) {
        const set = partitionsByActor.get(me) ?? new Set();
        set.add(event.partition);
        partitionsByActor.set(me, set);
      }
    });
    assert.throws(
      () => app.agent(topic, { name: 'bad', isolatedPartitions: true, concurrency: 2 }, async () => {}),
      /requires concurrency 1/,
    );
    await started(app);
    for (let i = 0; i < 30; i++) await topic.send({ key: `k${i}`, value: i, partition: i % 3 });
    await eventually('every partition seen', () => [...partitionsByActor.values()].length === 3);
    assert.equal(actors, 3);
    for (const set of partitionsByActor.values()) assert.equal(set.size, 1, 'an actor sees one partition');
  });

  it('restarts an actor that fails outside an event, and crashes the worker when the restart limit is reached', async () => {
    const logs = captureLogs();
    const app = memoryApp('supervisor');
    (app as unknown as { log: unknown }).log = logs.logger;
    const topic = app.topic('t', { keyType: 'string', valueType: 'json' });
    let starts = 0;
    app.agent(topic, { name: 'flaky', maxRestarts: 3, restartWindow: 60 }, async () => {
      starts++;
      throw new Error('cannot start');
    });
    const crashed = new Promise<Error>((resolve) => app.onCrash(resolve));
    await started(app);
    const error = await crashed;
    assert.match(error.message, /agent flaky exceeded its restart limit: cannot start/);
    assert.equal(starts, 4, 'the first run and 3 restarts');
  });

  it('an agent reading a channel stops at once, without waiting out shutdownTimeout', async () => {
    const logs = captureLogs();
    const app = memoryApp('channel-stop', { shutdownTimeout: 30 });
    (app as unknown as { log: unknown }).log = logs.logger;
    const channel = app.channel<string, number>();
    const seen: number[] = [];
    app.agent(channel, { name: 'channel-reader' }, async (stream) => {
      for await (const v of stream) seen.push(v);
    });
    await app.start();
    await channel.send({ value: 1 });
    await eventually('the value reached the agent', () => seen.length === 1);
    await app.stop();
    assert.deepEqual(
      logs.messages('warn').filter((m) => /did not finish/.test(m)),
      [],
    );
    await channel.send({ value: 2 });
    assert.equal(channel.size, 1, 'the stopped reader did not take the next value');
  });

  it('a stuck agent does not block shutdown beyond shutdownTimeout', async () => {
    const app = memoryApp('stuck', { shutdownTimeout: 0.3 });
    const topic = app.topic('t', { keyType: 'string', valueType: 'json' });
    let got = 0;
    app.agent(topic, { name: 'stuck' }, async (stream) => {
      for await (const _ of stream) {
        got++;
        await new Promise(() => {}); // never resolves
      }
    });
    await app.start();
    await topic.send({ key: 'k', value: 1 });
    await eventually('the event reached the agent', () => got === 1);
    const before = Date.now();
    await app.stop();
    const took = Date.now() - before;
    assert.ok(took < 5000, `stop() returned (after ${took} ms)`);
    const committed = await app.engine.transportAdmin.committedOffsets(app.appId, 't').catch(() => []);
    for (const c of committed) assert.ok(c.offset <= 0, 'the stuck event was not committed');
  });
});
