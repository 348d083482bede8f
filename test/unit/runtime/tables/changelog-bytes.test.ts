/**
 * The changelog faustgen writes, byte for byte, as Python Faust writes it for the same table
 * operations (faust-reference §2.3: tables serialize keys and values as JSON, compact; the str key
 * abc is the bytes "abc" with its quotes; a deletion is a tombstone; a set table logs
 * [op, key] -> member). Each expectation is the literal bytes Faust produces.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { model } from '../../../../runtime/index.js';
import { eventually } from '../../../support/index.js';
import { removeTempDirs, tableApp, topicRecords } from './support.js';

after(removeTempDirs);

interface Point {
  x: number;
  y: number;
}

const Point = model<Point>(
  'Point',
  {
    type: 'object',
    properties: { x: { type: 'integer' }, y: { type: 'integer' } },
    required: ['x', 'y'],
    additionalProperties: false,
  },
  { namespace: 'geo.Point' },
);

type Op = { table: string; op: string; key?: unknown; value?: unknown };

/** [key bytes, value bytes or null] of every record of partition 0 of a changelog. */
function changelog(broker: string, topic: string): [string, string | null][] {
  return topicRecords(broker, topic, 0).map((m) => [
    m.key!.toString('latin1'),
    m.value?.toString('latin1') ?? null,
  ]);
}

describe('changelog bytes are what Python Faust writes', () => {
  it('plain tables: JSON keys and values, tombstones for deletions', async () => {
    const app = tableApp({ settings: { store: 'memory://' } });
    const broker = app.conf.broker[0]!;
    const words = app.table('words', { keyType: 'string', valueType: 'number', default: () => 0 });
    const byId = app.table('by_id', { keyType: 'number', valueType: 'string' });
    const docs = app.table('docs', { keyType: 'string', valueType: 'json' });
    const points = app.table('points', { keyType: 'string', valueType: Point });
    const raw = app.table('raw', { keyType: 'bytes', valueType: 'bytes' });
    const ops = app.topic('ops', { valueType: 'json' });
    let done = 0;
    app.agent(ops, { name: 'apply' }, async (stream) => {
      for await (const value of stream) {
        const { table, op, key, value: v } = value as Op;
        if (table === 'words' && op === 'set') words.set(key as string, v as number);
        if (table === 'words' && op === 'add') words.update(key as string, (n) => n + (v as number));
        if (table === 'words' && op === 'delete') words.delete(key as string);
        if (table === 'by_id') byId.set(key as number, v as string);
        if (table === 'docs') docs.set(key as string, v as never);
        if (table === 'points') points.set(key as string, v as Point);
        if (table === 'raw') raw.set(Buffer.from(key as string), Buffer.from(v as string));
        done++;
      }
    });
    await app.start();
    await app.whenReady();
    const sent: Op[] = [
      { table: 'words', op: 'set', key: 'abc', value: 5 },
      { table: 'words', op: 'add', key: 'abc', value: 2 },
      { table: 'words', op: 'delete', key: 'abc' },
      { table: 'words', op: 'set', key: 'caf\u00e9', value: 1.5 },
      { table: 'by_id', op: 'set', key: 42, value: 'hello' },
      { table: 'docs', op: 'set', key: 'd1', value: { a: [1, 2], b: null, c: 'x' } },
      { table: 'points', op: 'set', key: 'p', value: { x: 1, y: 2 } },
      { table: 'raw', op: 'set', key: 'rk', value: 'rv' },
    ];
    for (const op of sent) await ops.send({ value: op as never, partition: 0 });
    await eventually('every operation applied', () => done === sent.length);
    await app.stop();
    const topic = (name: string) => `${app.appId}-${name}-changelog`;
    assert.deepEqual(changelog(broker, topic('words')), [
      ['"abc"', '5'],
      ['"abc"', '7'],
      ['"abc"', null],
      ['"caf\\u00e9"', '1.5'],
    ]);
    assert.deepEqual(changelog(broker, topic('by_id')), [['42', '"hello"']]);
    assert.deepEqual(changelog(broker, topic('docs')), [['"d1"', '{"a":[1,2],"b":null,"c":"x"}']]);
    assert.deepEqual(changelog(broker, topic('points')), [
      ['"p"', '{"x":1,"y":2,"__faust":{"ns":"geo.Point"}}'],
    ]);
    assert.deepEqual(changelog(broker, topic('raw')), [['rk', 'rv']]);
  });

  it('set tables: [op, key] -> member, [15, key] -> [added, removed]', async () => {
    const app = tableApp({ settings: { store: 'memory://' } });
    const broker = app.conf.broker[0]!;
    const tags = app.setTable('tags', { keyType: 'string', valueType: 'string' });
    const ops = app.topic('ops', { valueType: 'json' });
    let done = 0;
    app.agent(ops, { name: 'apply' }, async (stream) => {
      for await (const value of stream) {
        const { op, key, value: v } = value as Op;
        if (op === 'add') tags.add(key as string, v as string);
        if (op === 'discard') tags.discard(key as string, v as string);
        if (op === 'update') tags.update(key as string, v as { add: string[]; remove: string[] });
        done++;
      }
    });
    await app.start();
    await app.whenReady();
    const sent: Op[] = [
      { table: 'tags', op: 'add', key: 'k', value: 'red' },
      { table: 'tags', op: 'add', key: 'k', value: 'blue' },
      { table: 'tags', op: 'discard', key: 'k', value: 'red' },
      { table: 'tags', op: 'update', key: 'k', value: { add: ['green'], remove: ['blue'] } },
    ];
    for (const op of sent) await ops.send({ value: op as never, partition: 0 });
    await eventually('every operation applied', () => done === sent.length);
    assert.deepEqual([...tags.get('k')], ['green']);
    await app.stop();
    assert.deepEqual(changelog(broker, `${app.appId}-tags-changelog`), [
      ['[1,"k"]', '"red"'],
      ['[1,"k"]', '"blue"'],
      ['[2,"k"]', '"red"'],
      ['[15,"k"]', '[["green"],["blue"]]'],
    ]);
  });
});
