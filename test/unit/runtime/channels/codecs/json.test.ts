import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createJsonCodec,
  DecodeError,
  EncodeError,
  jsonCodec,
} from '../../../../../runtime/channels/codecs/index.js';

const text = (bytes: Buffer) => bytes.toString('latin1');

function decodeError(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof DecodeError, `expected a DecodeError, got ${error}`);
    return error;
  }
  assert.fail('expected a DecodeError');
}

describe('json codec: encoding (Python json.dumps with separators=(",",":"))', () => {
  // Each expected string is what CPython 3 prints for json.dumps(value, separators=(",", ":")).
  it('writes compact JSON: no spaces after separators', () => {
    assert.equal(text(jsonCodec.encode({ x: 10, y: 3 })), '{"x":10,"y":3}');
    assert.equal(text(jsonCodec.encode([1, [2, { a: [] }], {}])), '[1,[2,{"a":[]}],{}]');
  });

  it('writes scalars as Python does', () => {
    assert.equal(text(jsonCodec.encode('hi')), '"hi"');
    assert.equal(text(jsonCodec.encode(5)), '5');
    assert.equal(
      text(jsonCodec.encode({ n: [0, -1, 1.5, 123456789012, -0.25], b: [true, false, null], o: {}, a: [] })),
      '{"n":[0,-1,1.5,123456789012,-0.25],"b":[true,false,null],"o":{},"a":[]}',
    );
  });

  it('escapes quotes, backslashes and control characters like Python', () => {
    const value = { s: 'tab\tnl\ncr\rbs\\q"ctl\x01\x1f/sl', e: '\u2028\u2029', lone: '\ud800x' };
    assert.equal(
      text(jsonCodec.encode(value)),
      '{"s":"tab\\tnl\\ncr\\rbs\\\\q\\"ctl\\u0001\\u001f/sl","e":"\\u2028\\u2029","lone":"\\ud800x"}',
    );
  });

  it('escapes DEL and non-ASCII as lowercase \\uXXXX (ensure_ascii), astral characters as surrogate pairs', () => {
    const bytes = jsonCodec.encode('café ☕ 😀\x7f');
    assert.equal(text(bytes), '"caf\\u00e9 \\u2615 \\ud83d\\ude00\\u007f"');
    assert.ok(
      bytes.every((byte) => byte < 0x80),
      'only ASCII bytes',
    );
    assert.equal(text(jsonCodec.encode({ ключ: 'é' })), '{"\\u043a\\u043b\\u044e\\u0447":"\\u00e9"}');
  });

  it('writes UTF-8 unescaped with ensureAscii false (Faust with orjson)', () => {
    const codec = createJsonCodec({ ensureAscii: false });
    assert.deepEqual(codec.encode('café\x7f'), Buffer.from('"café\x7f"', 'utf8'));
  });

  it('refuses values JSON cannot represent', () => {
    assert.throws(() => jsonCodec.encode(undefined), {
      name: 'EncodeError',
      reason: 'a undefined is not JSON-serializable',
    });
    assert.throws(
      () => jsonCodec.encode(() => 1),
      (error) => error instanceof EncodeError && error.codec === 'json',
    );
    assert.throws(
      () => jsonCodec.encode({ big: 10n }),
      (error) => {
        assert.ok(error instanceof EncodeError);
        assert.match(error.reason, /^not JSON-serializable: .*BigInt/);
        return true;
      },
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => jsonCodec.encode(cyclic), /cannot encode with codec 'json': not JSON-serializable/);
  });
});

