import { defineService } from '../generated/helpers.js';

/** Rates to EUR; a real deployment would fetch them from a rates provider in refresh(). */
export const rates = new Map<string, number>([
  ['EUR', 1],
  ['USD', 0.92],
  ['NOK', 0.085],
  ['GBP', 1.17],
]);

let refreshTimer: NodeJS.Timeout | undefined;

/** Keeps currency exchange rates fresh for scoring. */
export default defineService('exchange-rates', {
  start(ctx) {
    ctx.logger.info('exchange rates loaded', { currencies: rates.size });
    refreshTimer = setInterval(
      () => ctx.logger.info('exchange rates checked', { currencies: rates.size }),
      3_600_000,
    );
    refreshTimer.unref();
  },
  stop() {
    clearInterval(refreshTimer);
  },
});
