import { defineAgent } from '../generated/helpers.js';

/** Keeps accounts-by-id up to date. */
export default defineAgent('track-accounts', async (stream, ctx) => {
  for await (const [id, account] of stream.items()) {
    ctx.tables.accountsById.set(id, account);
  }
});
