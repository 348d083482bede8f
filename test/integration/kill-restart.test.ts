/**
 * SIGKILL of one of two workers mid-stream, then a restart, on the real broker: every partition
 * is processed to its end (issue 10, part 3: partitions once stalled for good after an
 * "Offset out of range" reset that committed the symbolic -2). Workers are child processes
 * (test/integration/apps/table-counter.ts) counting keyed events in an LMDB table.
 *
 * Knobs for exploring other shapes (defaults are the bounded run): KILL_RESTART_EVENTS (40,000),
 * KILL_RESTART_SLOW_MS (1 ms per event), KILL_RESTART_AT (kill once 1/AT of the events is committed,
 * 4), KILL_RESTART_DELAY_MS (wait before the restart, 0; 12,000 lets the survivor take all four).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Admin, Kafka } from 'kafkajs';
import {
  assertStoresMatchChangelog,
  brokerUrl,
  committedOffsets,
  connectAdmin,
  createKafka,
  exactCount,
  highWatermarks,
  produceCountEvents,
  isKafkaUrl,
  offsetTotal,
  readTopic,
  replayChangelog,
  requireBroker,
  startTableCounter,
  uniqueName,
  untilCommitted,
  untilFullyCommitted,
  type WorkerProcess,
} from '../support/index.js';

const skip = isKafkaUrl(brokerUrl()) ? false : 'kill-restart tests need a real Kafka broker';
const EVENTS = Number(process.env.KILL_RESTART_EVENTS ?? 40_000);
const KEYS = 2_000;
const PARTITIONS = 4;

const exact = (key: string): number => exactCount(key, EVENTS, KEYS);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SIGKILL and restart with two workers on the real broker', { skip, timeout: 420_000 }, () => {
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

  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'faustgen-kill-it-'));
    dirs.push(dir);
    return dir;
  }

  function start(appId: string, input: string, datadir: string, env: Record<string, string> = {}) {
    const worker = startTableCounter({ appId, input, partitions: PARTITIONS, datadir, env });
    workers.push(worker);
    return worker;
  }

  const produceEvents = (topic: string) => produceCountEvents(kafka, topic, { to: EVENTS, keys: KEYS });
  const committed = (groupId: string, topic: string) => committedOffsets(admin, groupId, topic);
  const highs = (topic: string) => highWatermarks(admin, topic);

  it('kill -9 of one worker mid-stream and a restart: every partition is processed to its end', async () => {
    const appId = uniqueName('kill-restart');
    const input = `${appId}-input`;
    const changelog = `${appId}-counts-changelog`;
    await admin.createTopics({
      topics: [{ topic: input, numPartitions: PARTITIONS, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    const [dirA, dirB] = [tempDir(), tempDir()];
    const slow = { SLOW_MS: process.env.KILL_RESTART_SLOW_MS ?? '1' };
    const a = start(appId, input, dirA, slow);
    const b = start(appId, input, dirB, slow);
    await Promise.all([a.waitFor(/TABLES READY/, 60_000), b.waitFor(/TABLES READY/, 60_000)]);
    await produceEvents(input);
    const ends = await highs(input);
    assert.equal(
      [...ends.values()].reduce((n, h) => n + h, 0),
      EVENTS,
    );

    // Kill a mid-stream: a quarter of the events committed, the rest in flight or not yet read.
    const total = offsetTotal;
    await untilCommitted(
      admin,
      appId,
      input,
      (o) => total(o) >= EVENTS / Number(process.env.KILL_RESTART_AT ?? 4),
      'a quarter committed',
      120_000,
    );
    a.kill('SIGKILL');
    assert.equal((await a.exited(10_000)).signal, 'SIGKILL');
    const atKill = await committed(appId, input);
    assert.ok(total(atKill) < EVENTS, `everything was committed (${total(atKill)}) before the kill`);

    // Optionally let the survivor take every partition over before the restart takes two back.
    await sleep(Number(process.env.KILL_RESTART_DELAY_MS ?? 0));
    const restarted = start(appId, input, dirA);
    await restarted.waitFor(/TABLES READY/, 60_000);
    const logs = () =>
      `--- restarted worker:\n${restarted.output.slice(-3000)}\n--- survivor:\n${b.output.slice(-3000)}`;
    const end = await untilFullyCommitted(admin, appId, input, 240_000, logs);
    for (const [p, offset] of end) assert.ok(offset >= 0, `partition ${p} committed ${offset}`);
    const resets = `${restarted.output}\n${b.output}`.split('\n').filter((l) => /out of range/i.test(l));
    assert.deepEqual(resets, [], 'no offset was out of range');

    restarted.kill('SIGTERM');
    b.kill('SIGTERM');
    assert.equal((await restarted.exited(15_000)).code, 0);
    assert.equal((await b.exited(15_000)).code, 0);

    // The changelog replays to values >= exact for every key.
    const records = await readTopic(kafka, admin, changelog);
    const all = new Map([...replayChangelog(records).values()].flatMap((state) => [...state]));
    assert.equal(all.size, KEYS, 'every key is in the changelog');
    for (const [key, value] of all) {
      assert.ok(Number(value) >= exact(key), `${key}: ${value} < exact ${exact(key)}`);
    }

    // Each partition's final owner holds what its changelog replays to.
    await assertStoresMatchChangelog({
      table: 'counts',
      datadirs: [dirA, dirB],
      partitions: PARTITIONS,
      replayed: replayChangelog(records),
      changelogEnds: await highs(changelog),
    });
    console.log(
      `# killed with committed ${JSON.stringify([...atKill])} of ${JSON.stringify([...ends])}; ` +
        `${records.length} changelog records`,
    );
  });
});
