import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordTooLargeError } from '../../../../runtime/transport/producer-buffer.js';
import type { TransportAdmin } from '../../../../runtime/transport/types.js';
import { AppProducer } from '../../../../runtime/worker/producer.js';

describe('AppProducer with maxRequestSize', () => {
  it('refuses a message larger than one request at once, to the caller, without stopping the worker', async () => {
    const sent: string[] = [];
    const fatal: Error[] = [];
    const producer = new AppProducer({
      sender: {
        send: async (message) => {
          sent.push(message.topic);
          return { topic: message.topic, partition: message.partition, offset: 0, timestamp: 0 };
        },
        flush: async () => {},
      },
      admin: {} as TransportAdmin,
      maxOutstanding: 10,
      maxRequestSize: 10_000,
      onFatal: (error) => fatal.push(error),
    });
    producer.knowPartitions('out', 1);
    await assert.rejects(producer.send('out', null, Buffer.alloc(10_000)), (error: unknown) => {
      return (
        error instanceof RecordTooLargeError &&
        /does not fit in one request \(producerMaxRequestSize 10000\)/.test(error.message)
      );
    });
    await producer.send('out', null, Buffer.alloc(9_000));
    await producer.flush();
    assert.deepEqual(sent, ['out']);
    assert.deepEqual(fatal, []);
  });
});
