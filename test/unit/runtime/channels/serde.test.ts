import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Codec,
  DecodeError,
  EncodeError,
  registerCodec,
} from '../../../../runtime/channels/codecs/index.js';
import {
  createSerde,
  isSerdeError,
  resolveSerializer,
  type TypeSpec,
} from '../../../../runtime/channels/serde.js';
import { model, ValidationError } from '../../../../runtime/models/index.js';

interface Payment {
  account: string;
  amount: number;
}
const Payment = model<Payment>(
  'Payment',
  {
    type: 'object',
    properties: { account: { type: 'string' }, amount: { type: 'number' } },
    required: ['account', 'amount'],
    additionalProperties: false,
  },
  { namespace: 'payments.Payment' },
);
const BinaryPayment = model<Payment>('BinaryPayment', Payment.schema, {
  namespace: 'payments.BinaryPayment',
  serializer: 'json|binary',
});

const bytes = (text: string) => Buffer.from(text, 'utf8');
const text = (data: Buffer | null) => {
  assert.ok(data !== null);
  return data.toString('latin1');
};

function thrown<E extends Error>(kind: new (...args: never[]) => E, run: () => unknown): E {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof kind, `expected a ${kind.name}, got ${error}`);
    return error;
  }
  assert.fail(`expected a ${kind.name}`);
}

describe('serde defaults (Faust: keys raw, values json)', () => {
  it('resolves the codec from the type, the configured serializer and the role', () => {
    const cases: Array<[TypeSpec | undefined, string | undefined, 'key' | 'value', string]> = [
      [undefined, undefined, 'key', 'raw'],
      [undefined, undefined, 'value', 'json'],
      ['string', undefined, 'key', 'raw'],
      ['string', undefined, 'value', 'json'],
      ['number', undefined, 'key', 'raw'],
      ['number', undefined, 'value', 'json'],
      ['bytes', undefined, 'key', 'raw'],
      ['bytes', undefined, 'value', 'raw'],
      ['bytes', 'json', 'value', 'raw'],
      ['bytes', 'binary', 'value', 'binary'],
      ['json', undefined, 'key', 'json'],
      ['json', 'raw', 'key', 'json'],
      [Payment, undefined, 'key', 'json'],
      [Payment, 'raw', 'key', 'json'],
      [Payment, 'json|binary', 'value', 'json|binary'],
      [BinaryPayment, 'json', 'value', 'json|binary'],
      ['string', 'binary', 'key', 'binary'],
    ];
    for (const [type, serializer, role, expected] of cases) {
      const label = `${typeof type === 'object' ? type.name : type} ${serializer} ${role}`;
      assert.equal(resolveSerializer(type, serializer, role), expected, label);
      assert.equal(createSerde(type, serializer, role).codec.name, expected, label);
    }
  });
});

describe('serde description', () => {
  it('names the type, the codec and the model', () => {
    assert.equal(createSerde(Payment, undefined, 'value').describe(), 'Payment (json)');
    assert.equal(createSerde(Payment, undefined, 'value').model, Payment);
    assert.equal(createSerde('string', undefined, 'key').describe(), 'string (raw)');
    assert.equal(createSerde('bytes', 'binary', 'key').describe(), 'bytes (binary)');
    assert.equal(createSerde('number', undefined, 'value').describe(), 'number (json)');
    assert.equal(createSerde('json', 'json|binary', 'value').describe(), 'json (json|binary)');
    assert.equal(createSerde(undefined, undefined, 'key').describe(), 'untyped (raw)');
    assert.equal(createSerde('string', undefined, 'key').model, undefined);
  });
});

