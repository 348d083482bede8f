import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  destroyMemoryBroker,
  getMemoryBroker,
  hasMemoryBroker,
  memoryTransport,
  normalizeMemoryUrl,
} from '../../../../../runtime/transport/memory/index.js';
import type { TransportFactory } from '../../../../../runtime/transport/types.js';
import { producerOptions } from './helpers.js';

const base = { clientId: 'unit', connectionTimeoutMs: 1_000, requestTimeoutMs: 1_000 };

describe('memory broker registry', () => {
  it('normalizes memory URLs and rejects others', () => {
    assert.equal(normalizeMemoryUrl('memory://'), 'memory://');
    assert.equal(normalizeMemoryUrl('MEMORY://Orders/'), 'memory://Orders');
    assert.throws(() => normalizeMemoryUrl('kafka://127.0.0.1:9092'), /not a memory broker URL: "kafka:/);
    assert.throws(() => normalizeMemoryUrl('memory://a/b'), /not a memory broker URL/);
  });

  it('shares one broker per URL across transports, and keeps distinct URLs apart', async () => {
    const factory: TransportFactory = memoryTransport;
    const one = factory({ ...base, urls: ['memory://registry-shared'] });
    const two = factory({ ...base, urls: ['memory://registry-shared/'] });
    const other = factory({ ...base, urls: ['memory://registry-other'] });
    try {
      assert.equal(one.scheme, 'memory');
      await one.createAdmin().createTopics([{ name: 'shared', partitions: 2, replicationFactor: 1 }]);
      assert.equal(await two.createAdmin().partitionCount('shared'), 2);
      assert.equal(await other.createAdmin().partitionCount('shared'), undefined);
      assert.equal(getMemoryBroker('memory://registry-shared').partitionCount('shared'), 2);
    } finally {
      await destroyMemoryBroker('memory://registry-shared');
      await destroyMemoryBroker('memory://registry-other');
    }
  });

  it('defaults to memory:// and refuses two different broker URLs', () => {
    assert.equal(memoryTransport({ ...base, urls: [] }).url, 'memory://');
    assert.throws(
      () => memoryTransport({ ...base, urls: ['memory://a', 'memory://b'] }),
      /one broker URL expected, got memory:\/\/a, memory:\/\/b/,
    );
  });

  it('destroy forgets everything: old clients reject, the URL gets a fresh broker', async () => {
    const url = 'memory://registry-destroy';
    const transport = memoryTransport({ ...base, urls: [url] });
    const admin = transport.createAdmin();
    const producer = transport.createProducer(producerOptions);
    await producer.connect();
    await admin.createTopics([{ name: 'gone', partitions: 1, replicationFactor: 1 }]);
    await destroyMemoryBroker(url);
    assert.equal(hasMemoryBroker(url), false);
    await assert.rejects(admin.listTopics(), /memory broker memory:\/\/registry-destroy was destroyed/);
    await assert.rejects(
      producer.sendBatch([{ topic: 'gone', partition: 0, key: null, value: null }]),
      /was destroyed/,
    );
    assert.deepEqual(await transport.createAdmin().listTopics(), [], 'a new client gets a fresh broker');
    await destroyMemoryBroker(url);
  });
});
