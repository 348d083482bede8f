import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { optionsAndHandler, Scheduler, type SchedulerHost } from '../../../../runtime/timers/scheduler.js';
import { FakeClock, type LogLine, recordingLogger, settle } from './fake-clock.js';

interface FakeApp {
  readonly id: string;
}

function setup(conf: Partial<SchedulerHost<FakeApp>['conf']> = {}, wallStart?: string) {
  const { logger, lines } = recordingLogger();
  const state = { leader: true, crashes: [] as Error[] };
  const app: FakeApp = { id: 'fake' };
  const host: SchedulerHost<FakeApp> = {
    app,
    logger,
    conf: { timezone: 'UTC', topicDisableLeader: false, shutdownTimeout: 5, ...conf },
    isLeader: () => state.leader,
    crash: (error) => state.crashes.push(error),
  };
  const clock = new FakeClock(wallStart);
  const scheduler = new Scheduler<FakeApp>(host, clock);
  const ready = async () => {
    scheduler.onReady();
    await settle();
  };
  return { scheduler, clock, lines, state, app, ready };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const messages = (lines: LogLine[], level: string) =>
  lines.filter((l) => l.level === level).map((l) => l.msg);
const iso = (ms: number) => new Date(ms).toISOString();

describe('Scheduler: timers', () => {
  it('runs every interval and stays on its grid although every wake-up is late (drift correction)', async () => {
    const { scheduler, clock, ready } = setup();
    clock.lateness = () => 3;
    const corrected: number[] = [];
    const plain: number[] = [];
    scheduler.timer(1, { name: 'corrected' }, () => corrected.push(clock.monotonic()));
    scheduler.timer(1, { name: 'plain', maxDriftCorrection: 0 }, () => plain.push(clock.monotonic()));
    await ready();
    await clock.advance(100_500);
    assert.equal(corrected.length, 100);
    for (const [i, at] of corrected.entries()) assert.equal(at, (i + 1) * 1000 + 3, `run ${i + 1}`);
    // Without correction each tick adds its lateness: the 100th run is 300 ms late.
    assert.equal(plain.length, 100);
    assert.equal(plain.at(-1), 100 * 1003);
  });

  it('passes the app to the handler', async () => {
    const { scheduler, clock, app, ready } = setup();
    const seen: FakeApp[] = [];
    scheduler.timer(2, {}, (a) => seen.push(a));
    await ready();
    await clock.advance(2000);
    assert.deepEqual(seen, [app]);
  });

  it('logs a failing run with the timer name and goes on', async () => {
    const { scheduler, clock, lines, ready } = setup();
    let n = 0;
    const job = scheduler.timer(1, { name: 'heartbeat' }, async () => {
      n++;
      if (n === 2) throw new Error('boom');
    });
    await ready();
    await clock.advance(5000);
    assert.equal(n, 5);
    assert.deepEqual(job.stats(), { runs: 5, failures: 1, skippedBusy: 0, skippedNotLeader: 0, missed: 0 });
    const errors = lines.filter((l) => l.level === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.msg, 'timer heartbeat failed: boom');
    assert.equal(errors[0]!.timer, 'heartbeat');
  });

  it('skips a run that is due while the previous one still runs, and never runs two at once', async () => {
    const { scheduler, clock, lines, ready } = setup();
    let active = 0;
    let maxActive = 0;
    const gates: { resolve: () => void }[] = [];
    const job = scheduler.timer(1, { name: 'slow' }, async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      const gate = deferred();
      gates.push(gate);
      await gate.promise;
      active--;
    });
    await ready();
    await clock.advance(3500); // due at 1 s (runs), 2 s and 3 s (skipped)
    assert.equal(job.stats().runs, 1);
    assert.equal(job.stats().skippedBusy, 2);
    assert.deepEqual(messages(lines, 'warn'), [
      'timer slow: the previous run is still going; skipping runs until it ends',
    ]);
    gates[0]!.resolve();
    await settle();
    await clock.advance(1000); // due at 4 s: runs
    assert.equal(job.stats().runs, 2);
    assert.equal(maxActive, 1);
    assert.equal(job.stats().skippedBusy, 2, 'the skipped runs are not made up');
    gates[1]!.resolve();
  });

  it('checks onLeader at every tick, so leadership can move', async () => {
    const { scheduler, clock, state, ready } = setup();
    const ranAt: number[] = [];
    const job = scheduler.timer(1, { onLeader: true }, () => ranAt.push(clock.monotonic() / 1000));
    state.leader = false;
    await ready();
    await clock.advance(2000); // 1, 2: not leader
    state.leader = true;
    await clock.advance(2000); // 3, 4: leader
    state.leader = false;
    await clock.advance(1000); // 5: not leader
    assert.deepEqual(ranAt, [3, 4]);
    assert.equal(job.stats().skippedNotLeader, 3);
  });

  it('stops at shutdown, waiting for the running tick at most shutdownTimeout', async () => {
    const { scheduler, clock, lines, ready } = setup({ shutdownTimeout: 5 });
    let runs = 0;
    scheduler.timer(1, { name: 'stuck' }, async () => {
      runs++;
      await new Promise(() => undefined); // never ends
    });
    await ready();
    await clock.advance(1000);
    assert.equal(runs, 1);
    let stopped = false;
    const stopping = scheduler.onStop().then(() => {
      stopped = true;
    });
    await settle();
    await clock.advance(4900);
    assert.equal(stopped, false, 'waits for the running tick');
    await clock.advance(100);
    await stopping;
    assert.equal(runs, 1, 'no tick after stop');
    assert.equal(clock.pending, 0, 'no timer left behind');
    assert.deepEqual(messages(lines, 'warn'), [
      'timer stuck did not finish within 5s; going on with shutdown',
    ]);
  });

  it('stops at once when nothing is running', async () => {
    const { scheduler, clock, ready } = setup();
    let runs = 0;
    scheduler.timer(1, {}, () => {
      runs++;
    });
    await ready();
    await clock.advance(1500);
    await scheduler.onStop();
    await clock.advance(10_000);
    assert.equal(runs, 1);
    assert.equal(clock.pending, 0);
  });

  it('refuses an invalid interval where it is declared', () => {
    const { scheduler } = setup();
    assert.throws(() => scheduler.timer(0, {}, () => undefined), /positive number of seconds, got 0/);
    assert.throws(() => scheduler.timer(-1, {}, () => undefined), /positive number of seconds/);
  });
});

