import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binaryCodec, DecodeError } from '../../../../../runtime/channels/codecs/index.js';

describe('binary codec (Faust: standard base64)', () => {
  it('writes standard padded base64 of bytes and of UTF-8 strings', () => {
    // Python: base64.b64encode(b"\x00\xff\xfe\x01\x02") == b"AP/+AQI="
    assert.equal(
      binaryCodec.encode(Buffer.from([0x00, 0xff, 0xfe, 0x01, 0x02])).toString('latin1'),
      'AP/+AQI=',
    );
    assert.equal(binaryCodec.encode('héllo').toString('latin1'), 'aMOpbGxv');
    assert.equal(binaryCodec.encode('ab').toString('latin1'), 'YWI=');
    assert.equal(binaryCodec.encode(Buffer.alloc(0)).length, 0);
  });

  it('decodes base64 back to the bytes', () => {
    assert.deepEqual(
      binaryCodec.decode(Buffer.from('AP/+AQI=')),
      Buffer.from([0x00, 0xff, 0xfe, 0x01, 0x02]),
    );
    const random = Buffer.from(Array.from({ length: 257 }, (_, i) => (i * 73) % 256));
    assert.deepEqual(binaryCodec.decode(binaryCodec.encode(random)), random);
  });

  it('refuses what is not padded standard base64', () => {
    const cases: Array<[string, string]> = [
      ['AP_-AQI=', "invalid base64: unexpected '_' at position 2"],
      ['YWI', 'invalid base64: length 3 is not a multiple of 4'],
      ['YW=I', "invalid base64: unexpected 'I' at position 3"],
      ['YWI=\n', 'invalid base64: unexpected byte 0x0a at position 4'],
    ];
    for (const [input, reason] of cases) {
      assert.throws(
        () => binaryCodec.decode(Buffer.from(input, 'latin1')),
        (error) => error instanceof DecodeError && error.reason === reason && error.codec === 'binary',
        input,
      );
    }
  });
});
