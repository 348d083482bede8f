import { defineTimer } from '../generated/helpers.js';

/** Logs payment counts every 30 seconds. */
export default defineTimer('publish-stats', (ctx) => {
  let payments = 0;
  for (const [, count] of ctx.tables.paymentCounts) payments += count;
  ctx.logger.info('payment stats', { accounts: ctx.tables.paymentCounts.size, payments });
});
