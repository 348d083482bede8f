import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonCodec } from '../../../../runtime/channels/codecs/index.js';
import { type FieldError, model, ValidationError } from '../../../../runtime/models/index.js';

const json = (value: unknown) => jsonCodec.encode(value).toString('latin1');

function validationError(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${error}`);
    return error;
  }
  assert.fail('expected a ValidationError');
}

interface Point {
  x: number;
  y: number;
}
const pointSchema = {
  type: 'object',
  properties: { x: { type: 'integer' }, y: { type: 'integer' } },
  required: ['x', 'y'],
  additionalProperties: false,
} as const;

interface Payment {
  account: string;
  amount: number;
  currency?: 'EUR' | 'USD';
  email?: string;
  note?: string;
  [extra: string]: unknown;
}
const paymentSchema = {
  type: 'object',
  properties: {
    account: { type: 'string', minLength: 1 },
    amount: { type: 'number', minimum: 0 },
    currency: { enum: ['EUR', 'USD'] },
    email: { type: 'string', format: 'email' },
    note: { type: 'string' },
  },
  required: ['account', 'amount'],
};
const Payment = model<Payment>('Payment', paymentSchema, { namespace: 'payments.Payment' });

describe('model: Faust record representation', () => {
  it('writes the record JSON of tests/functional/test_models.py byte for byte', () => {
    const Point = model<Point>('Point', pointSchema, { namespace: '__main__.Point' });
    assert.equal(
      json(Point.toRepresentation({ x: 10, y: 3 })),
      '{"x":10,"y":3,"__faust":{"ns":"__main__.Point"}}',
    );
    const Bare = model<Point>('BarePoint', pointSchema, {
      namespace: '__main__.BarePoint',
      includeMetadata: false,
    });
    assert.equal(json(Bare.toRepresentation({ x: 30, y: 10 })), '{"x":30,"y":10}');
  });

  it('defaults the namespace to the name and includes metadata by default', () => {
    const Plain = model<Point>('PlainPoint', pointSchema);
    assert.equal(Plain.namespace, 'PlainPoint');
    assert.equal(Plain.includeMetadata, true);
    assert.equal(json(Plain.toRepresentation({ x: 1, y: 2 })), '{"x":1,"y":2,"__faust":{"ns":"PlainPoint"}}');
  });

  it('writes declared fields in schema order, then other fields, then __faust; skips undefined', () => {
    const value: Payment = { note: 'n', extra: [1], amount: 5, account: 'a', currency: undefined };
    assert.equal(
      json(Payment.toRepresentation(value)),
      '{"account":"a","amount":5,"note":"n","extra":[1],"__faust":{"ns":"payments.Payment"}}',
    );
    assert.deepEqual(
      Object.keys(value),
      ['note', 'extra', 'amount', 'account', 'currency'],
      'input untouched',
    );
  });

  it('replaces a __faust already present in the value', () => {
    const value = { account: 'a', amount: 1, __faust: { ns: 'other' } } as Payment;
    assert.equal(
      json(Payment.toRepresentation(value)),
      '{"account":"a","amount":1,"__faust":{"ns":"payments.Payment"}}',
    );
  });

  it('keeps a "__proto__" property as data', () => {
    const value = JSON.parse('{"account":"a","amount":1,"__proto__":{"x":1}}') as Payment;
    const representation = Payment.toRepresentation(value) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(representation), Object.prototype);
    assert.equal(
      json(representation),
      '{"account":"a","amount":1,"__proto__":{"x":1},"__faust":{"ns":"payments.Payment"}}',
    );
  });

  it('reads a record: removes __faust in place, then validates', () => {
    const data = JSON.parse('{"account":"a","amount":2.5,"__faust":{"ns":"payments.Payment"}}');
    const payment = Payment.fromRepresentation(data);
    assert.equal(payment, data);
    assert.deepEqual(payment, { account: 'a', amount: 2.5 });
    assert.deepEqual(Payment.fromRepresentation({ account: 'b', amount: 0 }), { account: 'b', amount: 0 });
  });

  it('accepts metadata on a closed schema (additionalProperties: false)', () => {
    const Closed = model<Point>('ClosedPoint', pointSchema, { namespace: 't.ClosedPoint' });
    const data = JSON.parse('{"x":1,"y":2,"__faust":{"ns":"t.ClosedPoint"}}');
    assert.deepEqual(Closed.fromRepresentation(data), { x: 1, y: 2 });
  });

  it('refuses a record of another namespace, naming both', () => {
    model('Refund', { type: 'object' }, { namespace: 'payments.Refund' });
    const error = validationError(() =>
      Payment.fromRepresentation({ account: 'a', amount: 1, __faust: { ns: 'payments.Refund' } }),
    );
    assert.equal(
      error.reason,
      "namespace: /__faust/ns is 'payments.Refund' (model 'Refund'), but model 'Payment' accepts 'payments.Payment'",
    );
    assert.match(
      error.message,
      /^invalid Payment \(namespace 'payments.Payment'\): \/__faust\/ns is 'payments.Refund'/,
    );
    const unknown = validationError(() =>
      Payment.fromRepresentation({ account: 'a', amount: 1, __faust: { ns: 'x.Y' } }),
    );
    const hint = `to accept it, list it in the model's "aliases" (acceptedNamespaces in code)`;
    assert.equal(
      unknown.reason,
      `namespace: /__faust/ns is 'x.Y', but model 'Payment' accepts 'payments.Payment'; ${hint}`,
    );
    assert.deepEqual(unknown.errors, [
      {
        pointer: '/__faust/ns',
        keyword: 'namespace',
        message: `is 'x.Y', but model 'Payment' accepts 'payments.Payment'; ${hint}`,
      },
    ]);
  });

  it('accepts the namespaces listed in acceptedNamespaces', () => {
    const Renamed = model<Point>('MovedPoint', pointSchema, {
      namespace: 'new_module.Point',
      acceptedNamespaces: ['old_module.Point'],
    });
    assert.deepEqual(Renamed.fromRepresentation({ x: 1, y: 1, __faust: { ns: 'old_module.Point' } }), {
      x: 1,
      y: 1,
    });
    assert.deepEqual(Renamed.fromRepresentation({ x: 1, y: 1, __faust: { ns: 'new_module.Point' } }), {
      x: 1,
      y: 1,
    });
    const other = validationError(() =>
      Renamed.fromRepresentation({ x: 1, y: 1, __faust: { ns: 'other.Point' } }),
    );
    assert.match(other.reason, /accepts 'new_module.Point', 'old_module.Point'; to accept it, list it/);
  });

  it('validates a record of an accepted alias by the schema', () => {
    const Shared = model<Payment>('SharedPayment', paymentSchema, {
      acceptedNamespaces: ['payments_py.Payment'],
    });
    const error = validationError(() =>
      Shared.fromRepresentation({ account: 'a', amount: 'lots', __faust: { ns: 'payments_py.Payment' } }),
    );
    assert.match(error.reason, /^schema: \/amount must be number/);
  });
});