describe('serde byte layout', () => {
  it("string: raw key is the UTF-8 text, json value is the quoted JSON string (Faust's default)", () => {
    assert.equal(text(createSerde('string', 'raw', 'key').serialize('abc')), 'abc');
    assert.deepEqual(createSerde('string', 'raw', 'key').serialize('é'), Buffer.from([0xc3, 0xa9]));
    assert.equal(text(createSerde('string', 'json', 'value').serialize('hi')), '"hi"');
    assert.equal(text(createSerde('string', 'json', 'value').serialize('é')), '"\\u00e9"');
  });

  it('number: raw writes decimal text, json writes the JSON number (the same bytes for integers)', () => {
    const rawKey = createSerde<number>('number', 'raw', 'key');
    assert.equal(text(rawKey.serialize(5)), '5');
    assert.equal(text(rawKey.serialize(-3)), '-3');
    assert.equal(text(rawKey.serialize(1.5)), '1.5');
    assert.equal(text(createSerde('number', 'json', 'value').serialize(5)), '5');
  });

  it('bytes: written as they are with raw and with json, base64 with binary', () => {
    const data = Buffer.from([0, 1, 255]);
    assert.equal(createSerde('bytes', 'raw', 'value').serialize(data), data);
    assert.equal(createSerde('bytes', 'json', 'value').serialize(data), data);
    assert.equal(text(createSerde('bytes', 'binary', 'value').serialize(data)), 'AAH/');
  });

  it('json: compact JSON', () => {
    assert.equal(
      text(createSerde('json', 'json', 'value').serialize({ a: [1, 'x'], b: null })),
      '{"a":[1,"x"],"b":null}',
    );
  });

  it('model: Faust record JSON with metadata; a chain such as json|binary wraps it', () => {
    const value = { amount: 12.5, account: 'acct-1' };
    assert.equal(
      text(createSerde(Payment, 'json', 'value').serialize(value)),
      '{"account":"acct-1","amount":12.5,"__faust":{"ns":"payments.Payment"}}',
    );
    const wrapped = text(createSerde(BinaryPayment, undefined, 'value').serialize(value));
    assert.equal(
      Buffer.from(wrapped, 'base64').toString(),
      '{"account":"acct-1","amount":12.5,"__faust":{"ns":"payments.BinaryPayment"}}',
    );
  });

  it('untyped: the codec alone (raw keys are Buffers, json values are parsed)', () => {
    const key = createSerde(undefined, undefined, 'key');
    assert.equal(text(key.serialize('k')), 'k');
    assert.deepEqual(key.deserialize(bytes('k')), bytes('k'));
    const value = createSerde(undefined, undefined, 'value');
    assert.equal(text(value.serialize({ a: 1 })), '{"a":1}');
    assert.deepEqual(value.deserialize(bytes('{"a":1}')), { a: 1 });
  });
});

describe('serde round trips', () => {
  const cases: Array<[TypeSpec | undefined, string | undefined, unknown]> = [
    ['string', 'raw', 'héllo 😀'],
    ['string', 'json', 'héllo "quoted" 😀'],
    ['string', 'binary', 'héllo'],
    ['number', 'raw', -12.75],
    ['number', 'json', 1e21],
    ['number', 'binary', 42],
    ['bytes', 'raw', Buffer.from([0, 128, 255])],
    ['bytes', 'binary', Buffer.from([0, 128, 255])],
    ['json', 'json', { nested: [1, { deep: 'é' }], t: true, n: null }],
    ['json', 'json|binary', [1, 2, 3]],
    [Payment, 'json', { account: 'a', amount: 1 }],
    [Payment, 'json|binary', { account: 'b', amount: 2 }],
  ];
  for (const [type, serializer, value] of cases) {
    for (const role of ['key', 'value'] as const) {
      it(`${typeof type === 'object' ? type.name : type} with ${serializer} as ${role}`, () => {
        const serde = createSerde(type, serializer, role);
        assert.deepEqual(serde.deserialize(serde.serialize(value)), value);
      });
    }
  }

  it('null and undefined serialize to null; null decodes to null for non-model types', () => {
    for (const type of ['string', 'number', 'bytes', 'json', undefined] as const) {
      const serde = createSerde(type, undefined, 'value');
      assert.equal(serde.serialize(null), null);
      assert.equal(serde.serialize(undefined), null);
      assert.equal(serde.deserialize(null), null);
    }
    assert.equal(createSerde(Payment, undefined, 'value').serialize(null), null);
  });

  it('a null model value is a decode error (Faust), unless allowEmpty', () => {
    const error = thrown(DecodeError, () => createSerde(Payment, undefined, 'value').deserialize(null));
    assert.equal(error.reason, "expected a 'Payment' record, got a null value");
    assert.equal(error.role, 'value');
    assert.equal(createSerde(Payment, undefined, 'value', { allowEmpty: true }).deserialize(null), null);
  });

  it('reads numeric text for numbers through json too, as Faust int()/float() does', () => {
    assert.equal(createSerde('number', 'json', 'value').deserialize(bytes('"17"')), 17);
    assert.equal(createSerde('number', 'raw', 'key').deserialize(bytes(' 2.5e3 ')), 2500);
  });
});

