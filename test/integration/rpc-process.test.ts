/**
 * Agent RPC between processes on the real broker: a caller process (the app started as a client)
 * asks an agent that a worker process runs. The app is test/integration/apps/rpc-app.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import {
  brokerUrl,
  connectAdmin,
  isKafkaUrl,
  requireBroker,
  uniqueName,
  WorkerProcess,
} from '../support/index.js';

const APP = new URL('./apps/rpc-app.js', import.meta.url);
const skip = isKafkaUrl(brokerUrl()) ? false : 'process tests need a real Kafka broker';

interface CallResult {
  pid: number;
  replyTo: string;
  one?: { n: number; pid: number };
  joined?: { n: number; pid: number }[];
  failedAfterMs?: number;
  error?: { name: string; message: string; agent?: string; correlationId?: string };
}

function resultOf(process: WorkerProcess): CallResult {
  const line = process.output.split('\n').find((l) => l.startsWith('RESULT '));
  assert.ok(line, `the caller printed no RESULT line:\n${process.output.slice(-4000)}`);
  return JSON.parse(line.slice('RESULT '.length)) as CallResult;
}

describe('agent RPC between processes on the real broker', { skip, timeout: 240_000 }, () => {
  let admin: Admin;
  const processes: WorkerProcess[] = [];
  const replyTopics: string[] = [];

  before(async () => {
    await requireBroker();
    admin = await connectAdmin();
  });

  after(async () => {
    for (const p of processes) await p.ensureStopped();
    if (replyTopics.length > 0) await admin?.deleteTopics({ topics: replyTopics }).catch(() => undefined);
    await admin?.disconnect();
  });

  function run(command: string, env: Record<string, string>): WorkerProcess {
    const child = new WorkerProcess(APP, [command], { FAUSTGEN_BROKER: brokerUrl(), ...env });
    processes.push(child);
    return child;
  }

  it('ask() and join() of 1,000 values round-trip from a caller process to a worker process', async () => {
    const appId = uniqueName('rpc-proc');
    const worker = run('worker', { APP_ID: appId });
    await worker.waitFor(/ready/);
    const caller = run('call', { APP_ID: appId, COUNT: '1000', ASK_TIMEOUT: '60' });
    const exit = await caller.exited(120_000);
    const result = resultOf(caller);
    replyTopics.push(result.replyTo);
    assert.equal(exit.code, 0, `the caller failed: ${JSON.stringify(result.error)}`);
    assert.match(result.replyTo, /^f-reply-[0-9a-f-]{36}$/);
    assert.notEqual(result.pid, worker.pid, 'caller and worker are different processes');
    assert.deepEqual(result.one, { n: 42, pid: worker.pid });
    assert.equal(result.joined?.length, 1000);
    result.joined?.forEach((reply, i) => {
      assert.deepEqual(reply, { n: 2 * i, pid: worker.pid }, `reply #${i} is out of order or wrong`);
    });
    worker.kill('SIGTERM');
    assert.equal((await worker.exited(10_000)).code, 0);
  });

  it('ask() of an agent that no worker runs fails fast with a timeout naming the agent and the request', async () => {
    const appId = uniqueName('rpc-nobody');
    const caller = run('call', { APP_ID: appId, COUNT: '0', ASK_TIMEOUT: '1.5' });
    const exit = await caller.exited(60_000);
    const result = resultOf(caller);
    replyTopics.push(result.replyTo);
    assert.equal(exit.code, 1);
    assert.equal(result.error?.name, 'AskTimeoutError');
    assert.equal(result.error?.agent, 'double');
    assert.match(result.error?.correlationId ?? '', /^[0-9a-f-]{36}$/);
    assert.match(
      result.error?.message ?? '',
      new RegExp(`^agent double: no reply to request ${result.error?.correlationId} within 1\\.5 s`),
    );
    console.log(`# the ask failed ${result.failedAfterMs} ms after it was made`);
    assert.ok(
      (result.failedAfterMs ?? 0) >= 1400 && (result.failedAfterMs ?? 0) < 10_000,
      `failed after ${result.failedAfterMs} ms with a 1.5 s timeout`,
    );
  });
});
