import { defineRoute } from '../generated/helpers.js';

/** The running total of an account, from the worker that holds it. */
export default defineRoute('account-total', (request, ctx) => {
  const { account } = request.params;
  return {
    account,
    total: ctx.tables.accountTotals.get(account),
    payments: ctx.tables.paymentCounts.get(account),
  };
});
