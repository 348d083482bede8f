/**
 * Compile-time checks of the serde types: `npm run typecheck` fails if a line marked
 * `@ts-expect-error` compiles, or if an expected type is wrong. The runtime assertions make the same
 * mistakes fail when executed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createSerde,
  type JsonValue,
  type Serde,
  type TypeOf,
  type TypeSpec,
} from '../../../../runtime/channels/serde.js';
import { type Model, model } from '../../../../runtime/models/index.js';

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
function expectTrue<T extends true>(_proof?: T): void {}

interface Payment {
  account: string;
  amount: number;
}
const Payment = model<Payment>(
  'TypedPayment',
  {
    type: 'object',
    properties: { account: { type: 'string' }, amount: { type: 'number' } },
    required: ['account', 'amount'],
  },
  { namespace: 'types.Payment' },
);

/** How a topic infers its key and value types from its options. */
function declare<
  KS extends TypeSpec | undefined = undefined,
  VS extends TypeSpec | undefined = undefined,
>(options: { keyType?: KS; valueType?: VS }): { key: Serde<TypeOf<KS>>; value: Serde<TypeOf<VS>> } {
  return {
    key: createSerde<TypeOf<KS>>(options.keyType, undefined, 'key'),
    value: createSerde<TypeOf<VS>>(options.valueType, undefined, 'value'),
  };
}

describe('serde types', () => {
  it('maps each type spec to its TypeScript type', () => {
    expectTrue<Equal<TypeOf<'string'>, string>>();
    expectTrue<Equal<TypeOf<'number'>, number>>();
    expectTrue<Equal<TypeOf<'bytes'>, Buffer>>();
    expectTrue<Equal<TypeOf<'json'>, JsonValue>>();
    expectTrue<Equal<TypeOf<typeof Payment>, Payment>>();
    expectTrue<Equal<TypeOf<Model<{ id: string }>>, { id: string }>>();
    expectTrue<Equal<TypeOf<undefined>, unknown>>();
    // @ts-expect-error a string type is not a number
    expectTrue<Equal<TypeOf<'string'>, number>>();
    assert.equal(Payment.kind, 'model');
  });

  it('infers topic key and value types from the declaration', () => {
    const topic = declare({ keyType: 'string', valueType: Payment });
    expectTrue<Equal<typeof topic.key, Serde<string>>>();
    expectTrue<Equal<typeof topic.value, Serde<Payment>>>();
    const written = topic.value.serialize({ account: 'a', amount: 1 });
    assert.ok(written);
    const read: Payment = topic.value.deserialize(written);
    assert.deepEqual(read, { account: 'a', amount: 1 });

    // @ts-expect-error a key of a string topic is a string
    const wrongKey: number = topic.key.deserialize(Buffer.from('k'));
    assert.equal(typeof wrongKey, 'string');

    assert.throws(() =>
      // @ts-expect-error a Payment needs an amount
      topic.value.serialize({ account: 'a' }),
    );
    assert.throws(() =>
      // @ts-expect-error a number is not a Payment
      topic.value.serialize(5),
    );
    assert.throws(() =>
      // @ts-expect-error keys of a string topic are strings
      topic.key.serialize(5),
    );
  });

  it('rejects unknown type names and roles at compile time and at run time', () => {
    assert.throws(() =>
      // @ts-expect-error not a type name
      declare({ keyType: 'strnig' }),
    );
    // @ts-expect-error role is 'key' or 'value'
    assert.throws(() => createSerde('string', undefined, 'both'));
    const bytes = declare({ valueType: 'bytes' });
    // @ts-expect-error bytes are Buffers, not strings
    assert.throws(() => bytes.value.serialize('text'));
  });

  it('types json values as JsonValue', () => {
    const topic = declare({ valueType: 'json' });
    assert.ok(topic.value.serialize({ a: [1, 'x', null, { b: true }] }));
    assert.throws(() =>
      // @ts-expect-error functions are not JSON
      topic.value.serialize(() => 1),
    );
  });
});
