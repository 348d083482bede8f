/**
 * A payments worker as a new user writes it from the README: a raw-keyed topic of Payment records
 * (the default key serializer), a table of totals per account (keys JSON in the changelog, as Faust
 * writes tables), and GET /accounts/:account/total served by the worker that holds the account.
 * GET /progress tells how many events this process has handled.
 * Env: APP_ID, PAYMENTS_TOPIC, WEB_PORT, DATA_DIR, COMMIT_INTERVAL (seconds, default 20).
 */
import { App, model } from '../../../runtime/index.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

interface PaymentT {
  account: string;
  amount: number;
}

const Payment = model<PaymentT>('Payment', {
  type: 'object',
  properties: { account: { type: 'string' }, amount: { type: 'integer' } },
  required: ['account', 'amount'],
});

const port = Number(env('WEB_PORT'));
const app = new App(env('APP_ID'), {
  topicPartitions: 4,
  datadir: env('DATA_DIR'),
  // Rare commits: a rebalance always finds work done since the last one.
  brokerCommitInterval: Number(process.env.COMMIT_INTERVAL ?? 20),
  brokerCommitEvery: 1_000_000,
  brokerSessionTimeout: 6,
  brokerHeartbeatInterval: 1,
  brokerRebalanceTimeout: 10,
  shutdownTimeout: 5,
  webBind: '127.0.0.1',
  webHost: '127.0.0.1',
  webPort: port,
});

const payments = app.topic(env('PAYMENTS_TOPIC'), { keyType: 'string', valueType: Payment });
const totals = app.table('totals', { keyType: 'string', valueType: 'number', default: () => 0 });
let processed = 0;

app.agent(payments, { name: 'sum' }, async (stream) => {
  for await (const [, payment] of stream.items()) {
    totals.set(payment.account, totals.get(payment.account) + payment.amount);
    processed++;
  }
});

app.page(
  '/accounts/:account/total',
  app.tableRoute(totals, { matchInfo: 'account' }, (request) => ({
    total: totals.get(request.params.account as string),
    servedBy: process.pid,
  })),
);
app.page('/progress', () => ({ processed, pid: process.pid }));

process.exitCode = await app.main();
process.exit();
