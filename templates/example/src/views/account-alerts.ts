import { HttpProblem } from 'faustgen';
import { defineRoute } from '../generated/helpers.js';

/** Merchants that raised alerts for an account (`/alerts?account=...`). */
export default defineRoute('account-alerts', (request, ctx) => {
  const { account } = request.query;
  if (account === undefined) throw new HttpProblem(400, 'give the account: /alerts?account=<id>');
  return { account, merchants: [...ctx.tables.flaggedMerchants.get(account)].sort() };
});
