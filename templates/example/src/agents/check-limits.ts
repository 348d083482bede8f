import { defineAgent } from '../generated/helpers.js';

/**
 * Warns of payments above their account's daily limit. Reads the join payments-with-accounts:
 * each payment with the account it is keyed by (undefined until track-accounts has seen it).
 */
export default defineAgent('check-limits', async (stream, ctx) => {
  for await (const { left: payment, right: account } of stream) {
    if (account?.dailyLimit === undefined || payment.amount <= account.dailyLimit) continue;
    ctx.logger.warn('payment above the daily limit', {
      id: payment.id,
      account: payment.account,
      amount: payment.amount,
      dailyLimit: account.dailyLimit,
    });
  }
});
