/**
 * npm run bench -- table-count
 * One worker, 4 partitions, 1,000,000 JSON records of ~100 bytes over 10,000 distinct keys: consume
 * -> JSON decode -> count per key in an LMDB table (one changelog record per event, acks -1). The
 * time runs from the first event to the commit of the last one (at_least_once, then exactly_once).
 * Baseline in the same run on the same broker and input: the raw kafkajs loop of the passthrough
 * benchmark (eachBatch, JSON.parse, filter, sendBatch with acks -1, commit), in its own process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { App } from '../runtime/index.js';
import {
  brokerUrl,
  createTopics,
  deleteTopics,
  fillTopic,
  kafka,
  ratio,
  runBaseline,
  uniqueName,
  untilCommitted,
} from './support.js';
import { runTableCount } from './table-count-run.js';

const COUNT = Number(process.env.BENCH_COUNT ?? 1_000_000);
const PARTITIONS = 4;
const KEYS = 10_000;
const PAD = 'x'.repeat(70);

const makeRecord = (i: number) => ({ key: `key-${i % KEYS}`, value: JSON.stringify({ n: i, pad: PAD }) });

async function main(): Promise<void> {
  const admin = (await kafka()).admin();
  await admin.connect();
  const input = uniqueName('bench-tc-in');
  const outBase = uniqueName('bench-tc-out-baseline');
  await createTopics(admin, [input, outBase], PARTITIONS);
  const sample = makeRecord(123_456);
  console.log(
    `setup: broker ${brokerUrl()}, ${COUNT} records, ${PARTITIONS} partitions, ${KEYS} distinct keys, ` +
      `value ${Buffer.byteLength(sample.value)} bytes; faustgen counts per key in an LMDB table ` +
      '(one changelog record per event, acks -1)',
  );
  const fillSeconds = await fillTopic(input, COUNT, makeRecord);
  console.log(`filled ${input} in ${fillSeconds.toFixed(1)} s`);
  const base = await runBaseline(
    'passthrough-kafkajs',
    [input, outBase, String(COUNT), String(PARTITIONS)],
    'events_per_s',
  );
  console.log(`baseline (raw kafkajs 2.2.4 passthrough loop, own process): ${base} events/s`);
  const ours = await runTableCount(admin, input, {
    count: COUNT,
    partitions: PARTITIONS,
    guarantee: 'at_least_once',
  });
  console.log(
    `faustgen (one worker, one agent, LMDB table): ${Math.round(ours.eventsPerSecond)} events/s; ` +
      `${ours.keys} keys counting ${ours.total} events`,
  );
  const eos = await runTableCount(admin, input, {
    count: COUNT,
    partitions: PARTITIONS,
    guarantee: 'exactly_once',
  });
  console.log(
    `faustgen exactly_once (a transaction per input partition): ${Math.round(eos.eventsPerSecond)} events/s; ` +
      `${eos.keys} keys counting ${eos.total} events`,
  );
  for (const run of [ours, eos]) {
    if (run.keys !== KEYS || run.total < COUNT) {
      throw new Error(`the table is wrong: ${run.keys} keys, ${run.total} counted (want ${KEYS}, ${COUNT})`);
    }
  }
  await deleteTopics(admin, [input, outBase]);
  await admin.disconnect();
  console.log(
    `RESULT table-count events_per_s=${Math.round(ours.eventsPerSecond)} baseline_events_per_s=${Math.round(base)} ratio=${ratio(ours.eventsPerSecond, base)}`,
  );
  console.log(
    `RESULT table-count-exactly-once events_per_s=${Math.round(eos.eventsPerSecond)} at_least_once_events_per_s=${Math.round(ours.eventsPerSecond)} ratio=${ratio(eos.eventsPerSecond, ours.eventsPerSecond)}`,
  );
}

await main();
process.exit(0);
