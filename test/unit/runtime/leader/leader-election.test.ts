/**
 * Leader election and the app's tasks, timers and services through the App, on memory:// (a
 * real consumer group with rebalances, in process).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { App, leaderTopicName } from '../../../../runtime/index.js';

const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

const apps: App[] = [];
after(async () => {
  for (const app of apps) await app.stop().catch(() => undefined);
});

function worker(id: string, broker: string, settings: Record<string, unknown> = {}): App {
  const app = new App(id, {
    broker,
    topicPartitions: 2,
    logLevel: 'silent',
    shutdownTimeout: 2,
    webEnabled: false,
    ...settings,
  });
  apps.push(app);
  return app;
}

/** Waits (by turns of the event loop, not by time) until the condition holds. */
async function until(what: string, condition: () => boolean, turns = 10_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (condition()) return;
    await nextTurn();
  }
  throw new Error(`${what} did not happen`);
}

describe('leader election on memory://', () => {
  it('declares the one-partition leader topic; the only worker is the leader', async () => {
    const broker = `memory://${unique('leader')}`;
    const app = worker(unique('solo'), broker);
    assert.equal(app.isLeader(), false, 'not before start');
    await app.start();
    await app.whenReady();
    assert.equal(app.isLeader(), true);
    const topic = leaderTopicName(app.appId);
    assert.equal(await app.engine.transportAdmin.partitionCount(topic), 1);
    assert.ok(app.assignment().some((tp) => tp.topic === topic && tp.partition === 0));
    await app.stop();
    assert.equal(app.isLeader(), false, 'not after stop');
  });

  it('makes exactly one of two workers the leader, and moves leadership when the leader stops', async () => {
    const broker = `memory://${unique('leader')}`;
    const id = unique('pair');
    const a = worker(id, broker);
    const b = worker(id, broker);
    await a.start();
    await a.whenReady();
    await b.start();
    await b.whenReady();
    const topic = leaderTopicName(a.appId);
    const owns = (app: App) => app.assignment().some((tp) => tp.topic === topic);
    await until('the rebalance settled on both', () => owns(a) !== owns(b));
    assert.equal([a, b].filter((app) => app.isLeader()).length, 1);
    assert.equal(a.isLeader(), owns(a));
    const [leader, follower] = a.isLeader() ? [a, b] : [b, a];
    await leader.stop();
    await until('the follower took over', () => follower.isLeader());
    assert.ok(owns(follower));
  });

  it('with topicDisableLeader creates no leader topic and no worker is the leader (as Faust)', async () => {
    const broker = `memory://${unique('leader')}`;
    const app = worker(unique('noleader'), broker, { topicDisableLeader: true });
    app.agent(app.topic(`${app.appId}-in`), { name: 'sink' }, async (stream) => {
      for await (const _ of stream);
    });
    let ran = 0;
    app.task({ onLeader: true }, () => {
      ran++;
    });
    await app.start();
    await app.whenReady();
    await until('the assignment', () => app.assignment().length > 0);
    assert.equal(app.isLeader(), false);
    assert.equal(await app.engine.transportAdmin.partitionCount(leaderTopicName(app.appId)), undefined);
    await nextTurn();
    assert.equal(ran, 0);
  });
});

describe('App tasks, timers and services', () => {
  it('runs tasks once after ready, onLeader tasks only on the leader, and passes the app', async () => {
    const broker = `memory://${unique('tasks')}`;
    const id = unique('tasks');
    const a = worker(id, broker);
    const b = worker(id, broker, { topicDisableLeader: false });
    const runs: { worker: string; task: string; leader: boolean }[] = [];
    for (const [name, app] of [
      ['a', a],
      ['b', b],
    ] as const) {
      app.task((got) => runs.push({ worker: name, task: 'every worker', leader: got.isLeader() }));
      app.task({ onLeader: true, name: 'leader-only' }, (got) => {
        assert.equal(got, app);
        runs.push({ worker: name, task: 'leader-only', leader: got.isLeader() });
      });
    }
    await a.start();
    assert.equal(runs.length, 0, 'not before ready');
    await a.whenReady();
    await until('a ran its tasks', () => runs.length === 2);
    await b.start();
    await b.whenReady();
    await until('b ran its tasks', () => runs.filter((r) => r.worker === 'b').length >= 1);
    await nextTurn();
    // Each worker runs the plain task once; the onLeader task runs on a worker only if it led when ready.
    assert.equal(runs.filter((r) => r.task === 'every worker').length, 2);
    const leaderRuns = runs.filter((r) => r.task === 'leader-only');
    assert.ok(leaderRuns.length >= 1);
    assert.ok(
      leaderRuns.every((r) => r.leader),
      'the onLeader task ran only on a leader',
    );
    assert.deepEqual(
      a.jobs().map((j) => [j.kind, j.name, j.stats().runs]),
      [
        ['task', 'anonymous', 1],
        ['task', 'leader-only', 1],
      ],
    );
  });

  it('accepts the options or leaves them out, and refuses declarations after start', async () => {
    const app = worker(unique('decl'), `memory://${unique('decl')}`);
    const tick = async () => undefined;
    app.timer(5, tick);
    app.timer(5, { onLeader: true, name: 'leader-tick' }, tick);
    app.crontab('*/1 * * * *', { timezone: 'UTC' }, tick);
    app.crontab('0 * * * *', tick);
    const service = app.service({ name: 'svc', start: () => undefined });
    assert.equal(service.name, 'svc');
    assert.deepEqual(
      app.jobs().map((j) => `${j.kind} ${j.name}${j.onLeader ? ' (leader)' : ''}`),
      ['timer tick', 'timer leader-tick (leader)', 'crontab tick', 'crontab tick#2'],
    );
    await app.start();
    assert.throws(() => app.timer(1, tick), /app\.timer\(\) must be called before the app starts/);
    assert.throws(() => app.task(tick), /app\.task\(\) must be called before the app starts/);
    await app.stop();
  });

  it('starts services when ready and stops them with the app, in reverse order', async () => {
    const app = worker(unique('svc'), `memory://${unique('svc')}`);
    const events: string[] = [];
    app.service({ name: 'db', start: () => events.push('start db'), stop: () => events.push('stop db') });
    app.service({
      name: 'web',
      start: (got: App) => events.push(`start web ${got === app}`),
      stop: () => events.push('stop web'),
    });
    await app.start();
    await app.whenReady();
    await until('the services started', () => events.length === 2);
    assert.deepEqual(events, ['start db', 'start web true']);
    await app.stop();
    assert.deepEqual(events, ['start db', 'start web true', 'stop web', 'stop db']);
  });
});
