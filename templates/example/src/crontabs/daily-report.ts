import { defineCrontab } from '../generated/helpers.js';

const DAY_SECONDS = 24 * 60 * 60;

/** Sends each account's running total at 06:00 Oslo time. */
export default defineCrontab('daily-report', async (ctx) => {
  const windowEnd = Math.floor(Date.now() / 1000);
  for (const [account, spent] of ctx.tables.accountTotals) {
    await ctx.topics.dailyReports.send({
      key: account,
      value: { account, windowStart: windowEnd - DAY_SECONDS, windowEnd, spent },
    });
  }
});
