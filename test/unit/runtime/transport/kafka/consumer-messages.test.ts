import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHeaders, toMessage } from '../../../../../runtime/transport/kafka/consumer.js';

describe('kafkajs messages -> transport messages', () => {
  it('turns header values into Buffers, the last of a repeated key', () => {
    assert.deepEqual(toHeaders({ a: Buffer.from('x'), b: 'y', c: ['1', Buffer.from('2')], d: undefined }), {
      a: Buffer.from('x'),
      b: Buffer.from('y'),
      c: Buffer.from('2'),
    });
    assert.deepEqual(toHeaders(undefined), {});
  });

  it('turns string offsets and timestamps into numbers', () => {
    const message = toMessage('t', 3, {
      key: null,
      value: Buffer.from('v'),
      timestamp: '1700000000000',
      attributes: 0,
      offset: '42',
      headers: {},
    });
    assert.deepEqual(message, {
      topic: 't',
      partition: 3,
      offset: 42,
      key: null,
      value: Buffer.from('v'),
      timestamp: 1_700_000_000_000,
      headers: {},
    });
  });
});
