import { defineAgent } from '../generated/helpers.js';

/** A payment's score: its share of the account's daily limit (or of 10,000 when it has none). */
export function scoreOf(amount: number, dailyLimit: number | undefined): number {
  return Math.min(1, amount / (dailyLimit ?? 10_000));
}

export const FLAG_SCORE = 0.8;

/** Scores each payment, updates the account's totals and raises alerts. */
export default defineAgent('score-payments', async function* (stream, ctx) {
  const { accountTotals, paymentCounts, hourlySpend, accountsById } = ctx.tables;
  for await (const [account, payment] of stream.items()) {
    accountTotals.set(account, accountTotals.get(account) + payment.amount);
    paymentCounts.set(account, paymentCounts.get(account) + 1);
    hourlySpend.update(account, (spent) => spent + payment.amount);
    const score = scoreOf(payment.amount, accountsById.get(account)?.dailyLimit);
    const flagged = score >= FLAG_SCORE;
    if (flagged) {
      const reason = `amount ${payment.amount} ${payment.currency} is ${Math.round(score * 100)}% of the limit`;
      await ctx.topics.fraudAlerts.send({ key: account, value: { payment, reason } });
    }
    yield { payment, score, flagged };
  }
});