describe('Scheduler: crontabs', () => {
  it('fires */1 * * * * once per minute, on the minute', async () => {
    const { scheduler, clock, ready } = setup({}, '2024-01-01T00:00:30.000Z');
    const ranAt: string[] = [];
    const job = scheduler.crontab('*/1 * * * *', { timezone: 'UTC' }, () => ranAt.push(iso(clock.now())));
    await ready();
    await clock.advance(10 * 60_000);
    assert.deepEqual(
      ranAt,
      Array.from({ length: 10 }, (_, i) => `2024-01-01T00:${String(i + 1).padStart(2, '0')}:00.000Z`),
    );
    assert.equal(job.stats().runs, 10);
  });

  it('computes the times in the given zone, across a daylight-saving change', async () => {
    const { scheduler, clock, ready } = setup({}, '2024-03-30T00:00:00.000Z');
    const ranAt: string[] = [];
    scheduler.crontab('30 9 * * *', { timezone: 'Europe/Oslo' }, () => ranAt.push(iso(clock.now())));
    await ready();
    await clock.advance(2 * 24 * 3600_000);
    // 09:30 in Oslo: 08:30 UTC on 30 March (CET), 07:30 UTC on 31 March (CEST).
    assert.deepEqual(ranAt, ['2024-03-30T08:30:00.000Z', '2024-03-31T07:30:00.000Z']);
  });

  it("uses the app's timezone setting when the crontab names none", async () => {
    const { scheduler, clock, ready } = setup({ timezone: 'America/New_York' }, '2024-01-15T00:00:00.000Z');
    const ranAt: string[] = [];
    scheduler.crontab('0 12 * * *', {}, () => ranAt.push(iso(clock.now())));
    await ready();
    await clock.advance(24 * 3600_000);
    assert.deepEqual(ranAt, ['2024-01-15T17:00:00.000Z']);
  });

  it('follows the wall clock when the system time is set forward: one run, the rest dropped', async () => {
    const { scheduler, clock, lines, ready } = setup({}, '2024-01-01T00:00:30.000Z');
    const ranAt: string[] = [];
    const job = scheduler.crontab('* * * * *', {}, () => ranAt.push(iso(clock.now())));
    await ready();
    clock.setWall('2024-01-01T01:00:10.000Z');
    await clock.advance(30_000);
    assert.deepEqual(ranAt, ['2024-01-01T01:00:40.000Z']);
    assert.equal(job.stats().missed, 59, '00:02 to 01:00 fell due while the clock jumped');
    assert.ok(
      messages(lines, 'warn').includes("crontab '* * * * *': the worker fell behind; 59 run(s) dropped"),
    );
    await clock.advance(20_000);
    assert.deepEqual(ranAt.at(-1), '2024-01-01T01:01:00.000Z');
  });

  it('follows the wall clock when the system time is set back: waits for the wall time', async () => {
    const { scheduler, clock, ready } = setup({}, '2024-01-01T00:00:30.000Z');
    const ranAt: string[] = [];
    scheduler.crontab('1 0 * * *', {}, () => ranAt.push(iso(clock.now())));
    await ready();
    clock.setWall('2023-12-31T23:00:30.000Z');
    await clock.advance(30_000);
    assert.deepEqual(ranAt, [], 'not at 23:01');
    await clock.advance(3600_000);
    assert.deepEqual(ranAt, ['2024-01-01T00:01:00.000Z']);
  });

  it('is onLeader-checked and failure-tolerant like a timer', async () => {
    const { scheduler, clock, state, lines, ready } = setup({}, '2024-01-01T00:00:00.000Z');
    let n = 0;
    const job = scheduler.crontab('* * * * *', { onLeader: true, name: 'report' }, () => {
      n++;
      throw new Error('no report today');
    });
    state.leader = false;
    await ready();
    await clock.advance(60_000);
    state.leader = true;
    await clock.advance(120_000);
    assert.equal(n, 2);
    assert.deepEqual(job.stats(), { runs: 2, failures: 2, skippedBusy: 0, skippedNotLeader: 1, missed: 0 });
    assert.deepEqual(messages(lines, 'error'), [
      'crontab report failed: no report today',
      'crontab report failed: no report today',
    ]);
  });

  it('refuses an invalid expression or zone where it is declared', () => {
    const { scheduler } = setup();
    assert.throws(() => scheduler.crontab('* * *', {}, () => undefined), /crontab "\* \* \*"/);
    assert.throws(() => scheduler.crontab('', {}, () => undefined), /needs a cron expression/);
    assert.throws(
      () => scheduler.crontab('* * * * *', { timezone: 'Nowhere/Town' }, () => undefined),
      /Nowhere\/Town/,
    );
  });
});