describe('json codec: decoding', () => {
  it('parses UTF-8 JSON, escaped or not', () => {
    assert.deepEqual(jsonCodec.decode(Buffer.from('{"x":10,"y":3}')), { x: 10, y: 3 });
    assert.equal(jsonCodec.decode(Buffer.from('"caf\\u00e9 \\ud83d\\ude00"')), 'café 😀');
    assert.equal(jsonCodec.decode(Buffer.from('"café 😀"', 'utf8')), 'café 😀');
    assert.deepEqual(jsonCodec.decode(Buffer.from(' \n[1, 2]\t')), [1, 2]);
  });

  it('round-trips values', () => {
    const value = {
      s: 'x\u0000y\u2028é😀',
      n: [0, -1.25, 1e300],
      nested: { deep: [[[{}]]] },
      t: true,
      z: null,
    };
    assert.deepEqual(jsonCodec.decode(jsonCodec.encode(value)), value);
  });

  it("accepts Python's bare NaN, Infinity and -Infinity", () => {
    const value = jsonCodec.decode(Buffer.from('{"a":NaN,"b":[Infinity,-Infinity],"c":"NaN"}')) as {
      a: number;
      b: number[];
      c: string;
    };
    assert.ok(Number.isNaN(value.a));
    assert.deepEqual(value.b, [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    assert.equal(value.c, 'NaN');
  });

  it('keeps a "__proto__" key as a plain own property on the lenient path', () => {
    const value = jsonCodec.decode(Buffer.from('{"__proto__":{"polluted":1},"n":NaN}')) as Record<
      string,
      unknown
    >;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(Object.keys(value), ['__proto__', 'n']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('names the position and the problem of invalid JSON', () => {
    const cases: Array<[string, string]> = [
      [
        '{"amount": 12,}',
        "invalid JSON at position 14: expected a property name in double quotes, found character '}'",
      ],
      ['{"a" 1}', "invalid JSON at position 5: expected ':' after a property name, found character '1'"],
      ['[1 2]', "invalid JSON at position 3: expected ',' or ']' in an array, found character '2'"],
      ['{"a":1', 'invalid JSON at position 6: unexpected end of input'],
      ['{"a":"xyz', 'invalid JSON at position 5: unterminated string'],
      ['"bad \\q escape"', "invalid JSON at position 5: invalid escape '\\q'"],
      ['"\\u12"', 'invalid JSON at position 1: invalid \\u escape: expected 4 hex digits'],
      ['"a\nb"', 'invalid JSON at position 2: control character U+000A in a string'],
      ['{"a":1} x', 'invalid JSON at position 8: unexpected data after the JSON value'],
      ['{"a":tru}', "invalid JSON at position 5: unexpected character 't'"],
      ['-', 'invalid JSON at position 0: invalid number'],
      [
        "{'a':1}",
        "invalid JSON at position 1: expected a property name in double quotes, found character '''",
      ],
      ['\ufeff{}', 'invalid JSON at position 0: unexpected character U+FEFF'],
      ['', 'invalid JSON: empty input'],
    ];
    for (const [input, reason] of cases) {
      const error = decodeError(() => jsonCodec.decode(Buffer.from(input, 'utf8')));
      assert.equal(error.reason, reason, `for ${JSON.stringify(input)}`);
      assert.equal(error.codec, 'json');
      assert.equal(error.message, `cannot decode with codec 'json': ${reason}`);
    }
  });

  it('refuses invalid UTF-8 (as Python bytes.decode does) but keeps a real U+FFFD', () => {
    const error = decodeError(() => jsonCodec.decode(Buffer.from([0x22, 0xc3, 0x28, 0x22])));
    assert.equal(error.reason, 'invalid UTF-8');
    assert.equal(jsonCodec.decode(Buffer.from('"\ufffd"', 'utf8')), '\ufffd');
  });

  it('reports nesting deeper than Python accepts only when the text is invalid anyway', () => {
    const deepValid = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    assert.ok(Array.isArray(jsonCodec.decode(Buffer.from(deepValid))));
    const deepInvalid = `${'['.repeat(5000)}NaN,${']'.repeat(5000)}`;
    assert.equal(
      decodeError(() => jsonCodec.decode(Buffer.from(deepInvalid))).reason,
      'invalid JSON at position 1001: nesting deeper than 1000 levels',
    );
  });
});
