import { defineAgent } from '../generated/helpers.js';

/** Logs flagged payments. */
export default defineAgent('audit-log', async (stream, ctx) => {
  for await (const scored of stream) {
    if (!scored.flagged) continue;
    const { payment } = scored;
    ctx.logger.warn('flagged payment', {
      id: payment.id,
      account: payment.account,
      amount: payment.amount,
      merchant: payment.merchant.name,
      score: scored.score,
    });
  }
});
