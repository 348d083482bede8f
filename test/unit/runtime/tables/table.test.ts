/** Table, GlobalTable and SetTable behaviour on memory:// (in-process broker, real rebalances). */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  type App,
  PartitionsMismatchError,
  type Table,
  TableWriteOutsideStreamError,
} from '../../../../runtime/index.js';
import { eventually } from '../../../support/index.js';
import { removeTempDirs, tableApp } from './support.js';

after(removeTempDirs);

type Step = { op: string; key?: string; value?: number };

/** An app whose agent `apply` runs each event's step against `table`; returns the processed count. */
function stepsApp(app: App, apply: (step: Step) => void): { count: () => number; errors: Error[] } {
  const steps = app.topic('steps', { keyType: 'string', valueType: 'json' });
  let count = 0;
  const errors: Error[] = [];
  app.agent(steps, { name: 'steps' }, async (stream) => {
    for await (const value of stream) {
      try {
        apply(value as Step);
      } catch (error) {
        errors.push(error as Error);
      }
      count++;
    }
  });
  return { count: () => count, errors };
}

async function send(app: App, steps: (Step & { partition?: number })[]): Promise<void> {
  const topic = app.topic('steps', { keyType: 'string', valueType: 'json' });
  for (const { partition, ...step } of steps) {
    await topic.send({ key: step.key ?? 'x', value: step as never, partition });
  }
}

