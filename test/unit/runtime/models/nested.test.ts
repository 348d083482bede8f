import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonCodec } from '../../../../runtime/channels/codecs/index.js';
import { model, ValidationError } from '../../../../runtime/models/index.js';

const json = (value: unknown) => jsonCodec.encode(value).toString('latin1');

interface Account {
  id: number;
  name: number;
  active?: boolean;
}
interface User {
  id: number;
  username: number;
  account: Account;
}

// tests/functional/test_models.py test_json: Account(id=1, name=2) inside User(1, 2, account).
const Account = model<Account>(
  'Account',
  {
    type: 'object',
    properties: { id: { type: 'integer' }, name: { type: 'integer' }, active: { type: 'boolean' } },
    required: ['id', 'name'],
    additionalProperties: false,
  },
  { namespace: 't.Account' },
);
const User = model<User>(
  'User',
  {
    type: 'object',
    properties: { id: { type: 'integer' }, username: { type: 'integer' }, account: { $ref: 'Account' } },
    required: ['id', 'username', 'account'],
    additionalProperties: false,
  },
  { namespace: 't.User', schemas: { Account } },
);

interface Money {
  amount: number;
  currency: string;
}
interface Order {
  id: string;
  lines: Array<{ sku: string; price: Money }>;
  refund?: Money | null;
  byWarehouse?: Record<string, Money>;
}
const Money = model<Money>(
  'Money',
  {
    type: 'object',
    properties: { amount: { type: 'number' }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
    required: ['amount', 'currency'],
    additionalProperties: false,
  },
  { namespace: 'shop.Money' },
);
const Line = model<Order['lines'][number]>(
  'Line',
  {
    type: 'object',
    properties: { sku: { type: 'string' }, price: { $ref: 'Money' } },
    required: ['sku', 'price'],
    additionalProperties: false,
  },
  { namespace: 'shop.Line', schemas: { Money } },
);
const Order = model<Order>(
  'Order',
  {
    type: 'object',
    properties: {
      id: { type: 'string' },
      lines: { type: 'array', items: { $ref: 'Line' } },
      refund: { anyOf: [{ $ref: 'Money' }, { type: 'null' }] },
      byWarehouse: { type: 'object', additionalProperties: { $ref: 'Money#' } },
    },
    required: ['id', 'lines'],
    additionalProperties: false,
  },
  { namespace: 'shop.Order', schemas: { Line, Money } },
);

describe('models referring to models ($ref)', () => {
  it('writes nested records with their own metadata, as Faust does', () => {
    assert.equal(
      json(User.toRepresentation({ id: 1, username: 2, account: { id: 1, name: 2, active: true } })),
      '{"id":1,"username":2,"account":{"id":1,"name":2,"active":true,"__faust":{"ns":"t.Account"}},"__faust":{"ns":"t.User"}}',
    );
  });

  it('reads the nested record JSON Faust writes, with closed schemas at every level', () => {
    const data = JSON.parse(
      '{"id":1,"username":2,"account":{"id":1,"name":2,"active":true,"__faust":{"ns":"t.Account"}},"__faust":{"ns":"t.User"}}',
    );
    assert.deepEqual(User.fromRepresentation(data), {
      id: 1,
      username: 2,
      account: { id: 1, name: 2, active: true },
    });
  });

  it('tolerates another namespace on a nested record, as Faust does', () => {
    const data = { id: 1, username: 2, account: { id: 1, name: 2, __faust: { ns: 'x.y.z' } } };
    assert.deepEqual(User.fromRepresentation(data), { id: 1, username: 2, account: { id: 1, name: 2 } });
  });

  it('handles arrays, nullable fields and maps of nested records, through several levels', () => {
    const order: Order = {
      id: 'o1',
      lines: [{ sku: 'a', price: { amount: 1.5, currency: 'EUR' } }],
      refund: null,
      byWarehouse: { north: { currency: 'USD', amount: 2 } },
    };
    const written = json(Order.toRepresentation(order));
    assert.equal(
      written,
      '{"id":"o1","lines":[{"sku":"a","price":{"amount":1.5,"currency":"EUR","__faust":{"ns":"shop.Money"}},' +
        '"__faust":{"ns":"shop.Line"}}],"refund":null,' +
        '"byWarehouse":{"north":{"amount":2,"currency":"USD","__faust":{"ns":"shop.Money"}}},"__faust":{"ns":"shop.Order"}}',
    );
    assert.deepEqual(Order.fromRepresentation(JSON.parse(written)), order);
    const withRefund = { id: 'o2', lines: [], refund: { amount: 1, currency: 'EUR' } };
    assert.equal(
      json(Order.toRepresentation(withRefund)),
      '{"id":"o2","lines":[],"refund":{"amount":1,"currency":"EUR","__faust":{"ns":"shop.Money"}},"__faust":{"ns":"shop.Order"}}',
    );
  });

  it('points at the failing field inside nested records', () => {
    const data = { id: 'o1', lines: [{ sku: 'a', price: { amount: 'x', currency: 'euro' } }] };
    assert.throws(
      () => Order.fromRepresentation(data),
      (error) => {
        assert.ok(error instanceof ValidationError);
        assert.equal(
          error.reason,
          'schema: /lines/0/price/amount must be number; /lines/0/price/currency must match pattern "^[A-Z]{3}$"',
        );
        return true;
      },
    );
  });

  it('finds a nested model by its schema $id as well as by its key', () => {
    const Address = model<{ street: string }>(
      'Address',
      {
        $id: 'https://example.com/address.json',
        type: 'object',
        properties: { street: { type: 'string' } },
        required: ['street'],
      },
      { namespace: 't.Address' },
    );
    const Home = model<{ home: { street: string } }>(
      'Home',
      {
        type: 'object',
        properties: { home: { $ref: 'https://example.com/address.json' } },
        required: ['home'],
      },
      { namespace: 't.Home', schemas: { Address } },
    );
    assert.equal(
      json(Home.toRepresentation({ home: { street: 'x' } })),
      '{"home":{"street":"x","__faust":{"ns":"t.Address"}},"__faust":{"ns":"t.Home"}}',
    );
    assert.equal(Home.isValid({ home: {} }), false);
  });

  it('refers to plain schemas too (no metadata for them)', () => {
    const Tagged = model<{ tag: { label: string } }>(
      'Tagged',
      {
        type: 'object',
        properties: { tag: { $ref: 'https://example.com/tag.json' } },
        required: ['tag'],
      },
      {
        namespace: 't.Tagged',
        schemas: {
          'https://example.com/tag.json': {
            type: 'object',
            properties: { label: { type: 'string' } },
            required: ['label'],
          },
        },
      },
    );
    assert.equal(
      json(Tagged.toRepresentation({ tag: { label: 'x' } })),
      '{"tag":{"label":"x"},"__faust":{"ns":"t.Tagged"}}',
    );
    assert.equal(Tagged.isValid({ tag: {} }), false);
  });

  it('fails at declaration when a $ref is not provided', () => {
    assert.throws(
      () =>
        model(
          'Orphan',
          { type: 'object', properties: { a: { $ref: 'Missing' } } },
          { namespace: 't.Orphan' },
        ),
      {
        name: 'TypeError',
        message:
          "model 'Orphan': invalid schema: can't resolve reference Missing from id #; " +
          'pass the referenced schema or model in options.schemas under that reference',
      },
    );
  });
});
