/** memory:// transactions: a transaction appears whole at its commit or not at all; newer producers fence older ones. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryTransport } from '../../../../runtime/transport/memory/index.js';
import type { TransactionalProducerOptions } from '../../../../runtime/transport/types.js';

const options = (transactionalId: string): TransactionalProducerOptions => ({
  clientId: 'test',
  acks: -1,
  compression: 'none',
  requestTimeoutMs: 1000,
  maxRequestSize: 1_000_000,
  transactionalId,
  transactionTimeoutMs: 60_000,
});

const message = (value: string) => ({
  topic: 'out',
  partition: 0,
  key: null,
  value: Buffer.from(value),
  headers: {},
});

describe('memory:// transactions', () => {
  it('records and offsets become visible together at commit, with their offsets; abort leaves nothing', async () => {
    const transport = memoryTransport({
      urls: [`memory://txn-${Date.now()}-a`],
      clientId: 't',
      connectionTimeoutMs: 1,
      requestTimeoutMs: 1,
    });
    const broker = transport.broker();
    broker.createTopics([
      { name: 'out', partitions: 1, replicationFactor: 1 },
      { name: 'in', partitions: 1, replicationFactor: 1 },
    ]);
    const producer = transport.createTransactionalProducer(options('app-in-0'));
    await producer.connect();
    await producer.sendBatch([message('a'), message('b')]);
    await producer.sendOffsets('app', [{ topic: 'in', partition: 0, offset: 7 }]);
    assert.equal(producer.inTransaction, true);
    assert.equal(broker.readMessages('out', 0).length, 0, 'nothing visible before the commit');
    assert.equal(broker.group('app').committedOffset('in', 0), undefined);
    const metadata = await producer.commit();
    assert.deepEqual(
      metadata.map((m) => m.offset),
      [0, 1],
    );
    assert.deepEqual(
      broker.readMessages('out', 0).map((m) => m.value!.toString()),
      ['a', 'b'],
    );
    assert.equal(broker.group('app').committedOffset('in', 0), 7);
    await producer.sendBatch([message('c')]);
    await producer.sendOffsets('app', [{ topic: 'in', partition: 0, offset: 9 }]);
    await producer.abort();
    assert.equal(broker.readMessages('out', 0).length, 2, 'an aborted transaction never appears');
    assert.equal(broker.group('app').committedOffset('in', 0), 7);
    assert.deepEqual(await producer.commit(), [], 'commit without an open transaction is a no-op');
  });

  it('a newer producer with the same transactional id fences the older one: its commit appends nothing', async () => {
    const transport = memoryTransport({
      urls: [`memory://txn-${Date.now()}-b`],
      clientId: 't',
      connectionTimeoutMs: 1,
      requestTimeoutMs: 1,
    });
    const broker = transport.broker();
    broker.createTopics([{ name: 'out', partitions: 1, replicationFactor: 1 }]);
    const zombie = transport.createTransactionalProducer(options('app-in-0'));
    await zombie.connect();
    await zombie.sendBatch([message('zombie')]);
    const owner = transport.createTransactionalProducer(options('app-in-0'));
    await owner.connect();
    await assert.rejects(zombie.commit(), /fenced by a newer producer/);
    await owner.sendBatch([message('owner')]);
    await owner.commit();
    assert.deepEqual(
      broker.readMessages('out', 0).map((m) => m.value!.toString()),
      ['owner'],
    );
  });
});