describe('model: validation', () => {
  it('returns the value itself when valid', () => {
    const value = { account: 'a', amount: 1, email: 'a@example.com' };
    assert.equal(Payment.validate(value), value);
    assert.equal(Payment.isValid(value), true);
    assert.equal(Payment.isValid({ account: 'a' }), false);
  });

  it('lists every failing field as a JSON pointer with its reason', () => {
    const error = validationError(() =>
      Payment.validate({ account: '', amount: 'ten', currency: 'GBP', email: 'not-an-email' }),
    );
    const expected: FieldError[] = [
      { pointer: '/account', message: 'must NOT have fewer than 1 characters', keyword: 'minLength' },
      { pointer: '/amount', message: 'must be number', keyword: 'type' },
      { pointer: '/currency', message: 'must be one of "EUR", "USD"', keyword: 'enum' },
      { pointer: '/email', message: 'must match format "email"', keyword: 'format' },
    ];
    assert.deepEqual(error.errors, expected);
    assert.equal(error.model, 'Payment');
    assert.equal(error.namespace, 'payments.Payment');
    assert.equal(
      error.reason,
      'schema: /account must NOT have fewer than 1 characters; /amount must be number; ' +
        '/currency must be one of "EUR", "USD"; /email must match format "email"',
    );
    assert.equal(
      error.message,
      "invalid Payment (namespace 'payments.Payment'): /account must NOT have fewer than 1 characters; " +
        '/amount must be number; /currency must be one of "EUR", "USD"; /email must match format "email"',
    );
  });

  it('names a missing property and a property that is not allowed by their own pointers', () => {
    const Point = model<Point>('StrictPoint', pointSchema, { namespace: 't.StrictPoint' });
    const error = validationError(() => Point.validate({ x: 1, 'z/~': 2 }));
    assert.deepEqual(error.errors, [
      { pointer: '/y', message: 'is required', keyword: 'required' },
      { pointer: '/z~1~0', message: 'is not allowed', keyword: 'additionalProperties' },
    ]);
    assert.equal(error.reason, 'schema: /y is required; /z~1~0 is not allowed');
  });

  it('names the value itself as (root)', () => {
    const error = validationError(() => Payment.validate([1, 2]));
    assert.deepEqual(error.errors, [{ pointer: '', message: 'must be object', keyword: 'type' }]);
    assert.equal(error.reason, 'schema: (root) must be object');
  });

  it('keeps the reason short and the message to twenty fields', () => {
    const properties = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`field${i}`, { type: 'string' }]),
    );
    const Wide = model('Wide', { type: 'object', properties }, { namespace: 't.Wide' });
    const error = validationError(() =>
      Wide.validate(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`field${i}`, i]))),
    );
    assert.equal(error.errors.length, 30);
    assert.ok(error.reason.length <= 200 && error.reason.endsWith('...'), error.reason);
    assert.match(error.message, /\/field19 must be string; \.\.\. and 10 more$/);
  });

  it('refuses NaN for a number, and coerces nothing', () => {
    assert.equal(Payment.isValid({ account: 'a', amount: Number.NaN }), false);
    assert.equal(Payment.isValid({ account: 'a', amount: '5' }), false);
    const value = { account: 'a', amount: 1 };
    Payment.validate(value);
    assert.deepEqual(value, { account: 'a', amount: 1 }, 'no defaults added');
  });

  it('fails at declaration for an invalid schema or an unknown keyword, but allows TS annotations', () => {
    assert.throws(() => model('Typo', { type: 'object', requried: ['x'] }), {
      name: 'TypeError',
      message: `model 'Typo': invalid schema: strict mode: unknown keyword: "requried"`,
    });
    assert.throws(() => model('BadType', { type: 'strin' }), /model 'BadType': invalid schema: .*type/);
    assert.throws(() => model('Nameless' as string, 'nope' as never), /schema must be a JSON Schema object/);
    const Annotated = model('Annotated', {
      type: 'object',
      tsType: 'Foo',
      properties: { a: { enum: [1], tsEnumNames: ['One'] } },
    });
    assert.equal(Annotated.isValid({ a: 1 }), true);
  });

  it('uses draft 2020-12 when the schema says so', () => {
    const Pair = model<[string, number]>(
      'Pair',
      {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'array',
        prefixItems: [{ type: 'string' }, { type: 'number' }],
        items: false,
      },
      { includeMetadata: false },
    );
    assert.equal(Pair.isValid(['a', 1]), true);
    assert.equal(Pair.isValid(['a', 1, 2]), false);
    assert.deepEqual(Pair.toRepresentation(['a', 1]), ['a', 1]);
  });
});
