import { defineTask } from '../generated/helpers.js';

/** Logs how many accounts the worker holds once tables are recovered. */
export default defineTask('log-table-sizes', (ctx) => {
  ctx.logger.info('account totals recovered', { accounts: ctx.tables.accountTotals.size });
});
