import { defineRoute } from '../generated/helpers.js';

const HOUR_SECONDS = 60 * 60;

/** What an account spent in the hour window that ends now. */
export default defineRoute('account-spending', (request, ctx) => {
  const { account } = request.params;
  const windowEnd = Date.now() / 1000;
  return {
    account,
    windowStart: windowEnd - HOUR_SECONDS,
    windowEnd,
    spent: ctx.tables.hourlySpend.get(account).now(),
  };
});
