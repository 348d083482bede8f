import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  accountTotalsTable,
  app,
  type Payment,
  paymentCountsTable,
  paymentsTopic,
  scoredPaymentsTopic,
} from '../generated/index.js';

const payment = (id: string, amount: number): Payment => ({
  id,
  account: 'acct-1',
  amount,
  currency: 'EUR',
  timestamp: 1_700_000_000,
  merchant: { id: 'm-1', name: 'Corner Shop', category: 'groceries' },
});

test('score-payments keeps a running total per account and scores each payment', async () => {
  const ctx = await app.testContext({ settings: { logLevel: 'warn' } });
  try {
    await ctx.put(paymentsTopic, payment('p-1', 12.5), { key: 'acct-1' });
    await ctx.put(paymentsTopic, payment('p-2', 9_000), { key: 'acct-1' });
    assert.equal(accountTotalsTable.get('acct-1'), 9_012.5);
    assert.equal(paymentCountsTable.get('acct-1'), 2);
    const scored = ctx.sent(scoredPaymentsTopic).map((record) => record.value);
    assert.deepEqual(
      scored.map((s) => [s.payment.id, s.flagged]),
      [
        ['p-1', false],
        ['p-2', true],
      ],
    );
  } finally {
    await ctx.stop();
  }
});
