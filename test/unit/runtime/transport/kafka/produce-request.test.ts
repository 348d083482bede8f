import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildProduceRequest,
  recordMetadata,
} from '../../../../../runtime/transport/kafka/produce-request.js';
import type { OutgoingMessage } from '../../../../../runtime/transport/types.js';

const msg = (topic: string, partition: number, value: string, timestamp?: number): OutgoingMessage => ({
  topic,
  partition,
  key: Buffer.from(`k-${value}`),
  value: Buffer.from(value),
  timestamp,
  headers: { h: Buffer.from('1') },
});

describe('produce requests', () => {
  const messages = [msg('a', 0, 'a0'), msg('b', 1, 'b0', 5), msg('a', 1, 'a1'), msg('a', 0, 'a2')];

  it('groups by topic in input order, keeps partitions, stamps missing timestamps', () => {
    const request = buildProduceRequest(messages, 1000);
    assert.deepEqual(
      request.topicMessages.map(({ topic, messages: m }) => [
        topic,
        m.map((x) => [x.partition, x.value?.toString(), x.timestamp]),
      ]),
      [
        [
          'a',
          [
            [0, 'a0', '1000'],
            [1, 'a1', '1000'],
            [0, 'a2', '1000'],
          ],
        ],
        ['b', [[1, 'b0', '5']]],
      ],
    );
  });

  it("gives each message its partition's base offset plus its index there, in input order", () => {
    const request = buildProduceRequest(messages, 1000);
    const metadata = recordMetadata(request, [
      { topicName: 'a', partition: 1, errorCode: 0, baseOffset: '7', logAppendTime: '-1' },
      { topicName: 'a', partition: 0, errorCode: 0, baseOffset: '40', logAppendTime: '-1' },
      { topicName: 'b', partition: 1, errorCode: 0, baseOffset: '0', logAppendTime: '1234' },
    ]);
    assert.deepEqual(metadata, [
      { topic: 'a', partition: 0, offset: 40, timestamp: 1000 },
      { topic: 'b', partition: 1, offset: 0, timestamp: 1234 },
      { topic: 'a', partition: 1, offset: 7, timestamp: 1000 },
      { topic: 'a', partition: 0, offset: 41, timestamp: 1000 },
    ]);
  });

  it('answers offset -1 when the broker answers nothing (acks=0)', () => {
    const request = buildProduceRequest(messages.slice(0, 1), 1000);
    assert.deepEqual(recordMetadata(request, []), [
      { topic: 'a', partition: 0, offset: -1, timestamp: 1000 },
    ]);
  });

  it('refuses an answer that lacks a partition, and messages without a partition', () => {
    const request = buildProduceRequest(messages.slice(0, 2), 1000);
    assert.throws(
      () => recordMetadata(request, [{ topicName: 'a', partition: 0, errorCode: 0, baseOffset: '1' }]),
      /no entry for b\[1\]/,
    );
    assert.throws(() => buildProduceRequest([msg('a', -1, 'x')], 0), /topic a has partition -1/);
  });
});
