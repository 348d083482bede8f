import { defineAgent } from '../generated/helpers.js';

/** Remembers which merchants raised alerts for each account. */
export default defineAgent('collect-alerts', async (stream, ctx) => {
  for await (const [account, alert] of stream.items()) {
    ctx.tables.flaggedMerchants.add(account, alert.payment.merchant.id);
  }
});
