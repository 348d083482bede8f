/**
 * How to unit-test an agent with the test driver: the model for a generated project's example
 * test. In a project the app, its models, topics and agents come from src/ and the driver's types
 * from 'faustgen/testing'; here they are declared inline. No Kafka broker is needed: the context
 * runs the app on a private in-process broker, whatever the app's `broker` setting says.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { App, model } from '../../../../runtime/index.js';
import type { TestContextOf } from '../../../../runtime/testing/index.js';

// ---- what src/ holds --------------------------------------------------------------------------

interface Order {
  id: string;
  customer: string;
  items: { sku: string; quantity: number; price: number }[];
}

const Order = model<Order>('shop.Order', {
  type: 'object',
  properties: {
    id: { type: 'string' },
    customer: { type: 'string' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          sku: { type: 'string' },
          quantity: { type: 'integer', minimum: 1 },
          price: { type: 'number', minimum: 0 },
        },
        required: ['sku', 'quantity', 'price'],
      },
    },
  },
  required: ['id', 'customer', 'items'],
});

/** Receipts are written as JSON (a type alias, so that it is a JSON value for the topic's types). */
type Receipt = {
  orderId: string;
  customer: string;
  total: number;
};

const app = new App('shop');
const orders = app.topic('orders', { keyType: 'string', valueType: Order });
const receipts = app.topic('receipts', { valueType: 'json' });

/** Totals each order; receipts go to the receipts topic through the sink. */
const checkout = app.agent(orders, { name: 'checkout', sink: [receipts] }, async function* (stream) {
  for await (const order of stream) {
    if (order.items.length === 0) throw new Error(`order ${order.id} has no items`);
    const total = order.items.reduce((sum, item) => sum + item.quantity * item.price, 0);
    const receipt: Receipt = { orderId: order.id, customer: order.customer, total };
    yield receipt;
  }
});

// ---- the test ---------------------------------------------------------------------------------

describe('checkout agent', () => {
  let ctx: TestContextOf<typeof checkout>;

  // A fresh context per test: the app starts on its own empty broker and is given back at stop().
  beforeEach(async () => {
    ctx = await checkout.testContext({ settings: { logLevel: 'error' } });
  });
  afterEach(async () => {
    await ctx.stop();
  });

  it('yields a receipt for an order and sends it to the receipts topic', async () => {
    const order: Order = { id: 'o-1', customer: 'ann', items: [{ sku: 'tea', quantity: 3, price: 2.5 }] };

    // put() resolves once the app has processed the order, with what the agent yielded for it.
    const results = await ctx.put(order, { key: 'ann' });

    assert.deepEqual(results, [{ orderId: 'o-1', customer: 'ann', total: 7.5 }]);
    assert.deepEqual(
      ctx.sent(receipts).map((record) => record.value),
      results,
    );
  });

  it('dead-letters an order it cannot total, and goes on with the next one', async () => {
    assert.deepEqual(await ctx.put({ id: 'o-2', customer: 'bob', items: [] }, { key: 'bob' }), []);
    const next = await ctx.put(
      { id: 'o-3', customer: 'bob', items: [{ sku: 'mug', quantity: 1, price: 9 }] },
      { key: 'bob' },
    );

    assert.deepEqual(next, [{ orderId: 'o-3', customer: 'bob', total: 9 }]);
    const [dead] = ctx.deadLetters();
    assert.equal(dead?.reason, 'order o-2 has no items');
    assert.equal(dead?.stage, 'handler');
    assert.equal(dead?.value?.id, 'o-2');
  });

  it('dead-letters a record that does not match the Order model', async () => {
    // putBytes() writes past the serializers, as another producer might.
    await ctx.putBytes(JSON.stringify({ id: 'o-4', customer: 'cy', items: [{ sku: 'tea' }] }), { key: 'cy' });

    const [dead] = ctx.deadLetters();
    assert.equal(dead?.stage, 'decode');
    assert.equal(dead?.errorType, 'ValidationError');
    assert.match(dead?.reason ?? '', /quantity/);
    assert.deepEqual(ctx.results, [], 'the agent never saw it');
  });

  it('commits what it processed', async () => {
    const order: Order = { id: 'o-5', customer: 'di', items: [{ sku: 'pen', quantity: 2, price: 1 }] };
    const first = await ctx.app.put(orders, order, { key: 'di' });
    await ctx.put({ ...order, id: 'o-6' }, { key: 'di' });

    const committed = ctx.committed().find((c) => c.partition === first.partition);
    assert.equal(committed?.offset, first.offset + 2, 'the next offset to read, after both orders');
  });
});
