import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CORRELATION_ID_HEADER,
  decodeResponse,
  encodeResponse,
  REPLY_TO_HEADER,
  replyAddressOf,
  requestHeaders,
  reviveValue,
} from '../../../../../runtime/agents/rpc/index.js';
import { model, ValidationError } from '../../../../../runtime/models/index.js';

describe('agent RPC wire format', () => {
  it('request headers carry the reply topic and the correlation id, over the caller headers', () => {
    const headers = requestHeaders(
      { replyTo: 'f-reply-1', correlationId: 'c-1' },
      { trace: Buffer.from('t'), [REPLY_TO_HEADER]: Buffer.from('spoofed') },
    );
    assert.equal(REPLY_TO_HEADER, 'Faust-Ag-ReplyTo');
    assert.equal(CORRELATION_ID_HEADER, 'Faust-Ag-CorrelationId');
    assert.deepEqual(Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.toString()])), {
      trace: 't',
      'Faust-Ag-ReplyTo': 'f-reply-1',
      'Faust-Ag-CorrelationId': 'c-1',
    });
    assert.deepEqual(replyAddressOf(headers), { replyTo: 'f-reply-1', correlationId: 'c-1' });
  });

  it('an event without both headers is not a request', () => {
    assert.equal(replyAddressOf({}), undefined);
    assert.equal(replyAddressOf({ [REPLY_TO_HEADER]: Buffer.from('f-reply-1') }), undefined);
    assert.equal(replyAddressOf({ [CORRELATION_ID_HEADER]: Buffer.from('c') }), undefined);
    assert.equal(
      replyAddressOf({ [REPLY_TO_HEADER]: Buffer.alloc(0), [CORRELATION_ID_HEADER]: Buffer.from('c') }),
      undefined,
    );
  });

  it("writes Faust's ReqRepResponse record byte for byte", () => {
    assert.equal(
      encodeResponse({ total: 3, name: 'é' }, '0b1c').toString('latin1'),
      '{"key":null,"value":{"total":3,"name":"\\u00e9"},"correlation_id":"0b1c","__faust":{"ns":"@ReqRepResponse"}}',
    );
    assert.equal(
      encodeResponse(null, 'x').toString(),
      '{"key":null,"value":null,"correlation_id":"x","__faust":{"ns":"@ReqRepResponse"}}',
    );
  });

  it('reads a reply written by Python Faust', () => {
    const bytes = Buffer.from(
      '{"key":null,"value":[1,2.5,"x"],"correlation_id":"5f1c","__faust":{"ns":"@ReqRepResponse"}}',
    );
    assert.deepEqual(decodeResponse(bytes), { correlationId: '5f1c', value: [1, 2.5, 'x'] });
    assert.deepEqual(decodeResponse(encodeResponse(undefined, 'u')), { correlationId: 'u', value: null });
  });

  it('refuses bytes that are not a reply, saying why', () => {
    assert.throws(() => decodeResponse(null), /the reply has no value/);
    assert.throws(() => decodeResponse(Buffer.from('[1]')), /not a JSON object: \[1\]/);
    assert.throws(() => decodeResponse(Buffer.from('{"value":1}')), /no correlation_id/);
    assert.throws(() => decodeResponse(Buffer.from('{"value":')));
  });

  it('revives a value that names a registered model (Faust maybe_model), leaves others as they are', () => {
    const ns = `rpc.wire.Point.${Date.now()}`;
    model<{ x: number }>(
      'Point',
      {
        type: 'object',
        properties: { x: { type: 'integer' } },
        required: ['x'],
        additionalProperties: false,
      },
      { namespace: ns },
    );
    assert.deepEqual(reviveValue({ x: 1, __faust: { ns } }), { x: 1 });
    assert.throws(() => reviveValue({ x: 'one', __faust: { ns } }), ValidationError);
    const foreign = { x: 1, __faust: { ns: 'python.only.Model' } };
    assert.equal(reviveValue(foreign), foreign);
    assert.deepEqual(reviveValue([1, 2]), [1, 2]);
    assert.equal(reviveValue('text'), 'text');
  });
});
