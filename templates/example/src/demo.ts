/**
 * Sample traffic for the demo (`PAYMENTS_DEMO=1`, as `faustgen demo` runs the worker): the accounts
 * once at start, then a payment every second, now and then a large one that gets flagged.
 */
import { accountsTopic, app, type Payment, paymentsTopic } from './generated/index.js';

const ACCOUNTS = [
  { id: 'acct-1', owner: 'Ada', currency: 'EUR', dailyLimit: 500 },
  { id: 'acct-2', owner: 'Grace', currency: 'EUR', dailyLimit: 2_000 },
  { id: 'acct-3', owner: 'Linus', currency: 'EUR' },
];
const MERCHANTS: Payment['merchant'][] = [
  { id: 'm-1', name: 'Corner Shop', category: 'groceries' },
  { id: 'm-2', name: 'Night Train', category: 'travel' },
  { id: 'm-3', name: 'Gadget World', category: 'electronics' },
];

let sequence = 0;

function samplePayment(): Payment {
  sequence += 1;
  const account = ACCOUNTS[sequence % ACCOUNTS.length] as (typeof ACCOUNTS)[number];
  const merchant = MERCHANTS[sequence % MERCHANTS.length] as Payment['merchant'];
  const large = sequence % 7 === 0;
  return {
    id: `demo-${process.pid}-${sequence}`,
    account: account.id,
    amount: Math.round((large ? 400 + Math.random() * 600 : 5 + Math.random() * 60) * 100) / 100,
    currency: account.currency,
    timestamp: Date.now() / 1000,
    merchant,
  };
}

app.task({ name: 'demo-accounts', onLeader: true }, async () => {
  for (const account of ACCOUNTS) await accountsTopic.send({ key: account.id, value: account });
});

app.timer(1, { name: 'demo-payments', onLeader: true }, async () => {
  const payment = samplePayment();
  await paymentsTopic.send({ key: payment.account, value: payment });
});
