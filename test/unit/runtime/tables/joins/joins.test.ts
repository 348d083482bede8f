/**
 * Joins on memory://: table-table joins kept equal to the join of their sides (also after a
 * restart), the key-type and co-partitioning checks, and the test driver running a join.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { JoinKeyTypesError, JoinPartitionsError, type WindowJoined } from '../../../../../runtime/index.js';
import { eventually, seeded } from '../../../../support/index.js';
import { removeTempDirs, tableApp, tempDir } from '../support.js';

after(removeTempDirs);

type Pair = { left?: number; right?: string };

describe('table-table joins', () => {
  it('inner, left and outer joined tables equal the join of their sides, also after a restart', async () => {
    const id = `tt-${randomBytes(4).toString('hex')}`;
    const broker = `memory://${id}`;
    const datadir = tempDir();
    let applied = 0;
    const worker = () => {
      const app = tableApp({ id, broker, settings: { datadir, topicPartitions: 2 } });
      const changes = app.topic('changes', { keyType: 'string', valueType: 'json' });
      const scores = app.table('scores', { keyType: 'string', valueType: 'number' });
      const names = app.table('names', { keyType: 'string', valueType: 'string' });
      const joined = {
        inner: app.tableJoin('inner', scores, names, { kind: 'inner' }),
        left: app.tableJoin('left', scores, names, { kind: 'left' }),
        outer: app.tableJoin('outer', scores, names, { kind: 'outer' }),
      };
      app.agent(changes, { name: 'apply' }, async (stream) => {
        for await (const [key, change] of stream.items()) {
          const { table, value } = change as { table: 'scores' | 'names'; value: number | string | null };
          if (table === 'scores') scores.set(key, value as number);
          else names.set(key, value as string);
          applied++;
        }
      });
      return { app, changes, joined };
    };

    const random = seeded(7);
    const score = new Map<string, number>();
    const name = new Map<string, string>();
    const ops: { key: string; table: 'scores' | 'names'; value: number | string | null }[] = [];
    for (let i = 0; i < 400; i++) {
      const key = `k${Math.floor(random() * 30)}`;
      const table = random() < 0.5 ? 'scores' : 'names';
      const value = random() < 0.25 ? null : table === 'scores' ? i : `n${i}`;
      ops.push({ key, table, value });
      const map = (table === 'scores' ? score : name) as Map<string, number | string>;
      if (value === null) map.delete(key);
      else map.set(key, value);
    }
    const expected = (kind: 'inner' | 'left' | 'outer'): Record<string, Pair> => {
      const out: Record<string, Pair> = {};
      for (const key of new Set([...score.keys(), ...name.keys()])) {
        const l = score.get(key);
        const r = name.get(key);
        const keep =
          kind === 'inner' ? l !== undefined && r !== undefined : kind === 'left' ? l !== undefined : true;
        if (!keep) continue;
        out[key] = { ...(l === undefined ? {} : { left: l }), ...(r === undefined ? {} : { right: r }) };
      }
      return out;
    };
    const actual = (joined: ReturnType<typeof worker>['joined']) => ({
      inner: joined.inner.toObject(),
      left: joined.left.toObject(),
      outer: joined.outer.toObject(),
    });

    const first = worker();
    await first.app.start();
    try {
      await first.app.whenReady();
      for (const op of ops) {
        await first.changes.send({ key: op.key, value: { table: op.table, value: op.value } as never });
      }
      await eventually('every change applied', () => applied === ops.length);
      assert.deepEqual(actual(first.joined), {
        inner: expected('inner'),
        left: expected('left'),
        outer: expected('outer'),
      });
    } finally {
      await first.app.stop();
    }
    const second = worker();
    await second.app.start();
    try {
      await second.app.whenReady();
      assert.deepEqual(
        actual(second.joined),
        { inner: expected('inner'), left: expected('left'), outer: expected('outer') },
        'recovered from their changelogs',
      );
    } finally {
      await second.app.stop();
    }
  });
});

describe('join checks', () => {
  it('a join of sides with different key types is an error when declared', () => {
    const app = tableApp();
    const orders = app.topic('orders', { keyType: 'string', valueType: 'json' });
    const byNumber = app.table('by-number', { keyType: 'number', valueType: 'json' });
    assert.throws(
      () => app.streamTableJoin(orders as never, byNumber, { kind: 'inner' }),
      (error: unknown) =>
        error instanceof JoinKeyTypesError &&
        /topic orders has keys of type string but table by-number has keys of type number/.test(
          error.message,
        ),
    );
    const byString = app.table('by-string', { keyType: 'string', valueType: 'json' });
    assert.throws(
      () => app.tableJoin('both', byNumber, byString as never, { kind: 'outer' }),
      JoinKeyTypesError,
    );
  });

  it('sides that are not co-partitioned fail the start, naming each side and its partitions', async () => {
    const app = tableApp({ settings: { topicPartitions: 4 } });
    const orders = app.topic('orders', {
      keyType: 'string',
      valueType: 'json',
      partitions: 3,
      internal: true,
    });
    const customers = app.table('customers', { keyType: 'string', valueType: 'json' });
    const enrich = app.streamTableJoin(orders, customers, { kind: 'left' });
    app.agent(orders, { name: 'enrich' }, async (stream) => {
      for await (const _ of enrich.join(stream));
    });
    await assert.rejects(
      app.start(),
      (error: unknown) =>
        error instanceof JoinPartitionsError &&
        error.message.includes('topic orders has 3 partitions') &&
        error.message.includes("table customers's changelog has 4 partitions"),
    );
    await app.stop();

    const other = tableApp({ settings: { topicPartitions: 2 } });
    const clicks = other.topic('clicks', { keyType: 'string', partitions: 2, internal: true });
    const views = other.topic('views', { keyType: 'string', partitions: 3, internal: true });
    other.windowedJoin('clicks-views', clicks, views, { kind: 'inner', within: 10 });
    await assert.rejects(other.start(), /topic clicks has 2 partitions, topic views has 3 partitions/);
    await other.stop();
  });
});

describe('joins in the test driver', () => {
  it('a windowed join yields its pairs and, after the grace, an event that found none', async () => {
    const app = tableApp();
    const clicks = app.topic('clicks', { keyType: 'string', valueType: 'json' });
    const views = app.topic('views', { keyType: 'string', valueType: 'json' });
    const join = app.windowedJoin('clicks-views', clicks, views, { kind: 'left', within: 10, grace: 5 });
    const leftSide = app.agent(clicks, { name: 'clicks-side' }, async function* (stream) {
      yield* join.left(stream);
    });
    const rightSide = app.agent(views, { name: 'views-side' }, async function* (stream) {
      yield* join.right(stream);
    });
    const ctx = await app.testContext();
    try {
      await ctx.put(clicks, { id: 'c1' }, { key: 'u1', timestamp: 100_000, partition: 0 });
      await ctx.put(clicks, { id: 'c2' }, { key: 'u2', timestamp: 101_000, partition: 0 });
      const put = await ctx.put(views, { id: 'v1' }, { key: 'u1', timestamp: 105_000, partition: 0 });
      assert.deepEqual(
        put.yielded.map((y) => y.value),
        [
          {
            key: 'u1',
            left: { id: 'c1' },
            right: { id: 'v1' },
            leftTimestamp: 100_000,
            rightTimestamp: 105_000,
          },
        ],
      );
      // c2 leaves the buffer once its partition's stream time passes 101 s + 2 x 10 s + 5 s.
      await ctx.put(views, { id: 'v9' }, { key: 'u1', timestamp: 126_001, partition: 0 });
      const unmatched = ctx.yielded(rightSide) as WindowJoined<string, unknown, unknown, 'left'>[];
      assert.deepEqual(unmatched.at(-1), {
        key: 'u2',
        left: { id: 'c2' },
        right: undefined,
        leftTimestamp: 101_000,
        rightTimestamp: undefined,
      });
      assert.equal(ctx.yielded(leftSide).length, 0);
    } finally {
      await ctx.stop();
    }
  });
});
