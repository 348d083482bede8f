import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { MemoryTransport } from '../../../../../runtime/transport/memory/index.js';
import { destroyMemoryBroker } from '../../../../../runtime/transport/memory/index.js';
import { freshTransport, msg, producerOptions } from './helpers.js';

describe('memory producer and admin', () => {
  let transport: MemoryTransport;
  beforeEach(async () => {
    transport = freshTransport();
    await transport.createAdmin().createTopics([{ name: 't', partitions: 2, replicationFactor: 1 }]);
  });
  afterEach(() => destroyMemoryBroker(transport.url));

  it('sends only between connect() and disconnect()', async () => {
    const producer = transport.createProducer(producerOptions);
    await assert.rejects(
      producer.sendBatch([msg('t', 0, 'x')]),
      /memory producer unit: sendBatch\(\) while not connected/,
    );
    await producer.connect();
    assert.deepEqual(await producer.sendBatch([]), []);
    await producer.sendBatch([msg('t', 0, 'x')]);
    await producer.disconnect();
    await assert.rejects(producer.sendBatch([msg('t', 0, 'y')]), /not connected/);
  });

  it('validates the whole request before appending any of it', async () => {
    const producer = transport.createProducer(producerOptions);
    await producer.connect();
    await assert.rejects(
      producer.sendBatch([msg('t', 0, 'ok'), msg('t', 2, 'bad')]),
      /cannot produce to t\[2\]: topic "t" has 2 partition\(s\)/,
    );
    await assert.rejects(
      producer.sendBatch([msg('t', 0, 'ok'), msg('nope', 0, 'bad')]),
      /cannot produce to topic "nope": it does not exist on memory broker memory:\/\/unit-/,
    );
    await assert.rejects(
      producer.sendBatch([{ topic: 't', partition: 0, key: 'k' as unknown as Buffer, value: null }]),
      /message for t\[0\]: key must be a Buffer or null/,
    );
    await assert.rejects(
      producer.sendBatch([{ ...msg('t', 0, 'x'), timestamp: 1.5 }]),
      /timestamp must be a non-negative integer/,
    );
    await assert.rejects(
      producer.sendBatch([{ ...msg('t', 0, 'x'), headers: { h: 'text' as unknown as Buffer } }]),
      /header "h" must be a Buffer/,
    );
    assert.deepEqual(await transport.createAdmin().topicOffsets('t'), [
      { partition: 0, low: 0, high: 0 },
      { partition: 1, low: 0, high: 0 },
    ]);
  });

  it('copies what it stores, so the caller may reuse its buffers', async () => {
    const producer = transport.createProducer(producerOptions);
    await producer.connect();
    const value = Buffer.from('original');
    const header = Buffer.from('h');
    await producer.sendBatch([{ topic: 't', partition: 1, key: null, value, headers: { h: header } }]);
    value.write('mutated!');
    header.write('X');
    const [stored] = transport.broker().readMessages('t', 1);
    assert.equal(stored!.value!.toString(), 'original');
    assert.equal(stored!.headers.h!.toString(), 'h');
  });

  it('answers per partition with offsets and timestamps in request order', async () => {
    const producer = transport.createProducer(producerOptions);
    await producer.connect();
    const metadata = await producer.sendBatch([
      msg('t', 1, 'a'),
      { ...msg('t', 0, 'b'), timestamp: 42 },
      msg('t', 1, 'c'),
    ]);
    assert.deepEqual(
      metadata.map((m) => [m.partition, m.offset]),
      [
        [1, 0],
        [0, 0],
        [1, 1],
      ],
    );
    assert.equal(metadata[1]!.timestamp, 42);
  });

  it('rejects illegal topic specs naming the topic, and creates none of a bad request', async () => {
    const admin = transport.createAdmin();
    await assert.rejects(
      admin.createTopics([
        { name: 'fine', partitions: 1, replicationFactor: 1 },
        { name: 'bad name', partitions: 1, replicationFactor: 1 },
      ]),
      /illegal topic name "bad name"/,
    );
    await assert.rejects(
      admin.createTopics([{ name: 'zero', partitions: 0, replicationFactor: 1 }]),
      /topic "zero" needs a positive integer partition count, got 0/,
    );
    assert.deepEqual(await admin.listTopics(), ['t']);
  });

  it('names a missing topic in topicOffsets and committedOffsets, and skips it in deleteTopics', async () => {
    const admin = transport.createAdmin();
    await assert.rejects(admin.topicOffsets('ghost'), /topicOffsets: topic "ghost" does not exist/);
    await assert.rejects(
      admin.committedOffsets('g', 'ghost'),
      /committedOffsets\(group "g"\): topic "ghost" does not exist/,
    );
    await admin.deleteTopics(['ghost', 't']);
    assert.deepEqual(await admin.listTopics(), []);
  });

  it('refuses calls after close()', async () => {
    const admin = transport.createAdmin();
    await admin.close();
    await assert.rejects(admin.listTopics(), /memory admin listTopics: the admin client was closed/);
  });
});
