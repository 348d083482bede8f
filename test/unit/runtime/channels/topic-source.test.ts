import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Topic } from '../../../../runtime/channels/topic.js';
import type { ChannelHost } from '../../../../runtime/channels/types.js';
import { StreamBuffer } from '../../../../runtime/streams/buffer.js';
import { type Event, MessageRef } from '../../../../runtime/streams/event.js';

/** A topic on a host whose consumer buffer the test fills by hand; dead letters are recorded. */
function topicWithBuffer() {
  const buffer = new StreamBuffer<MessageRef>(100);
  const deadLetters: { offset: number; stage: string }[] = [];
  const host = {
    defaults: {
      keySerializer: 'raw',
      valueSerializer: 'json',
      topicPartitions: 1,
      topicReplicationFactor: 1,
      streamBufferMaxsize: 100,
      deadLetter: true,
    },
    subscribe: () => buffer,
    unsubscribe: () => {},
    generation: () => 0,
    deadLetter: async (event: Event<unknown, unknown>, _error: unknown, stage: string) => {
      deadLetters.push({ offset: event.offset, stage });
      event.ack();
    },
  } as unknown as ChannelHost;
  const topic = new Topic('orders', host, { keyType: 'string', valueType: 'json' });
  const push = (offset: number, value: string) =>
    buffer.push(
      new MessageRef(
        {
          topic: 'orders',
          partition: 0,
          offset,
          key: Buffer.from(`k${offset}`),
          value: Buffer.from(value),
          timestamp: 0,
          headers: {},
        },
        0,
        1,
        null,
        () => {},
      ),
    );
  return { source: topic.openSource(), push, deadLetters };
}

describe('TopicSource', () => {
  it('answers a buffered event synchronously, without a promise', () => {
    const { source, push } = topicWithBuffer();
    push(0, '{"n":1}');
    const event = source.next();
    assert.ok(!(event instanceof Promise), 'next() returned a promise although an event was buffered');
    assert.deepEqual([event?.key, event?.value], ['k0', { n: 1 }]);
  });

  it('dead-letters an undecodable buffered message and answers the next one, in order', async () => {
    const { source, push, deadLetters } = topicWithBuffer();
    push(0, '{"n":1}');
    push(1, '{not json');
    push(2, '{"n":3}');
    const offsets = [];
    for (let i = 0; i < 2; i++) offsets.push((await source.next())?.offset);
    assert.deepEqual(offsets, [0, 2]);
    assert.deepEqual(deadLetters, [{ offset: 1, stage: 'decode' }]);
  });

  it('waits for an event when none is buffered', async () => {
    const { source, push } = topicWithBuffer();
    const next = source.next();
    assert.ok(next instanceof Promise);
    push(5, '{"n":6}');
    assert.equal((await next)?.offset, 5);
  });
});