describe('serde decode errors carry a reason and the role', () => {
  it('invalid JSON', () => {
    const error = thrown(DecodeError, () =>
      createSerde(Payment, undefined, 'value').deserialize(bytes('{"account":')),
    );
    assert.equal(error.reason, 'invalid JSON at position 11: unexpected end of input');
    assert.equal(error.role, 'value');
    assert.equal(error.codec, 'json');
    assert.ok(isSerdeError(error));
  });

  it('a value of the wrong kind for the type', () => {
    const string = thrown(DecodeError, () => createSerde('string', 'json', 'value').deserialize(bytes('12')));
    assert.equal(string.reason, 'expected a string, got number');
    const number = thrown(DecodeError, () => createSerde('number', 'raw', 'key').deserialize(bytes('12abc')));
    assert.equal(number.reason, 'expected a decimal number, got "12abc"');
    assert.equal(number.role, 'key');
    const object = thrown(DecodeError, () => createSerde('number', 'json', 'key').deserialize(bytes('{}')));
    assert.equal(object.reason, 'expected a number, got object');
  });

  it('invalid UTF-8 for a string key', () => {
    const error = thrown(DecodeError, () =>
      createSerde('string', 'raw', 'key').deserialize(Buffer.from([0x61, 0xff])),
    );
    assert.equal(error.reason, 'invalid UTF-8');
    assert.equal(error.role, 'key');
  });

  it('a record that fails its schema names the fields', () => {
    const error = thrown(ValidationError, () =>
      createSerde(Payment, undefined, 'value').deserialize(
        bytes('{"account":7,"amount":"x","__faust":{"ns":"payments.Payment"}}'),
      ),
    );
    assert.equal(error.reason, 'schema: /account must be string; /amount must be number');
    assert.equal(error.role, 'value');
    assert.ok(isSerdeError(error));
  });

  it('a record of another namespace', () => {
    const error = thrown(ValidationError, () =>
      createSerde(Payment, undefined, 'value').deserialize(
        bytes('{"account":"a","amount":1,"__faust":{"ns":"payments.Refund"}}'),
      ),
    );
    assert.equal(
      error.reason,
      "namespace: /__faust/ns is 'payments.Refund', but model 'Payment' accepts 'payments.Payment'; " +
        'to accept it, list it in the model\'s "aliases" (acceptedNamespaces in code)',
    );
  });

  it('an error thrown by a custom codec becomes a DecodeError with its message as the reason', () => {
    const failing: Codec = {
      name: 'failing',
      encode: () => {
        throw new Error('cannot write\nsecond line');
      },
      decode: () => {
        throw new RangeError('checksum mismatch');
      },
    };
    registerCodec('failing', failing);
    const serde = createSerde('json', 'failing', 'value');
    const decode = thrown(DecodeError, () => serde.deserialize(bytes('x')));
    assert.equal(decode.reason, 'checksum mismatch');
    assert.equal(decode.codec, 'failing');
    assert.ok(decode.cause instanceof RangeError);
    const encode = thrown(EncodeError, () => serde.serialize({ a: 1 }));
    assert.equal(encode.reason, 'cannot write');
    assert.equal(encode.role, 'value');
  });

  it('a custom codec yielding bytes for structured types is a decode error', () => {
    registerCodec('identity', { name: 'identity', encode: (v) => v as Buffer, decode: (d) => d });
    const error = thrown(DecodeError, () =>
      createSerde(Payment, 'identity', 'value').deserialize(bytes('{}')),
    );
    assert.equal(error.reason, "the codec produced bytes, not a 'Payment' record");
  });
});

