/**
 * faustgen/testing: a broker-free test driver. `await app.testContext()` runs the app as a worker
 * on a private in-process broker (the real code paths: serdes, validation, dead letters,
 * commits); put records in, and once the app has processed them read what its agents yielded,
 * sent, committed and dead-lettered. `await agent.testContext()` focuses on one agent: `put()`
 * resolves with what it yielded. No test-runner API is used: node:test, or any other runner.
 */
export { AgentTestContext, openAgentTestContext, type TestContextOf } from './agent-context.js';
export { AppTestContext, openAppTestContext, type PutTarget, testSettings } from './app-context.js';
export type {
  CommittedOffset,
  DeadLetter,
  HeaderInput,
  PutBytesOptions,
  PutOptions,
  PutResult,
  SentRecord,
  TestContextOptions,
  YieldRecord,
} from './types.js';
