import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestBytes } from '../../../../runtime/transport/producer-buffer.js';
import { fitDeadLetter, TRUNCATION_HEADERS } from '../../../../runtime/worker/dead-letter-fit.js';

const faustgen = {
  'faustgen-error': Buffer.from('value is not a number'),
  'faustgen-source-offset': Buffer.from('7'),
};
const text = (headers: Record<string, Buffer>, name: string) => headers[name]?.toString();

describe('fitDeadLetter', () => {
  it('keeps a record that fits as it is', () => {
    const record = { topic: 'dl', key: Buffer.from('k'), value: Buffer.alloc(1000), headers: faustgen };
    assert.equal(fitDeadLetter(record, 1_000_000), record);
    assert.equal(fitDeadLetter(record, undefined), record);
  });

  it('cuts the value to what fits, saying so and keeping the original sizes and every header', () => {
    const value = Buffer.alloc(1_000_000, 'x');
    const record = {
      topic: 'dl',
      key: Buffer.from('key'),
      value,
      headers: { ...faustgen, trace: Buffer.from('t') },
    };
    const fitted = fitDeadLetter(record, 1_000_000);
    assert.ok(requestBytes(fitted) <= 1_000_000);
    assert.ok(fitted.value!.length > 999_000, `${fitted.value!.length} bytes kept`);
    assert.ok(value.subarray(0, fitted.value!.length).equals(fitted.value!));
    assert.equal(fitted.key?.toString(), 'key');
    assert.equal(text(fitted.headers, TRUNCATION_HEADERS.truncated), 'value');
    assert.equal(text(fitted.headers, TRUNCATION_HEADERS.valueSize), '1000000');
    assert.equal(text(fitted.headers, TRUNCATION_HEADERS.keySize), '3');
    assert.equal(text(fitted.headers, 'faustgen-error'), 'value is not a number');
    assert.equal(text(fitted.headers, 'trace'), 't');
  });

  it('cuts the key too when the key alone does not fit, and drops original headers before faustgen ones', () => {
    const record = {
      topic: 'dl',
      key: Buffer.alloc(5000, 'k'),
      value: Buffer.alloc(10, 'v'),
      headers: faustgen,
    };
    const fitted = fitDeadLetter(record, 2000);
    assert.ok(requestBytes(fitted) <= 2000);
    assert.equal(fitted.value!.length, 0);
    assert.ok(fitted.key!.length > 1000);
    assert.equal(text(fitted.headers, TRUNCATION_HEADERS.truncated), 'value,key');
    assert.equal(text(fitted.headers, TRUNCATION_HEADERS.keySize), '5000');

    const big = {
      topic: 'dl',
      key: null,
      value: Buffer.alloc(10),
      headers: { ...faustgen, big: Buffer.alloc(3000) },
    };
    const slim = fitDeadLetter(big, 2000);
    assert.ok(requestBytes(slim) <= 2000);
    assert.equal(slim.headers.big, undefined);
    assert.equal(text(slim.headers, 'faustgen-source-offset'), '7');
    assert.equal(text(slim.headers, TRUNCATION_HEADERS.truncated), 'headers');
  });
});
