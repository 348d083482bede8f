import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EncodeError, rawCodec } from '../../../../../runtime/channels/codecs/index.js';

describe('raw codec (Faust want_bytes)', () => {
  it('encodes a string as its UTF-8 bytes', () => {
    assert.deepEqual(rawCodec.encode('abc'), Buffer.from([0x61, 0x62, 0x63]));
    assert.deepEqual(rawCodec.encode('é😀'), Buffer.from([0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80]));
    assert.deepEqual(rawCodec.encode(''), Buffer.alloc(0));
  });

  it('passes a Buffer through untouched and wraps a Uint8Array without copying', () => {
    const buffer = Buffer.from([0, 255, 1]);
    assert.equal(rawCodec.encode(buffer), buffer);
    const backing = new Uint8Array([9, 8, 7, 6]);
    const view = backing.subarray(1, 3);
    const encoded = rawCodec.encode(view);
    assert.deepEqual([...encoded], [8, 7]);
    backing[1] = 42;
    assert.equal(encoded[0], 42, 'shares memory with the Uint8Array');
  });

  it('decodes to the same Buffer', () => {
    const data = Buffer.from('{"not":"parsed"}');
    assert.equal(rawCodec.decode(data), data);
  });

  it('refuses values that are neither strings nor bytes', () => {
    for (const [value, kind] of [
      [5, 'number'],
      [{ a: 1 }, 'object'],
      [null, 'null'],
      [[1], 'array'],
    ] as const) {
      assert.throws(
        () => rawCodec.encode(value),
        (error) =>
          error instanceof EncodeError &&
          error.codec === 'raw' &&
          error.reason === `expected a string or bytes, got ${kind}`,
      );
    }
  });
});
