/**
 * Static group membership (KIP-345) with whole workers on librdkafka, on the real broker: a worker
 * with `consumerGroupInstanceId` stopped and started again within the session timeout rejoins
 * without a rebalance (it is handed its old partitions in the same generation; the other worker
 * sees no new assignment), and goes on processing. The second case is the control: the same
 * restart without instance ids rebalances, as the first case would see if static membership did
 * not apply. Workers are table-counter child processes, which print `ASSIGNED <generation>
 * <partitions>` at each assignment. The file picks librdkafka itself (kafkajs has no static
 * membership), so it runs in the kafkajs pass only.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Admin, Kafka } from 'kafkajs';
import {
  brokerUrl,
  connectAdmin,
  createKafka,
  isKafkaUrl,
  produceCountEvents,
  requireBroker,
  startTableCounter,
  uniqueName,
  untilFullyCommitted,
  type WorkerProcess,
} from '../support/index.js';
import { librdkafkaOrSkip } from '../support/librdkafka.js';

const PARTITIONS = 4;
/** Well above a worker's stop and start, so a static member is back before the group gives up on it. */
const SESSION_TIMEOUT_S = 45;

const TITLE = 'static membership of whole workers on librdkafka';
const skip = isKafkaUrl(brokerUrl()) ? undefined : 'static membership needs a real Kafka broker';

interface Assigned {
  generation: number;
  partitions: number[];
}

/** The worker's `ASSIGNED` lines so far, in order. */
function assignments(worker: WorkerProcess): Assigned[] {
  return [...worker.output.matchAll(/^ASSIGNED (-?\d+) ([\d,]*)$/gm)].map((match) => ({
    generation: Number(match[1]),
    partitions: match[2] ? match[2].split(',').map(Number) : [],
  }));
}

const latest = (worker: WorkerProcess): Assigned | undefined => assignments(worker).at(-1);

async function until(what: string, ready: () => boolean, story: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${story()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

if (skip || librdkafkaOrSkip(TITLE))
  describe(TITLE, { skip, timeout: 420_000 }, () => {
    let admin: Admin;
    let kafka: Kafka;
    const workers: WorkerProcess[] = [];
    const dirs: string[] = [];

    before(async () => {
      await requireBroker();
      admin = await connectAdmin();
      kafka = createKafka();
    });

    after(async () => {
      for (const worker of workers) await worker.ensureStopped();
      await admin?.disconnect();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    /** Two workers split the partitions, b restarts; what a and the restarted b were assigned. */
    async function restartOne(appId: string, instanceIds: { a?: string; b?: string }) {
      const input = `${appId}-input`;
      await admin.createTopics({
        topics: [{ topic: input, numPartitions: PARTITIONS, replicationFactor: 1 }],
        waitForLeaders: true,
      });
      const start = (datadir: string, instanceId: string | undefined) => {
        const worker = startTableCounter({
          appId,
          input,
          partitions: PARTITIONS,
          datadir,
          env: {
            FAUSTGEN_BROKER_CLIENT: 'librdkafka',
            FAUSTGEN_BROKER_SESSION_TIMEOUT: String(SESSION_TIMEOUT_S),
            ...(instanceId ? { FAUSTGEN_CONSUMER_GROUP_INSTANCE_ID: instanceId } : {}),
          },
        });
        workers.push(worker);
        return worker;
      };
      const [dirA, dirB] = [0, 1].map(() => {
        const dir = mkdtempSync(join(tmpdir(), 'faustgen-static-it-'));
        dirs.push(dir);
        return dir;
      }) as [string, string];
      const a = start(dirA, instanceIds.a);
      await a.waitFor(/TABLES READY/, 60_000);
      const b = start(dirB, instanceIds.b);
      const story =
        (...shown: WorkerProcess[]) =>
        () =>
          shown
            .map((w, i) => `--- worker ${i}: ${JSON.stringify(assignments(w))}\n${w.output.slice(-2000)}`)
            .join('\n');
      await until(
        'a split of 2 and 2',
        () =>
          latest(a)?.generation === latest(b)?.generation &&
          latest(a)?.partitions.length === 2 &&
          latest(b)?.partitions.length === 2,
        story(a, b),
      );
      const before = { a: latest(a)!, b: latest(b)!, assignmentsOfA: assignments(a).length };

      b.kill('SIGTERM');
      assert.equal((await b.exited(20_000)).code, 0, `b stopped cleanly:\n${b.output.slice(-2000)}`);
      const restarted = start(dirB, instanceIds.b);
      await until(
        'the restarted b to be assigned',
        () => latest(restarted) !== undefined,
        story(a, restarted),
      );
      await restarted.waitFor(/TABLES READY/, 60_000);
      return { a, restarted, input, before, story: story(a, restarted) };
    }

    it('a worker with an instance id restarted within the session timeout: no rebalance, it goes on', async () => {
      const appId = uniqueName('static-member');
      const { a, restarted, input, before, story } = await restartOne(appId, {
        a: `${appId}-a`,
        b: `${appId}-b`,
      });
      assert.deepEqual(
        latest(restarted),
        before.b,
        'the restarted worker has its partitions, in the same generation',
      );
      assert.equal(assignments(a).length, before.assignmentsOfA, 'the other worker saw no rebalance');

      // Both go on processing; still no rebalance once everything is committed.
      await produceCountEvents(kafka, input, { to: 2_000, keys: 100 });
      await untilFullyCommitted(admin, appId, input, 120_000, story);
      assert.deepEqual(latest(a), before.a, 'the other worker kept its partitions and generation');
      assert.equal(assignments(a).length, before.assignmentsOfA, 'the other worker saw no rebalance');
      assert.equal(assignments(restarted).length, 1, 'the restarted worker was assigned once');
    });

    it('the control: without instance ids the same restart rebalances', async () => {
      const appId = uniqueName('dynamic-member');
      const { a, restarted, before, story } = await restartOne(appId, {});
      // The restarted worker can be ready before the other one has handled the same rebalance.
      await until(
        "the other worker's assignment in the restarted worker's generation",
        () => latest(a)?.generation === latest(restarted)?.generation,
        story,
      );
      assert.ok(
        latest(restarted)!.generation > before.b.generation,
        `the restarted worker joined a new generation (${JSON.stringify(latest(restarted))} after ${JSON.stringify(before.b)})`,
      );
      assert.ok(assignments(a).length > before.assignmentsOfA, 'the other worker was assigned again');
    });
  });
