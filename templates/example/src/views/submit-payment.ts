import { defineRoute } from '../generated/helpers.js';

/** Accepts a payment over HTTP (validated against the Payment model) and sends it to the payments topic. */
export default defineRoute('submit-payment', async (request, ctx) => {
  const payment = request.body;
  await ctx.topics.payments.send({ key: payment.account, value: payment });
  request.reply.code(202);
  return { accepted: payment.id };
});