describe('Scheduler: tasks', () => {
  it('runs a task once when the worker is ready, with the app', async () => {
    const { scheduler, clock, app, ready } = setup();
    const seen: FakeApp[] = [];
    const job = scheduler.task({}, (a) => seen.push(a));
    await settle();
    assert.deepEqual(seen, [], 'not before ready');
    await ready();
    await clock.advance(60_000);
    assert.deepEqual(seen, [app]);
    assert.equal(job.stats().runs, 1);
    assert.equal(job.name, 'anonymous');
  });

  it('runs an onLeader task only when this worker is the leader at ready', async () => {
    const follower = setup();
    follower.state.leader = false;
    const leader = setup();
    const ran: string[] = [];
    const a = follower.scheduler.task({ onLeader: true }, async function migrate() {
      ran.push('follower');
    });
    leader.scheduler.task({ onLeader: true }, async function migrate() {
      ran.push('leader');
    });
    await follower.ready();
    await leader.ready();
    assert.deepEqual(ran, ['leader']);
    assert.equal(a.name, 'migrate');
    assert.equal(a.stats().skippedNotLeader, 1);
  });

  it('logs a failing task with its name', async () => {
    const { scheduler, lines, ready } = setup();
    scheduler.task({ name: 'warm-cache' }, () => {
      throw new Error('cache unreachable');
    });
    await ready();
    assert.deepEqual(messages(lines, 'error'), ['task warm-cache failed: cache unreachable']);
  });

  it('gives unnamed jobs distinct names and refuses a repeated explicit name', () => {
    const { scheduler } = setup();
    assert.equal(scheduler.timer(5, {}, () => undefined).name, 'every 5s');
    assert.equal(scheduler.timer(5, {}, () => undefined).name, 'every 5s#2');
    scheduler.timer(1, { name: 'x' }, () => undefined);
    assert.throws(() => scheduler.timer(2, { name: 'x' }, () => undefined), /timer x is already defined/);
    assert.equal(scheduler.jobs().length, 3);
  });

  it('warns about onLeader jobs when topicDisableLeader is set', async () => {
    const { scheduler, lines, ready } = setup({ topicDisableLeader: true });
    scheduler.timer(1, { onLeader: true, name: 'cleanup' }, () => undefined);
    await ready();
    assert.deepEqual(messages(lines, 'warn'), [
      'timer cleanup runs onLeader, but topicDisableLeader is set: no worker is the leader, so it never runs',
    ]);
  });
});

