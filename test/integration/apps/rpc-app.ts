/**
 * An app for process-level agent RPC tests, run as `worker` (runs the agent `double`, which
 * answers {n} with {n: 2n, pid}) or as `call` (starts as a client, asks `double` once, then joins
 * COUNT values; prints `RESULT {json}` and exits 0, or `RESULT {"error": ...}` and exits 1).
 * Env: APP_ID, ASK_TIMEOUT (seconds, default 30), COUNT (default 1000).
 */
import { App, AskTimeoutError } from '../../../runtime/index.js';

const appId = process.env.APP_ID;
if (!appId) throw new Error('APP_ID is not set');
const askTimeout = Number(process.env.ASK_TIMEOUT ?? 30);
const count = Number(process.env.COUNT ?? 1000);

interface Doubled {
  n: number;
  pid: number;
}

const app = new App(appId, {
  topicPartitions: 4,
  brokerCommitInterval: 0.5,
  brokerSessionTimeout: 6,
  brokerHeartbeatInterval: 1,
  brokerRebalanceTimeout: 10,
  shutdownTimeout: 3,
  webEnabled: false,
});

const double = app.agent<Buffer, { n: number }, Doubled>(
  undefined,
  { name: 'double' },
  async function* (stream) {
    for await (const { n } of stream) yield { n: n * 2, pid: process.pid };
  },
);

app.command('call', { description: 'ask the agent double once, then join COUNT values' }, async (app) => {
  await app.startClient();
  const replyTo = app.rpc.replyTo;
  const started = performance.now();
  try {
    const one = await double.ask({ n: 21 }, { timeout: askTimeout });
    const joined = await double.join(
      Array.from({ length: count }, (_, n) => ({ n })),
      { timeout: askTimeout },
    );
    console.log(`RESULT ${JSON.stringify({ pid: process.pid, replyTo, one, joined })}`);
    return 0;
  } catch (error) {
    const e = error as Error;
    const timeout = e instanceof AskTimeoutError ? { agent: e.agent, correlationId: e.correlationId } : {};
    const failedAfterMs = Math.round(performance.now() - started);
    console.log(
      `RESULT ${JSON.stringify({ pid: process.pid, replyTo, failedAfterMs, error: { name: e.name, message: e.message, ...timeout } })}`,
    );
    return 1;
  } finally {
    await app.stop();
  }
});

process.exitCode = await app.main();
process.exit();
