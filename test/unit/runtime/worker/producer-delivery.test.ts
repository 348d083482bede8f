import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeliveryListener } from '../../../../runtime/transport/producer-buffer.js';
import type { OutgoingMessage, TransportAdmin } from '../../../../runtime/transport/types.js';
import { AppProducer } from '../../../../runtime/worker/producer.js';

/** A sender that queues without promises, settled by the test. */
function queueingSender() {
  const queued: { message: OutgoingMessage; listener: DeliveryListener }[] = [];
  return {
    queued,
    sender: {
      send: () => Promise.reject(new Error('the app producer must use enqueue()')),
      enqueue: (message: OutgoingMessage, listener: DeliveryListener) => queued.push({ message, listener }),
      flush: async () => {},
    },
  };
}

const turns = async () => {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
};

describe('AppProducer deliveries (enqueue)', () => {
  it('counts a message outstanding until acknowledged; delivered asked before or after gives the metadata', async () => {
    const { queued, sender } = queueingSender();
    const produced: string[] = [];
    const producer = new AppProducer({
      sender,
      admin: {} as TransportAdmin,
      maxOutstanding: 10,
      onFatal: () => assert.fail('no send failed'),
      onProduced: (topic, latencyMs, partition) => {
        assert.ok(latencyMs >= 0);
        produced.push(`${topic}[${partition}]`);
      },
    });
    producer.knowPartitions('out', 1);
    const early = await producer.send('out', null, Buffer.from('a'));
    const late = await producer.send('out', null, Buffer.from('b'));
    const earlyDelivered = early.delivered;
    assert.equal(producer.pending, 2);
    queued[0]!.listener.acknowledged({ topic: 'out', partition: 0, offset: 7, timestamp: 1 });
    queued[1]!.listener.acknowledged({ topic: 'out', partition: 0, offset: 8, timestamp: 1 });
    assert.equal(producer.pending, 0);
    assert.equal((await earlyDelivered).offset, 7);
    assert.equal((await late.delivered).offset, 8);
    assert.equal(late.delivered, late.delivered, 'one promise per receipt');
    assert.deepEqual(produced, ['out[0]', 'out[0]']);
  });

  it('a failed delivery nobody awaits stops the worker once, without an unhandled rejection; delivered still rejects', async () => {
    const { queued, sender } = queueingSender();
    const fatal: Error[] = [];
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const producer = new AppProducer({
        sender,
        admin: {} as TransportAdmin,
        maxOutstanding: 10,
        onFatal: (error) => fatal.push(error),
      });
      producer.knowPartitions('out', 1);
      const asked = await producer.send('out', null, Buffer.from('a'));
      const askedDelivered = asked.delivered;
      const never = await producer.send('out', null, Buffer.from('b'));
      const boom = new Error('broker said no');
      queued[0]!.listener.failed(boom);
      queued[1]!.listener.failed(boom);
      await new Promise<void>((resolve) => setImmediate(resolve));
      await turns();
      assert.equal(fatal.length, 1);
      assert.match(fatal[0]!.message, /sending to out\[0\] failed: broker said no/);
      assert.deepEqual(unhandled, []);
      await assert.rejects(askedDelivered, (error) => error === boom);
      await assert.rejects(never.delivered, (error) => error === boom);
      assert.equal(producer.pending, 0);
      await assert.rejects(producer.send('out', null, Buffer.from('c')), /sending to out\[0\] failed/);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
