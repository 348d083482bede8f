/**
 * The test driver moves event time so that a unit test can close a window: advanceEventTime() and
 * tick() run the cleanup tick that closes and expires windows of quiet keys.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App } from '../../../../runtime/index.js';
import type { WindowedKey } from '../../../../runtime/tables/windows/index.js';

const KEYS = 1_000;

/** Clicks per user in tumbling 10 s windows, grace 5 s, kept 20 s; 'heartbeat' events write nothing. */
function clicksApp() {
  const app = new App('clicks-by-window', { broker: 'kafka://127.0.0.1:1', logLevel: 'silent' });
  const clicks = app.topic('clicks', { keyType: 'string', valueType: 'json', partitions: 4 });
  const closed: string[] = [];
  const counts = app
    .table('counts', { keyType: 'string', valueType: 'number', default: () => 0, partitions: 4 })
    .tumbling(10, {
      grace: 5,
      expires: 20,
      onWindowClose: ([user, [start]]: WindowedKey<string>, value: number) => {
        closed.push(`${user}@${start}=${value}`);
      },
    });
  app.agent(clicks, { name: 'count' }, async (stream) => {
    for await (const [user, kind] of stream.items()) {
      if (kind === 'heartbeat') continue;
      counts.update(user as string, (n) => n + 1);
    }
  });
  return { app, clicks, counts, closed };
}

async function clickEveryUser(
  ctx: Awaited<ReturnType<App['testContext']>>,
  clicks: ReturnType<typeof clicksApp>['clicks'],
) {
  for (let i = 0; i < KEYS; i++) {
    const timestamp = 1_000 + (i % 9) * 1_000; // inside [0, 10)
    void ctx.put(clicks, 'click', { key: `user-${i}`, timestamp, wait: false });
    if (i % 3 === 0) void ctx.put(clicks, 'click', { key: `user-${i}`, timestamp, wait: false });
  }
  await ctx.settle();
}

const expectedCloses = () =>
  Array.from({ length: KEYS }, (_, i) => `user-${i}@0=${i % 3 === 0 ? 2 : 1}`).sort();

describe('test driver: event time', () => {
  it('advanceEventTime() closes every quiet key once when end + grace passes, then expires them', async () => {
    const { app, clicks, counts, closed } = clicksApp();
    const ctx = await app.testContext();
    try {
      await clickEveryUser(ctx, clicks);
      await ctx.advanceEventTime(14_999);
      assert.deepEqual(closed, [], 'window [0, 10) is open until 10 + grace 5');
      await ctx.advanceEventTime(15_000);
      assert.deepEqual([...closed].sort(), expectedCloses(), 'each key once, with its final count');
      await ctx.tick();
      await ctx.advanceEventTime(15_500);
      assert.equal(closed.length, KEYS, 'never again');
      assert.equal(counts.keys().length, KEYS, 'closed windows stay readable until they expire');

      await ctx.advanceEventTime(30_000);
      assert.deepEqual(counts.keys(), [], 'expired at end 10 + expires 20');
      const tombstones = ctx
        .sentRaw(`${app.appId}-counts-changelog`)
        .filter((record) => record.value === null)
        .map((record) => record.key!.toString());
      assert.equal(tombstones.length, KEYS, 'one tombstone per expired window key');
      assert.equal(new Set(tombstones).size, KEYS);
      assert.ok(tombstones.includes('["user-7",[0.0,9.9]]'));
      assert.equal(closed.length, KEYS);
    } finally {
      await ctx.stop();
    }
  });

  it('an event that writes nothing still moves event time: tick() closes the windows', async () => {
    const { app, clicks, closed } = clicksApp();
    const ctx = await app.testContext();
    try {
      await clickEveryUser(ctx, clicks);
      // One heartbeat per partition, past the grace; the agent writes no window for it.
      for (const partition of [0, 1, 2, 3]) {
        await ctx.put(clicks, 'heartbeat', { key: 'clock', partition, timestamp: 16_000 });
      }
      assert.deepEqual(closed, [], 'nothing closes before the tick');
      await ctx.tick();
      assert.deepEqual([...closed].sort(), expectedCloses());
      await ctx.tick();
      assert.equal(closed.length, KEYS, 'a second tick closes nothing again');
    } finally {
      await ctx.stop();
    }
  });

  it('advanceEventTime() rejects a time that is not a number', async () => {
    const { app } = clicksApp();
    const ctx = await app.testContext();
    try {
      await assert.rejects(ctx.advanceEventTime(Number.NaN), /advanceEventTime\(\): expected milliseconds/);
    } finally {
      await ctx.stop();
    }
  });
});