describe('Table', () => {
  it('get/set/has/delete/update inside an agent; get() gives the default without storing it', async () => {
    const app = tableApp();
    const counts = app.table('counts', { keyType: 'string', valueType: 'number', default: () => 0 });
    const seen: unknown[] = [];
    const run = stepsApp(app, ({ op, key, value }) => {
      const k = key!;
      if (op === 'set') counts.set(k, value!);
      if (op === 'inc') seen.push(counts.update(k, (n) => n + value!));
      if (op === 'delete') seen.push(counts.delete(k));
      if (op === 'read') seen.push([counts.get(k), counts.has(k)]);
    });
    await app.start();
    await app.whenReady();
    await send(app, [
      { op: 'read', key: 'a' },
      { op: 'inc', key: 'a', value: 2 },
      { op: 'inc', key: 'a', value: 3 },
      { op: 'read', key: 'a' },
      { op: 'set', key: 'b', value: 10 },
      { op: 'delete', key: 'a' },
      { op: 'delete', key: 'a' },
      { op: 'read', key: 'a' },
    ]);
    await eventually('all steps', () => run.count() === 8);
    assert.deepEqual(run.errors, []);
    assert.deepEqual(seen, [[0, false], 2, 5, [5, true], true, false, [0, false]]);
    assert.deepEqual([...counts.entries()], [['b', 10]]);
    assert.equal(counts.size, 1);
    assert.deepEqual([...counts.keys()], ['b']);
    assert.deepEqual([...counts.values()], [10]);
    assert.equal(counts.get('b'), 10, 'a read outside a stream finds the key in its partition');
    assert.deepEqual(counts.toObject(), { b: 10 });
    await app.stop();
  });

  it('tells the app sensors about reads, writes and deletions', async () => {
    const app = tableApp({ settings: { store: 'memory://' } });
    const counts = app.table('counts', { keyType: 'string', valueType: 'number', default: () => 0 });
    const told: string[] = [];
    app.sensors.add({
      onTableGet: (table) => told.push(`get ${table}`),
      onTableSet: (table) => told.push(`set ${table}`),
      onTableDel: (table) => told.push(`del ${table}`),
    });
    const run = stepsApp(app, ({ op, key }) => {
      if (op === 'inc') counts.update(key!, (n) => n + 1);
      if (op === 'delete') counts.delete(key!);
    });
    await app.start();
    await app.whenReady();
    await send(app, [
      { op: 'inc', key: 'a' },
      { op: 'delete', key: 'a' },
    ]);
    await eventually('both steps', () => run.count() === 2);
    assert.deepEqual(told, ['get counts', 'set counts', 'get counts', 'del counts']);
    await app.stop();
  });

  it('a change outside an agent is an error that says why', async () => {
    const app = tableApp({ settings: { store: 'memory://' } });
    const counts = app.table('counts', { keyType: 'string', valueType: 'number' });
    stepsApp(app, () => {});
    await app.start();
    await app.whenReady();
    assert.throws(() => counts.set('a', 1), TableWriteOutsideStreamError);
    assert.throws(() => counts.delete('a'), /table counts: delete\(\) outside of an agent's stream/);
    await app.stop();
  });

  it('a source topic whose partition count differs from the changelog: an error naming both', async () => {
    const app = tableApp({ settings: { store: 'memory://' } });
    const counts = app.table('counts', { keyType: 'string', valueType: 'number', partitions: 4 });
    const narrow = app.topic('narrow', { keyType: 'string', valueType: 'number', partitions: 2 });
    const errors: Error[] = [];
    app.agent(narrow, { name: 'narrow' }, async (stream) => {
      for await (const [key, value] of stream.items()) {
        try {
          counts.set(key, value);
        } catch (error) {
          errors.push(error as Error);
        }
      }
    });
    await app.start();
    await app.whenReady();
    await narrow.send({ key: 'a', value: 1 });
    await eventually('the write attempt', () => errors.length === 1);
    assert.ok(errors[0] instanceof PartitionsMismatchError);
    assert.match(
      errors[0]!.message,
      new RegExp(
        `source topic narrow has 2 partitions but the changelog ${app.appId}-counts-changelog has 4`,
      ),
    );
    await app.stop();
  });

  it('is typed by keyType/valueType; get() includes undefined only without a default', () => {
    const app = tableApp({ settings: { store: 'memory://' } });
    const withDefault = app.table('a', { keyType: 'string', valueType: 'number', default: () => 0 });
    const plain = app.table('b', { keyType: 'number', valueType: 'string' });
    const sum = (table: Table<string, number, number>, key: string): number => table.get(key) + 1;
    assert.equal(typeof sum, 'function');
    const check = () => {
      const n: number = withDefault.get('k');
      const s: string | undefined = plain.get(1);
      // @ts-expect-error without a default, get() may be undefined
      const t: string = plain.get(1);
      // @ts-expect-error keys are numbers
      plain.get('1');
      return [n, s, t];
    };
    assert.equal(typeof check, 'function');
  });
});

describe('Table under the test driver', () => {
  it('each test context starts from its own empty broker: nothing leaks from the previous one', async () => {
    const app = tableApp();
    const input = app.topic('events', { keyType: 'string', valueType: 'number' });
    const counts = app.table('counts', { keyType: 'string', valueType: 'number', default: () => 0 });
    app.agent(input, { name: 'count' }, async (stream) => {
      for await (const [key, n] of stream.items()) counts.update(key, (v) => v + n);
    });
    for (let round = 0; round < 2; round++) {
      const ctx = await app.testContext();
      await ctx.put(input, 5, { key: 'a' });
      await ctx.put(input, 7, { key: 'a' });
      await ctx.put(input, 1, { key: 'b' });
      assert.deepEqual(
        [...counts.entries()].sort(),
        [
          ['a', 12],
          ['b', 1],
        ],
        `round ${round}`,
      );
      await ctx.stop();
    }
  });
});

describe('GlobalTable', () => {
  it('every worker holds every key, whichever worker wrote it', async () => {
    const shared = tableApp();
    const id = shared.id;
    const broker = shared.conf.broker[0]!;
    const workers = [0, 1].map(() => {
      const app = tableApp({ id, broker, settings: { store: 'memory://' } });
      const names = app.globalTable('names', { keyType: 'string', valueType: 'string' });
      const run = stepsApp(app, ({ key }) => names.set(key!, `v-${key}`));
      return { app, names, run };
    });
    for (const w of workers) await w.app.start();
    await Promise.all(workers.map((w) => w.app.whenReady()));
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    await send(
      workers[0]!.app,
      keys.map((key) => ({ op: 'set', key })),
    );
    await eventually('both workers see all 40 keys', () =>
      workers.every((w) => keys.every((key) => w.names.get(key) === `v-${key}`)),
    );
    assert.equal(workers[0]!.run.count() + workers[1]!.run.count(), 40);
    for (const w of workers) await w.app.stop();
  });
});

describe('SetTable', () => {
  it('add, discard, update and clear; the set manager applies operations sent from anywhere', async () => {
    const app = tableApp();
    const tags = app.setTable('tags', { keyType: 'string', valueType: 'string', startManager: true });
    const run = stepsApp(app, ({ op, key }) => {
      if (op === 'add') tags.add(key!, 'red').add(key!, 'blue');
      if (op === 'discard') tags.discard(key!, 'red');
      if (op === 'clear') tags.clear(key!);
    });
    await app.start();
    await app.whenReady();
    await send(app, [
      { op: 'add', key: 'a' },
      { op: 'add', key: 'b' },
      { op: 'discard', key: 'a' },
      { op: 'clear', key: 'b' },
    ]);
    await eventually('all steps', () => run.count() === 4);
    assert.deepEqual([...tags.get('a')], ['blue']);
    assert.equal(tags.has('a', 'blue'), true);
    assert.equal(tags.has('b'), false);
    assert.deepEqual(
      [...tags.entries()].map(([k, v]) => [k, [...v]]),
      [['a', ['blue']]],
    );
    await tags.manager!.add('c', 'green');
    await tags.manager!.symmetricDifferenceUpdate('a', ['blue', 'white']);
    await eventually('the manager applied both', () => tags.has('c', 'green') && tags.has('a', 'white'));
    assert.deepEqual([...tags.get('a')], ['white']);
    await app.stop();
  });
});
