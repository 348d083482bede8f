/**
 * npm run bench -- recovery
 * Rebuilds a table from a 1,000,000-record changelog (4 partitions, 100,000 distinct keys, 16-byte
 * JSON values: 16,000,000 bytes of values) into an empty LMDB store. faustgen's time is its
 * recovery: from following the changelog partitions to every one reaching its high watermark with
 * its records committed to LMDB (the slowest partition's time). Baseline in the same run: a raw
 * kafkajs consumer reading the same topic end to end without storing (own process, stock kafkajs),
 * timed from its first batch. rss_mb is the worker process's peak resident memory during recovery.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '../runtime/index.js';
import { brokerUrl, deleteTopics, fillTopic, kafka, ratio, runBaseline, uniqueName } from './support.js';

const COUNT = Number(process.env.BENCH_COUNT ?? 1_000_000);
const PARTITIONS = 4;
const KEYS = 100_000;

/** A changelog record as faustgen writes it: JSON key and value. */
const makeRecord = (i: number) => ({
  key: JSON.stringify(`key-${i % KEYS}`),
  value: `{"n":${String(1_000_000_000 + i)}}`,
});

async function recover(
  appId: string,
  changelog: string,
  input: string,
): Promise<{ recordsPerSecond: number; rssMb: number; wallSeconds: number; records: number }> {
  const datadir = mkdtempSync(join(tmpdir(), 'faustgen-bench-recovery-'));
  const app = new App(appId, {
    broker: brokerUrl(),
    logLevel: 'warn' as const,
    datadir,
    webEnabled: false,
    topicPartitions: PARTITIONS,
  });
  app.table('rebuilt', { keyType: 'string', valueType: 'json', changelogTopic: changelog });
  const source = app.topic(input, { keyType: 'string', valueType: 'json' });
  app.agent(source, { name: 'idle' }, async (stream) => {
    for await (const _ of stream);
  });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  await app.start();
  await app.whenReady();
  const wallSeconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const stats = app.tables.recoveryStats();
  const records = stats.reduce((n, r) => n + r.records, 0);
  const seconds = Math.max(...stats.map((r) => r.seconds));
  await app.stop();
  rmSync(datadir, { recursive: true, force: true });
  return { recordsPerSecond: records / seconds, rssMb: peakRss / 1024 / 1024, wallSeconds, records };
}

async function main(): Promise<void> {
  const admin = (await kafka()).admin();
  await admin.connect();
  const appId = uniqueName('bench-recovery');
  const changelog = `${appId}-rebuilt-changelog`;
  const input = `${appId}-input`;
  await admin.createTopics({
    topics: [
      {
        topic: changelog,
        numPartitions: PARTITIONS,
        replicationFactor: 1,
        configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
      },
      { topic: input, numPartitions: PARTITIONS, replicationFactor: 1 },
    ],
    waitForLeaders: true,
  });
  const valueBytes = Array.from({ length: COUNT }, (_, i) => i).reduce(
    (n, i) => n + Buffer.byteLength(makeRecord(i).value),
    0,
  );
  console.log(
    `setup: broker ${brokerUrl()}, changelog of ${COUNT} records over ${PARTITIONS} partitions, ${KEYS} distinct keys, ` +
      `${valueBytes} bytes of values; faustgen rebuilds it into an empty LMDB store`,
  );
  const fillSeconds = await fillTopic(changelog, COUNT, makeRecord);
  console.log(`filled ${changelog} in ${fillSeconds.toFixed(1)} s`);
  const base = await runBaseline(
    'recovery-kafkajs',
    [changelog, String(COUNT), String(PARTITIONS)],
    'records_per_s',
  );
  console.log(
    `baseline (raw kafkajs 2.2.4 consumer, reads end to end, stores nothing; own process): ${base} records/s`,
  );
  const ours = await recover(appId, changelog, input);
  console.log(
    `faustgen: recovered ${ours.records} records at ${Math.round(ours.recordsPerSecond)} records/s ` +
      `(start to ready ${ours.wallSeconds.toFixed(1)} s incl. joining the group); peak RSS ${Math.round(ours.rssMb)} MB`,
  );
  if (ours.records !== COUNT) throw new Error(`recovered ${ours.records} records, not ${COUNT}`);
  await deleteTopics(admin, [changelog, input]);
  await admin.disconnect();
  console.log(
    `RESULT recovery records_per_s=${Math.round(ours.recordsPerSecond)} baseline_records_per_s=${Math.round(base)} ratio=${ratio(ours.recordsPerSecond, base)} rss_mb=${Math.round(ours.rssMb)}`,
  );
}

await main();
process.exit(0);
