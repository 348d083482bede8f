/** Where a table's keys were partitioned: the key bytes of the topic whose events write the table. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { javaPartition } from '../../../../runtime/channels/partitioner.js';
import { createSerde } from '../../../../runtime/channels/serde.js';
import { createLogger } from '../../../../runtime/core/logging/index.js';
import {
  type KeySourceHost,
  KeySources,
  type KeySourceTopic,
} from '../../../../runtime/tables/key-sources.js';
import { eventually } from '../../../support/index.js';
import { removeTempDirs, tableApp } from './support.js';

after(removeTempDirs);

const topic = (name: string, keyType: 'string' | 'json' | undefined, serializer: string): KeySourceTopic => ({
  name,
  options: { keyType },
  keySerde: createSerde(keyType, serializer, 'key'),
});

function host(
  topics: KeySourceTopic[],
  counts: Record<string, number>,
  warnings: string[] = [],
): KeySourceHost {
  const logger = createLogger({ name: 'key-sources-test', level: 'error' });
  logger.warn = (message: string) => {
    warnings.push(message);
  };
  return {
    logger,
    defaultKeySerializer: 'raw',
    topic: (name) => topics.find((t) => t.name === name),
    consumedTopics: () => topics.map((t) => t.name),
    partitionCount: (name) => counts[name],
    isInternalSink: (name) => name.endsWith('-changelog'),
  };
}

const table = (options: { keyType?: 'string' | 'json'; sourceTopic?: string } = {}, partitions = 4) => ({
  name: 'totals',
  partitions,
  options: { keyType: 'string' as const, ...options },
});

describe('KeySources', () => {
  it('serializes a key as the co-partitioned source topic does (raw), not as the changelog (json)', () => {
    const sources = new KeySources(
      host([topic('payments', 'string', 'raw'), topic('app-totals-changelog', 'string', 'json')], {
        payments: 4,
        'app-totals-changelog': 4,
      }),
    );
    assert.deepEqual(sources.bytes(table(), 'acc-1'), Buffer.from('acc-1'));
  });

  it('uses the sourceTopic option over inference', () => {
    const sources = new KeySources(
      host([topic('a-raw', 'string', 'raw'), topic('b-json', 'string', 'json')], { 'a-raw': 4, 'b-json': 4 }),
    );
    assert.deepEqual(sources.bytes(table({ sourceTopic: 'b-json' }), 'k'), Buffer.from('"k"'));
    assert.throws(
      () => sources.bytes({ ...table({ sourceTopic: 'nope' }), name: 'other' }, 'k'),
      /table other: its sourceTopic nope is not a topic of this app/,
    );
  });

  it('ignores topics with another partition count; prefers topics of the same key type', () => {
    const sources = new KeySources(
      host(
        [topic('eight', 'string', 'json'), topic('any', undefined, 'json'), topic('typed', 'string', 'raw')],
        {
          eight: 8,
          any: 4,
          typed: 4,
        },
      ),
    );
    assert.deepEqual(sources.bytes(table(), 'k'), Buffer.from('k'));
  });

  it('warns once, naming the topics, when sources disagree about a key', () => {
    const warnings: string[] = [];
    const sources = new KeySources(
      host(
        [topic('b-json', 'string', 'json'), topic('a-raw', 'string', 'raw')],
        { 'a-raw': 4, 'b-json': 4 },
        warnings,
      ),
    );
    assert.deepEqual(sources.bytes(table(), 'k'), Buffer.from('k'), 'the first by name: a-raw');
    sources.bytes(table(), 'j');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /table totals: topics a-raw, b-json .*set the table's sourceTopic/);
  });

  it('without a source topic: the table key type with the default key serializer', () => {
    const sources = new KeySources(host([], {}));
    assert.deepEqual(sources.bytes(table(), 'k'), Buffer.from('k'));
  });
});

describe('Table.keyPartition', () => {
  it('is the partition of the events that wrote the key, for a raw-keyed topic and a json changelog', async () => {
    const app = tableApp({ settings: { store: 'memory://' } });
    const payments = app.topic('payments', { keyType: 'string', valueType: 'number' });
    const totals = app.table('totals', { keyType: 'string', valueType: 'number', default: () => 0 });
    const partitionOf = new Map<string, number>();
    app.agent(payments, { name: 'sum' }, async (stream) => {
      for await (const event of stream.events()) {
        const account = event.key as string;
        partitionOf.set(account, event.message.partition);
        totals.set(account, totals.get(account) + (event.value as number));
      }
    });
    await app.start();
    await app.whenReady();
    const accounts = Array.from({ length: 40 }, (_, i) => `acc-${i}`);
    for (const account of accounts) await payments.send({ key: account, value: 1 });
    await eventually('all payments', () => partitionOf.size === accounts.length);
    let differs = 0;
    for (const account of accounts) {
      assert.equal(totals.keyPartition(account), partitionOf.get(account), account);
      if (javaPartition(totals.serializeKey(account), 4) !== partitionOf.get(account)) differs++;
    }
    assert.ok(differs > 0, 'some changelog keys hash elsewhere: the test tells the two apart');
    await app.stop();
  });
});
