/**
 * The worker picks its exactly-once layout from the transport's capability: on a transport that
 * fences by group metadata (here memory:// saying so), one transactional producer serves every
 * partition and is handed the worker's own consumer; counts and sink stay exact.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  MemoryConsumer,
  MemoryTransport,
  memoryTransport,
} from '../../../../../runtime/transport/memory/index.js';
import { registerTransport } from '../../../../../runtime/transport/registry.js';
import type { TransactionalProducerOptions } from '../../../../../runtime/transport/types.js';
import { eventually } from '../../../../support/index.js';
import { removeTempDirs, tableApp, topicRecords } from '../../tables/support.js';

after(() => {
  registerTransport('memory', memoryTransport);
  return removeTempDirs();
});

describe('exactly_once on a transport that fences by group metadata', () => {
  it('one transactional producer for all partitions, given the worker’s consumer; every event once', async () => {
    const created: TransactionalProducerOptions[] = [];
    registerTransport('memory', (options) => {
      const inner = new MemoryTransport(options);
      return {
        scheme: inner.scheme,
        fencesByGroupMetadata: true,
        createConsumer: (o) => inner.createConsumer(o),
        createProducer: (o) => inner.createProducer(o),
        createTransactionalProducer: (o) => {
          created.push(o);
          return inner.createTransactionalProducer(o);
        },
        createAdmin: () => inner.createAdmin(),
      };
    });
    const broker = `memory://eos-v2-${Date.now()}`;
    const app = tableApp({
      broker,
      settings: { processingGuarantee: 'exactly_once', brokerCommitInterval: 0.02 },
    });
    const events = app.topic('events', { keyType: 'string', valueType: 'json' });
    const sink = app.topic('sink', { keyType: 'string', valueType: 'json' });
    const counts = app.table('counts', { keyType: 'string', valueType: 'number', default: () => 0 });
    app.agent(events, { name: 'count' }, async (stream) => {
      for await (const [key, value] of stream.items()) {
        counts.set(key as string, counts.get(key as string) + 1);
        await sink.send({ key: key as string, value });
      }
    });
    await app.start();
    await app.whenReady();
    const total = 400;
    for (let seq = 0; seq < total; seq++) await events.send({ key: `k${seq % 20}`, value: { seq } as never });
    await eventually('all counted', () =>
      [...Array(20).keys()].every((k) => counts.get(`k${k}`) === total / 20),
    );
    await app.stop();
    assert.equal(created.length, 1, 'one transactional producer for the worker’s 4 partitions');
    assert.match(created[0]!.transactionalId, new RegExp(`^${app.conf.id}-worker-`));
    assert.ok(created[0]!.groupMember instanceof MemoryConsumer, 'it is given the worker’s consumer');
    const sinkRecords = [0, 1, 2, 3].flatMap((p) => topicRecords(broker, 'sink', p));
    assert.equal(sinkRecords.length, total, 'every event once in the sink');
  });
});