describe('serde on send', () => {
  it('validates a record before writing it (validateOnSend, default true)', () => {
    const serde = createSerde<Payment>(Payment, undefined, 'value');
    const error = thrown(ValidationError, () => serde.serialize({ account: 'a' } as Payment));
    assert.equal(error.reason, 'schema: /amount is required');
    assert.equal(error.role, 'value');
    const unchecked = createSerde<Payment>(Payment, undefined, 'value', { validateOnSend: false });
    assert.equal(
      text(unchecked.serialize({ account: 'a' } as Payment)),
      '{"account":"a","__faust":{"ns":"payments.Payment"}}',
    );
  });

  it('refuses values of the wrong kind', () => {
    const string = thrown(EncodeError, () =>
      createSerde('string', 'raw', 'key').serialize(5 as unknown as string),
    );
    assert.equal(string.reason, 'expected a string, got number');
    assert.equal(string.role, 'key');
    const buffer = thrown(EncodeError, () =>
      createSerde('bytes', 'raw', 'value').serialize('x' as unknown as Buffer),
    );
    assert.equal(buffer.reason, 'expected bytes (a Buffer), got string');
    const json = thrown(EncodeError, () => createSerde('json', 'json', 'value').serialize({ n: 1n }));
    assert.match(json.reason, /^not JSON-serializable: /);
  });

  it('refuses NaN and Infinity for numbers unless validateOnSend is false', () => {
    const error = thrown(EncodeError, () => createSerde('number', 'raw', 'key').serialize(Number.NaN));
    assert.equal(error.reason, 'expected a finite number, got NaN');
    assert.equal(
      text(
        createSerde('number', 'raw', 'key', { validateOnSend: false }).serialize(Number.POSITIVE_INFINITY),
      ),
      'Infinity',
    );
  });

  it('writes a Uint8Array as bytes without copying', () => {
    const backing = new Uint8Array([1, 2, 3, 4]);
    const written = createSerde('bytes', 'raw', 'value').serialize(backing.subarray(1, 3) as Buffer);
    assert.deepEqual([...(written ?? [])], [2, 3]);
  });
});

describe('serde configuration errors', () => {
  it('an unknown type name, with a suggestion', () => {
    assert.throws(() => createSerde('strnig' as TypeSpec, undefined, 'key'), {
      name: 'TypeError',
      message:
        "unknown key type 'strnig': use a model or one of 'string', 'number', 'bytes', 'json'. Did you mean 'string'?",
    });
    assert.throws(() => createSerde({} as TypeSpec, undefined, 'value'), {
      message: 'value type must be a model or a type name, got object',
    });
  });

  it('an unknown codec, with a suggestion', () => {
    assert.throws(() => createSerde('string', 'jsn', 'value'), {
      message: /^unknown codec 'jsn'.*Did you mean 'json'\?/,
    });
  });

  it('a codec that yields bytes for a structured type', () => {
    assert.throws(() => createSerde(Payment, 'binary', 'value'), {
      name: 'TypeError',
      message:
        "value model 'Payment' cannot be written with codec 'binary', which yields bytes: use 'json' or a chain such as 'json|binary'",
    });
    assert.throws(
      () => createSerde('json', 'raw|binary', 'key'),
      /key type 'json' cannot be written with codec 'raw\|binary'/,
    );
  });

  it('a bad role', () => {
    assert.throws(() => createSerde('string', undefined, 'both' as 'key'), {
      message: "serde role must be 'key' or 'value', got both",
    });
  });
});