describe('Scheduler: services', () => {
  it('starts services in order when ready, before tasks, and stops them in reverse order', async () => {
    const { scheduler, app, ready } = setup();
    const events: string[] = [];
    class Database {
      async start(a: FakeApp) {
        events.push(`start Database ${a.id}`);
      }
      async stop() {
        events.push('stop Database');
      }
    }
    scheduler.service(new Database());
    scheduler.service({
      name: 'cache',
      start: () => events.push('start cache'),
      stop: (a: FakeApp) => events.push(`stop cache ${a === app}`),
    });
    scheduler.task({}, () => events.push('task'));
    assert.deepEqual(scheduler.services(), ['Database', 'cache']);
    assert.deepEqual(events, []);
    await ready();
    assert.deepEqual(events, ['start Database fake', 'start cache', 'task']);
    await scheduler.onStop();
    assert.deepEqual(events.slice(3), ['stop cache true', 'stop Database']);
  });

  it('crashes the worker when a service fails to start; the started ones are stopped, no task runs', async () => {
    const { scheduler, state, ready } = setup();
    const events: string[] = [];
    scheduler.service({
      name: 'first',
      start: () => events.push('start first'),
      stop: () => events.push('stop first'),
    });
    scheduler.service({
      name: 'broken',
      start: () => {
        throw new Error('port in use');
      },
      stop: () => events.push('stop broken'),
    });
    scheduler.task({}, () => events.push('task'));
    await ready();
    assert.equal(state.crashes.length, 1);
    assert.equal(state.crashes[0]!.message, 'service broken failed to start: port in use');
    await scheduler.onStop();
    assert.deepEqual(events, ['start first', 'stop first']);
  });

  it('gives a service that does not stop shutdownTimeout, then goes on', async () => {
    const { scheduler, clock, lines, ready } = setup({ shutdownTimeout: 2 });
    const events: string[] = [];
    scheduler.service({ name: 'a', stop: () => events.push('stop a') });
    scheduler.service({ name: 'hangs', stop: () => new Promise(() => undefined) });
    await ready();
    const stopping = scheduler.onStop();
    await settle();
    await clock.advance(2000);
    await stopping;
    assert.deepEqual(events, ['stop a']);
    assert.deepEqual(messages(lines, 'warn'), [
      'service hangs did not stop within 2s; going on with shutdown',
    ]);
  });

  it('refuses something that is not a service', () => {
    const { scheduler } = setup();
    assert.throws(
      () => scheduler.service({ name: 'empty' }),
      /service empty has neither start\(\) nor stop\(\)/,
    );
    const service = { start: () => undefined };
    scheduler.service(service);
    assert.throws(() => scheduler.service(service), /was already added/);
  });

  it('does not start anything when the app stops before it is ready', async () => {
    const { scheduler, clock } = setup();
    const events: string[] = [];
    scheduler.service({ start: () => events.push('start') });
    scheduler.timer(1, {}, () => events.push('tick'));
    await scheduler.onStop();
    await clock.advance(5000);
    assert.deepEqual(events, []);
  });
});

describe('optionsAndHandler', () => {
  it('lets the options be left out', () => {
    const fn = () => undefined;
    assert.deepEqual(optionsAndHandler('app.timer()', fn, undefined), { options: {}, handler: fn });
    assert.deepEqual(optionsAndHandler('app.timer()', { onLeader: true }, fn), {
      options: { onLeader: true },
      handler: fn,
    });
  });

  it('names the method when the handler is missing or misplaced', () => {
    assert.throws(
      () => optionsAndHandler('app.timer()', { onLeader: true }, undefined),
      /app\.timer\(\): the last argument must be the handler function/,
    );
    assert.throws(
      () =>
        optionsAndHandler(
          'app.task()',
          () => undefined,
          () => undefined,
        ),
      /app\.task\(\): pass the options before the handler/,
    );
  });
});
