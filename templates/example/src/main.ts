import { app } from './generated/index.js';

// `faustgen demo` sets PAYMENTS_DEMO=1: sample payments flow in (src/demo.ts).
if (process.env.PAYMENTS_DEMO === '1') await import('./demo.js');

// worker | send | agents | topics | models | tables | reset | clean-versions (`faustgen <command>` runs them).
process.exitCode = await app.main();
