/**
 * A broker stopped for about 20 s and started again, with two workers mid-stream (issue 17, part
 * 3): both workers ride it out (every consumer of theirs, the changelog reader included, rejoins
 * by itself) and nothing is lost. Workers are table-counter child processes; the broker is the
 * test broker, stopped and started with scripts/kafka/broker.sh (the test skips when this checkout
 * did not start it), and it is left running for the tests after this one.
 *
 * BROKER_OUTAGE_MS (20,000) sets how long the broker is down.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Admin, Kafka } from 'kafkajs';
import {
  assertStoresMatchChangelog,
  brokerControlUnavailable,
  brokerUrl,
  connectAdmin,
  createKafka,
  exactCount,
  highWatermarks,
  isKafkaUrl,
  offsetTotal,
  produceCountEvents,
  readTopic,
  replayChangelog,
  requireBroker,
  startTableCounter,
  stopBrokerFor,
  uniqueName,
  untilCommitted,
  untilFullyCommitted,
  type WorkerProcess,
} from '../support/index.js';

const skip = isKafkaUrl(brokerUrl())
  ? await brokerControlUnavailable()
  : 'the broker outage test needs a real Kafka broker';
const EVENTS = 20_000;
const KEYS = 1_000;
const PARTITIONS = 4;
const OUTAGE_MS = Number(process.env.BROKER_OUTAGE_MS ?? 20_000);

/** A worker's error lines (why it stopped), then the end of its output. */
const story = (worker: WorkerProcess): string =>
  `${worker.output
    .split('\n')
    .filter((line) => /"level":"(error|fatal)"/.test(line))
    .slice(-10)
    .join('\n')}\n...\n${worker.output.slice(-2000)}`;

describe('a broker outage with two workers on the real broker', { skip, timeout: 420_000 }, () => {
  let admin: Admin | undefined;
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

  it(`${OUTAGE_MS / 1000} s without a broker: both workers alive at the end, every event counted`, async () => {
    const appId = uniqueName('broker-outage');
    const input = `${appId}-input`;
    await admin!.createTopics({
      topics: [{ topic: input, numPartitions: PARTITIONS, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    const datadirs = [0, 1].map(() => {
      const dir = mkdtempSync(join(tmpdir(), 'faustgen-outage-it-'));
      dirs.push(dir);
      return dir;
    });
    // Slow enough that both workers are mid-stream when the broker goes.
    for (const datadir of datadirs) {
      workers.push(
        startTableCounter({ appId, input, partitions: PARTITIONS, datadir, env: { SLOW_MS: '1' } }),
      );
    }
    await Promise.all(workers.map((worker) => worker.waitFor(/TABLES READY/, 60_000)));
    await produceCountEvents(kafka, input, { to: EVENTS / 2, keys: KEYS });
    await untilCommitted(
      admin!,
      appId,
      input,
      (o) => offsetTotal(o) >= EVENTS / 8,
      'an eighth committed',
      120_000,
    );

    // The admin's connections die with the broker; a new one afterwards.
    await admin!.disconnect();
    admin = undefined;
    const outage = await stopBrokerFor(OUTAGE_MS);
    admin = await connectAdmin(brokerUrl(), { timeoutMs: 30_000 });
    for (const [index, worker] of workers.entries()) {
      assert.equal(
        worker.child.exitCode,
        null,
        `worker ${index} exited during the outage:\n${story(worker)}`,
      );
    }

    await produceCountEvents(kafka, input, { from: EVENTS / 2, to: EVENTS, keys: KEYS });
    const logs = () => workers.map((w, i) => `--- worker ${i}:\n${story(w)}`).join('\n');
    const exited = () => workers.map((w, i) => w.ended() && `worker ${i} ${w.ended()}`).find(Boolean);
    await untilFullyCommitted(admin, appId, input, 240_000, logs, exited);
    for (const [index, worker] of workers.entries()) {
      assert.equal(worker.child.exitCode, null, `worker ${index} exited:\n${story(worker)}`);
    }
    for (const worker of workers) worker.kill('SIGTERM');
    for (const worker of workers) assert.equal((await worker.exited(20_000)).code, 0);

    const changelog = `${appId}-counts-changelog`;
    const records = await readTopic(kafka, admin, changelog);
    const replayed = replayChangelog(records);
    const all = new Map([...replayed.values()].flatMap((state) => [...state]));
    assert.equal(all.size, KEYS, 'every key is in the changelog');
    for (const [key, value] of all) {
      const exact = exactCount(key, EVENTS, KEYS);
      assert.ok(Number(value) >= exact, `${key}: ${value} < exact ${exact}`);
    }
    await assertStoresMatchChangelog({
      table: 'counts',
      datadirs,
      partitions: PARTITIONS,
      replayed,
      changelogEnds: await highWatermarks(admin, changelog),
    });
    const rejoins = workers.map((w) => (w.output.match(/rejoining in/g) ?? []).length);
    console.log(
      `# broker down ${outage.readyAt - outage.stoppedAt} ms (stop to ready); ` +
        `faustgen rejoins per worker ${JSON.stringify(rejoins)}; ${records.length} changelog records`,
    );
  });
});
