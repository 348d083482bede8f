/**
 * npm run bench -- web
 * Table lookups over HTTP with autocannon against two worker processes of one app (a counting
 * table over a 4-partition topic, test/integration/apps/web-counter.ts): keys the worker owns
 * (served locally) and keys the other worker owns (forwarded). Baseline in the same run: a bare
 * Fastify route returning a constant JSON (bench/baselines/web-fastify.ts), also in its own process.
 * Env: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 50).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { javaPartition } from '../runtime/channels/partitioner.js';
import { brokerUrl, createTopics, deleteTopics, kafka, uniqueName } from './support.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PARTITIONS = 4;
const KEYS = 1000;
const WORKER = fileURLToPath(new URL('../test/integration/apps/web-counter.js', import.meta.url));
const BASELINE = fileURLToPath(new URL('./baselines/web-fastify.js', import.meta.url));

interface AutocannonResult {
  requests: { average: number };
  latency: { p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  '2xx': number;
}
interface AutocannonRequest {
  method?: string;
  path?: string;
  setupRequest?: (request: { path?: string }) => { path?: string };
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  requests?: AutocannonRequest[];
}) => Promise<AutocannonResult>;
// autocannon is CommonJS without types of its own.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const word = (i: number) => `key-${i}`;
const keyBytes = (i: number) => Buffer.from(JSON.stringify(word(i)));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('bench web: no free port');
  return address.port;
}

async function until(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!(await condition().catch(() => false))) {
    if (Date.now() - started > timeoutMs) throw new Error(`bench web: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function json(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url);
  return (await response.json()) as Record<string, unknown>;
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function load(label: string, url: string, paths: string[]): Promise<AutocannonResult> {
  let next = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      { method: 'GET', setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] }) },
    ],
  });
  const failed = result.non2xx + result.errors + result.timeouts;
  console.log(
    `${label}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms, ` +
      `${result['2xx']} ok, ${failed} failed`,
  );
  if (failed > 0) throw new Error(`bench web: ${label}: ${failed} requests failed`);
  return result;
}

async function main(): Promise<void> {
  const appId = uniqueName('benchweb');
  const topic = `${appId}-words`;
  const client = await kafka();
  const admin = client.admin();
  await admin.connect();
  await createTopics(admin, [topic], PARTITIONS);
  const dirs = [0, 1].map((i) => mkdtempSync(join(tmpdir(), `${appId}-w${i}-`)));
  const ports = [await freePort(), await freePort()];
  const urls = ports.map((port) => `http://127.0.0.1:${port}`);
  const children: ChildProcess[] = [];
  try {
    for (const [i, port] of ports.entries()) {
      const child = spawn(process.execPath, [WORKER, 'worker'], {
        env: {
          ...process.env,
          APP_ID: appId,
          WORDS_TOPIC: topic,
          WEB_PORT: String(port),
          DATA_DIR: dirs[i]!,
          PARTITIONS: String(PARTITIONS),
          FAUSTGEN_BROKER: brokerUrl(),
          FAUSTGEN_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
    }
    for (const url of urls) {
      await until(`${url} ready`, async () => (await fetch(`${url}/health/ready`)).status === 200, 120_000);
    }
    await until(
      'two workers in the group',
      async () => ((await json(`${urls[0]}/router`)).workers as unknown[]).length === 2,
      60_000,
    );
    const producer = client.producer();
    await producer.connect();
    const messages = Array.from({ length: KEYS }, (_, i) => ({
      key: keyBytes(i),
      value: JSON.stringify({ i }),
      partition: javaPartition(keyBytes(i), PARTITIONS),
    }));
    await producer.send({ topic, messages, acks: -1 });
    await producer.disconnect();
    await until(
      'every key counted',
      async () => {
        for (const i of [0, KEYS / 2, KEYS - 1]) {
          const answer = await json(`${urls[0]}/count/${word(i)}`);
          if (answer.count !== 1) return false;
        }
        return true;
      },
      60_000,
    );
    // Which keys worker 0 owns: the table's partition owners from /router.
    const router = (await json(`${urls[0]}/router`)) as {
      tables: Record<string, { partitions: Record<string, string | null> }>;
    };
    const owners = router.tables.counts!.partitions;
    const local: string[] = [];
    const remote: string[] = [];
    for (let i = 0; i < KEYS; i++) {
      const owner = owners[String(javaPartition(keyBytes(i), PARTITIONS))];
      (owner === urls[0] ? local : remote).push(`/count/${word(i)}`);
    }
    if (local.length === 0 || remote.length === 0) {
      throw new Error(
        `bench web: worker 0 owns ${local.length} of ${KEYS} keys: no mix of local and forwarded`,
      );
    }
    console.log(`web: ${local.length} keys on worker 0, ${remote.length} on worker 1; ${SECONDS} s per run`);
    const localRun = await load('local lookups', urls[0]!, local);
    const forwardedRun = await load('forwarded lookups', urls[0]!, remote);

    const baseline = spawn(process.execPath, [BASELINE], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(baseline);
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      baseline.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /port=(\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      baseline.once('exit', (code) => reject(new Error(`bench web: the baseline exited (${code})`)));
    });
    const baselineRun = await load('baseline (bare Fastify, constant JSON)', `http://127.0.0.1:${port}`, [
      '/constant',
    ]);
    const base = baselineRun.requests.average;
    console.log(
      `web: local ${(localRun.requests.average / base).toFixed(2)} x baseline (target >= 0.5), ` +
        `forwarded ${(forwardedRun.requests.average / base).toFixed(2)} x baseline (target >= 0.2)`,
    );
    console.log(
      `RESULT web local_rps=${Math.round(localRun.requests.average)} ` +
        `forwarded_rps=${Math.round(forwardedRun.requests.average)} baseline_rps=${Math.round(base)} ` +
        `local_p99_ms=${localRun.latency.p99.toFixed(2)}`,
    );
  } finally {
    for (const child of children) await stop(child);
    await deleteTopics(admin, [topic]).catch(() => undefined);
    await admin.disconnect();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
