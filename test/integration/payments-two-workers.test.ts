/**
 * Correct results on two workers, tried as a new user would: a payments app with the default
 * serializers (raw topic keys, JSON changelog keys), two worker processes on the real broker, and
 * every account's total read over HTTP on either worker compared with totals computed here.
 *
 * - Start-up: the topic already holds the data; the second worker joins while the first has
 *   processed events it has not committed yet (commits every 20 s). The rebalance must not make
 *   anyone process them again: the totals are exact.
 * - Routing: a table route finds the worker that holds the account (the partition of the raw
 *   event key, not of the JSON changelog key), so both workers answer every account correctly.
 * - SIGTERM handover: one worker stops gracefully mid-stream; the survivor, which rebalances while
 *   it holds uncommitted work of its own, ends with exact totals. A restarted worker joins again.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import { javaPartition } from '../../runtime/channels/partitioner.js';
import {
  brokerUrl,
  connectAdmin,
  createKafka,
  freePort,
  getJson,
  isKafkaUrl,
  requireBroker,
  uniqueName,
  until,
  WorkerProcess,
} from '../support/index.js';

const WORKER = new URL('./apps/payments-worker.js', import.meta.url);
const skip = isKafkaUrl(brokerUrl()) ? undefined : 'the two-worker payments test needs a real Kafka broker';
const PARTITIONS = 4;
const ACCOUNTS = Array.from({ length: 400 }, (_, i) => `acc-${i}`);
const BATCH = 24_000;

describe('payments on two workers: exact totals over HTTP', { skip, timeout: 600_000 }, () => {
  let admin: Admin;
  const appId = uniqueName('payments');
  const topic = `${appId}-payments`;
  const reference = new Map<string, number>();
  const workers: (WorkerProcess | undefined)[] = [undefined, undefined];
  const ports: number[] = [];
  const dirs: string[] = [];
  let produced = 0;
  const url = (index: number): string => `http://127.0.0.1:${ports[index]}`;

  function start(index: number): WorkerProcess {
    const worker = new WorkerProcess(WORKER, ['worker'], {
      APP_ID: appId,
      PAYMENTS_TOPIC: topic,
      WEB_PORT: String(ports[index]),
      DATA_DIR: dirs[index]!,
      FAUSTGEN_BROKER: brokerUrl(),
    });
    workers[index] = worker;
    return worker;
  }

  /** `count` payments: account i % 400 in turn, amount 1-9; the reference is updated here. */
  async function produce(count: number): Promise<void> {
    const producer = createKafka().producer();
    await producer.connect();
    const messages = Array.from({ length: count }, (_, n) => {
      const i = produced + n;
      const account = ACCOUNTS[(i * 7) % ACCOUNTS.length]!;
      const amount = (i % 9) + 1;
      reference.set(account, (reference.get(account) ?? 0) + amount);
      const key = Buffer.from(account);
      // As faustgen (and the Java client) partition: murmur2 of the raw key bytes.
      return { key, value: JSON.stringify({ account, amount }), partition: javaPartition(key, PARTITIONS) };
    });
    for (let i = 0; i < messages.length; i += 4_000) {
      await producer.send({ topic, messages: messages.slice(i, i + 4_000), acks: -1 });
    }
    await producer.disconnect();
    produced += count;
  }

  async function committedTotal(): Promise<number> {
    const answer = await admin.fetchOffsets({ groupId: appId, topics: [topic] });
    return answer[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  }

  async function processed(index: number): Promise<number> {
    return Number((await getJson(`${url(index)}/progress`)).body.processed);
  }

  async function ready(index: number): Promise<void> {
    await until(
      `worker ${index} ready`,
      async () => (await getJson(`${url(index)}/health/ready`)).status === 200,
      120_000,
    );
  }

  async function bothInGroup(): Promise<void> {
    await until(
      'both workers in the group',
      async () => {
        const router = (await getJson(`${url(0)}/router`)).body as { workers?: unknown[] };
        return router.workers?.length === 2;
      },
      120_000,
    );
  }

  /** Every account's total as `index` answers it (forwarded to the owner when needed). */
  async function totalsOver(index: number): Promise<{ wrong: string[]; servedBy: Set<number> }> {
    const wrong: string[] = [];
    const servedBy = new Set<number>();
    for (const account of ACCOUNTS) {
      let answer = await getJson(`${url(index)}/accounts/${account}/total`);
      // A rebalance may still settle on the other worker: 503 says so; ask again.
      for (let tries = 0; answer.status === 503 && tries < 50; tries++) {
        await new Promise((r) => setTimeout(r, 200));
        answer = await getJson(`${url(index)}/accounts/${account}/total`);
      }
      servedBy.add(Number(answer.body.servedBy));
      const want = reference.get(account) ?? 0;
      if (answer.status !== 200 || answer.body.total !== want) {
        wrong.push(`${account}: ${answer.status} ${JSON.stringify(answer.body)} (want ${want})`);
      }
    }
    return { wrong, servedBy };
  }

  async function assertExactOn(indexes: number[], what: string): Promise<void> {
    for (const index of indexes) {
      const { wrong, servedBy } = await totalsOver(index);
      assert.deepEqual(
        wrong.slice(0, 10),
        [],
        `${what}: ${wrong.length} of ${ACCOUNTS.length} accounts wrong on worker ${index}`,
      );
      if (indexes.length === 2) assert.equal(servedBy.size, 2, `${what}: answers come from both workers`);
    }
  }

  before(async () => {
    await requireBroker();
    admin = await connectAdmin();
    await admin.createTopics({
      topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    for (let i = 0; i < 2; i++) {
      ports.push(await freePort());
      dirs.push(mkdtempSync(join(tmpdir(), `${appId}-w${i}-`)));
    }
  });

  after(async () => {
    for (const worker of workers) await worker?.ensureStopped();
    await admin?.disconnect();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('start-up with the data already in the topic: a worker joining mid-stream double-counts nothing', async () => {
    await produce(BATCH);
    start(0);
    await until(
      'worker 0 has processed uncommitted events',
      async () => (await processed(0)) >= 2_000,
      120_000,
    );
    assert.equal(await committedTotal(), 0, 'nothing committed yet: the join finds uncommitted work');
    start(1);
    await ready(1);
    await bothInGroup();
    await until('every event committed', async () => (await committedTotal()) === produced, 120_000);
    await assertExactOn([0, 1], 'after the start-up rebalance');
  });

  it('a table route answers every account correctly on either worker', async () => {
    await produce(BATCH / 4);
    await until('every event committed', async () => (await committedTotal()) === produced, 120_000);
    await assertExactOn([0, 1], 'routing');
  });

  it('SIGTERM handover mid-stream, then a restart: exact totals on the survivor and on both', async () => {
    const before = (await processed(0)) + (await processed(1));
    await produce(BATCH);
    await until(
      'both workers busy with the new events',
      async () => (await processed(0)) + (await processed(1)) >= before + 2_000,
      120_000,
    );
    workers[1]!.kill('SIGTERM');
    const exit = await workers[1]!.exited(30_000);
    assert.equal(exit.code, 0, `worker 1 exits cleanly:\n${workers[1]!.output.slice(-2000)}`);
    await until(
      'every event committed by the survivor',
      async () => (await committedTotal()) === produced,
      120_000,
    );
    await assertExactOn([0], 'after the SIGTERM handover');
    start(1);
    await ready(1);
    await bothInGroup();
    await produce(BATCH / 4);
    await until('every event committed', async () => (await committedTotal()) === produced, 120_000);
    await assertExactOn([0, 1], 'after the restart');
  });
});
