/**
 * Process-level at-least-once on the real broker: SIGKILL mid-stream, SIGTERM, and two workers
 * sharing a group. The worker is test/integration/apps/relay-worker.ts run as a child process.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Consumer } from 'kafkajs';
import {
  brokerUrl,
  createKafka,
  isKafkaUrl,
  uniqueName,
  type WorkerProcess,
  workerFixture,
} from '../support/index.js';
import { eventually as until } from '../support/memory-app.js';

const WORKER = new URL('./apps/relay-worker.js', import.meta.url);
const skip = isKafkaUrl(brokerUrl()) ? false : 'process-kill tests need a real Kafka broker';

interface Collected {
  ids: Map<number, number>;
  pids: Map<number, Set<number>>;
  consumer: Consumer;
}

async function collect(topic: string): Promise<Collected> {
  const consumer = createKafka().consumer({ groupId: uniqueName('collector'), sessionTimeout: 6000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const ids = new Map<number, number>();
  const pids = new Map<number, Set<number>>();
  await consumer.run({
    eachMessage: async ({ message }) => {
      const { id, pid } = JSON.parse(message.value!.toString()) as { id: number; pid: number };
      ids.set(id, (ids.get(id) ?? 0) + 1);
      const set = pids.get(pid) ?? new Set<number>();
      pids.set(pid, set);
      set.add(id);
    },
  });
  return { ids, pids, consumer };
}

async function produceIds(topic: string, count: number): Promise<void> {
  const producer = createKafka().producer();
  await producer.connect();
  const batch = 1000;
  for (let start = 0; start < count; start += batch) {
    const messages = [];
    for (let id = start; id < Math.min(count, start + batch); id++) {
      messages.push({ key: `k${id}`, value: JSON.stringify({ id }) });
    }
    await producer.send({ topic, messages, acks: -1 });
  }
  await producer.disconnect();
}

describe('worker processes on the real broker', { skip, timeout: 240_000 }, () => {
  const fixture = workerFixture();

  function start(
    appId: string,
    input: string,
    output: string,
    extra: Record<string, string> = {},
  ): WorkerProcess {
    return fixture.spawn(WORKER, ['worker'], {
      APP_ID: appId,
      IN_TOPIC: input,
      OUT_TOPIC: output,
      PARTITIONS: '4',
      FAUSTGEN_BROKER: brokerUrl(),
      ...extra,
    });
  }

  async function topics(): Promise<{ appId: string; input: string; output: string }> {
    const appId = uniqueName('relay');
    const input = `${appId}-in`;
    const output = `${appId}-out`;
    await fixture.admin.createTopics({
      topics: [input, output].map((topic) => ({ topic, numPartitions: 4, replicationFactor: 1 })),
      waitForLeaders: true,
    });
    return { appId, input, output };
  }

  it('SIGKILL mid-stream and restart: every id is processed at least once', async () => {
    const { appId, input, output } = await topics();
    const total = 20_000;
    const collected = await collect(output);
    fixture.onCleanup(() => collected.consumer.disconnect());
    // Slow enough (1 ms per event) that the kill lands mid-stream, with uncommitted work in flight.
    const first = start(appId, input, output, { SLOW_MS: '1' });
    await first.waitFor(/ready/);
    await produceIds(input, total);
    await until('a quarter of the ids', () => collected.ids.size >= total / 4, 60_000);
    first.kill('SIGKILL');
    const killed = await first.exited(10_000);
    assert.equal(killed.signal, 'SIGKILL');
    const seenAtKill = collected.ids.size;
    assert.ok(
      seenAtKill < total,
      `the first worker finished everything (${seenAtKill}) before it was killed`,
    );
    const second = start(appId, input, output);
    await second.waitFor(/ready/);
    await until(
      'every id',
      () => collected.ids.size === total,
      90_000,
      () => `(have ${collected.ids.size})`,
    );
    const duplicates = [...collected.ids.values()].filter((n) => n > 1).length;
    console.log(
      `# killed after ${seenAtKill}/${total} ids; ${duplicates} ids processed twice (at-least-once)`,
    );
    for (let id = 0; id < total; id++) assert.ok(collected.ids.has(id), `id ${id} was lost`);
    second.kill('SIGTERM');
    assert.equal((await second.exited(10_000)).code, 0);
  });

  it('SIGTERM: the worker leaves the group and exits 0 within 5 s', async () => {
    const { appId, input, output } = await topics();
    const worker = start(appId, input, output);
    await worker.waitFor(/ready/);
    await produceIds(input, 1000);
    const collected = await collect(output);
    fixture.onCleanup(() => collected.consumer.disconnect());
    await until('all 1000 ids', () => collected.ids.size === 1000, 60_000);
    const groupBefore = await fixture.admin.describeGroups([appId]);
    assert.equal(groupBefore.groups[0]?.members.length, 1, 'the worker is a member of its group');
    worker.kill('SIGTERM');
    const { code, ms } = await worker.exited(10_000);
    console.log(`# SIGTERM -> exit ${code} in ${ms} ms`);
    assert.equal(code, 0);
    assert.ok(ms < 5000, `exited after ${ms} ms`);
    const groupAfter = await fixture.admin.describeGroups([appId]);
    assert.equal(groupAfter.groups[0]?.members.length, 0, 'the group has no members after the worker left');
    const committed = await fixture.admin.fetchOffsets({ groupId: appId, topics: [input] });
    const sum = committed[0]!.partitions.reduce((n, p) => n + Number(p.offset), 0);
    assert.equal(sum, 1000, 'every processed offset was committed at shutdown');
  });

  it('two workers split the partitions; when one stops, the other takes over and nothing is lost', async () => {
    const { appId, input, output } = await topics();
    const collected = await collect(output);
    fixture.onCleanup(() => collected.consumer.disconnect());
    const a = start(appId, input, output, { SLOW_MS: '1' });
    const b = start(appId, input, output, { SLOW_MS: '1' });
    await Promise.all([a.waitFor(/ready/), b.waitFor(/ready/)]);
    let members = 0;
    const poll = setInterval(async () => {
      members = (await fixture.admin.describeGroups([appId])).groups[0]?.members.length ?? 0;
    }, 200);
    await until('both workers in the group', () => members === 2, 30_000).finally(() => clearInterval(poll));
    const total = 6000;
    await produceIds(input, total);
    await until(
      'both workers processing',
      () => collected.pids.size >= 2 || collected.ids.size >= total / 2,
      60_000,
    );
    a.kill('SIGTERM');
    assert.equal((await a.exited(10_000)).code, 0);
    await until(
      'every id',
      () => collected.ids.size === total,
      90_000,
      () => `(have ${collected.ids.size})`,
    );
    const perWorker = [...collected.pids.entries()].map(([pid, ids]) => `${pid}: ${ids.size}`);
    console.log(`# ids per worker: ${perWorker.join(', ')}`);
    assert.equal(collected.pids.size, 2, 'both workers processed events');
    assert.ok(collected.pids.get(b.pid!)!.size > 0);
    for (let id = 0; id < total; id++) assert.ok(collected.ids.has(id), `id ${id} was lost`);
    b.kill('SIGTERM');
    assert.equal((await b.exited(10_000)).code, 0);
  });
});
