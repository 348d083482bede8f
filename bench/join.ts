/**
 * npm run bench -- join
 * One worker, 4 partitions, 1,000,000 JSON records of ~100 bytes over 10,000 distinct keys (as
 * table-count). The stream-table join: a left join of each event with a table of 10,000 customers
 * (loaded from their own topic before the timed part), each enriched event sent to an output topic
 * (acks -1). In the same run on the same input: table-count (an LMDB table counting per key, one
 * changelog record per event). Both at_least_once; each timed from its first event to the commit
 * of its last one; the ratio is join / table-count.
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
  uniqueName,
  untilCommitted,
} from './support.js';
import { runTableCount } from './table-count-run.js';

const COUNT = Number(process.env.BENCH_COUNT ?? 1_000_000);
const PARTITIONS = 4;
const KEYS = 10_000;
const PAD = 'x'.repeat(70);

const makeRecord = (i: number) => ({ key: `key-${i % KEYS}`, value: JSON.stringify({ n: i, pad: PAD }) });
const makeCustomer = (i: number) => ({
  key: `key-${i}`,
  value: JSON.stringify({ name: `customer ${i}`, tier: i % 3 }),
});

interface Run {
  eventsPerSecond: number;
  /** What the run checks itself by: enriched events with a customer, or the counts' total. */
  checked: number;
}

function worker(appId: string, datadir: string): App {
  return new App(appId, {
    broker: brokerUrl(),
    logLevel: 'warn' as const,
    datadir,
    webEnabled: false,
    topicPartitions: PARTITIONS,
  });
}

/** Runs an app until `COUNT` events are processed and committed; the time from the first event. */
async function timed(
  admin: Admin,
  app: App,
  input: string,
  progress: { seen: number; started: number },
): Promise<number> {
  await app.start();
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (progress.seen >= COUNT) {
        clearInterval(poll);
        resolve();
      }
    }, 5);
  });
  await untilCommitted(admin, app.appId, input, COUNT);
  return COUNT / ((performance.now() - progress.started) / 1000);
}

/** The customers table, filled by a worker of the join's app before the join runs (untimed). */
async function loadCustomers(appId: string, datadir: string, customersTopic: string): Promise<void> {
  const app = worker(appId, datadir);
  const source = app.topic(customersTopic, { keyType: 'string', valueType: 'json' });
  const customers = app.table('customers', { keyType: 'string', valueType: 'json' });
  let loaded = 0;
  app.agent(source, { name: 'load' }, async (stream) => {
    for await (const [key, value] of stream.items()) {
      customers.set(key, value);
      loaded++;
    }
  });
  await app.start();
  while (loaded < KEYS) await new Promise((resolve) => setTimeout(resolve, 5));
  await app.stop();
}

async function streamTableJoin(
  admin: Admin,
  input: string,
  customersTopic: string,
  output: string,
): Promise<Run> {
  const datadir = mkdtempSync(join(tmpdir(), 'faustgen-bench-join-'));
  const appId = uniqueName('join');
  await loadCustomers(appId, datadir, customersTopic);
  const app = worker(appId, datadir);
  const source = app.topic(input, { keyType: 'string', valueType: 'json' });
  const sink = app.topic(output, { keyType: 'string', valueType: 'json' });
  const customers = app.table('customers', { keyType: 'string', valueType: 'json' });
  const enrich = app.streamTableJoin(source, customers, { kind: 'left' });
  const progress = { seen: 0, started: 0 };
  let matched = 0;
  app.agent(source, { name: 'enrich' }, async (stream) => {
    for await (const [key, { left, right }] of enrich.join(stream).items()) {
      if (progress.started === 0) progress.started = performance.now();
      if (right !== undefined) matched++;
      await sink.send({ key, value: { event: left, customer: right } as never });
      progress.seen++;
    }
  });
  const eventsPerSecond = await timed(admin, app, input, progress);
  await app.stop();
  rmSync(datadir, { recursive: true, force: true });
  return { eventsPerSecond, checked: matched };
}

async function main(): Promise<void> {
  const admin = (await kafka()).admin();
  await admin.connect();
  const input = uniqueName('bench-join-in');
  const customers = uniqueName('bench-join-customers');
  const output = uniqueName('bench-join-out');
  await createTopics(admin, [input, customers, output], PARTITIONS);
  console.log(
    `setup: broker ${brokerUrl()}, ${COUNT} records, ${PARTITIONS} partitions, ${KEYS} distinct keys, value ` +
      `${Buffer.byteLength(makeRecord(123_456).value)} bytes; join: left stream-table join with a table of ${KEYS} ` +
      'customers (LMDB), each enriched event sent to an output topic (acks -1); table-count: count per key in an ' +
      'LMDB table (one changelog record per event); one worker each, at_least_once, first event to last commit',
  );
  const fillSeconds = await fillTopic(input, COUNT, makeRecord);
  await fillTopic(customers, KEYS, makeCustomer);
  console.log(`filled ${input} in ${fillSeconds.toFixed(1)} s`);
  const joined = await streamTableJoin(admin, input, customers, output);
  console.log(
    `faustgen stream-table join: ${Math.round(joined.eventsPerSecond)} events/s; ${joined.checked} enriched with a customer`,
  );
  const counted = await runTableCount(admin, input, {
    count: COUNT,
    partitions: PARTITIONS,
    guarantee: 'at_least_once',
  });
  console.log(
    `faustgen table-count: ${Math.round(counted.eventsPerSecond)} events/s; counts total ${counted.total}`,
  );
  if (joined.checked !== COUNT)
    throw new Error(`the join is wrong: ${joined.checked} of ${COUNT} events found their customer`);
  if (counted.total !== COUNT) throw new Error(`the table is wrong: it counted ${counted.total} of ${COUNT}`);
  await deleteTopics(admin, [input, customers, output]);
  await admin.disconnect();
  console.log(
    `RESULT join events_per_s=${Math.round(joined.eventsPerSecond)} table_count_events_per_s=${Math.round(counted.eventsPerSecond)} ratio=${ratio(joined.eventsPerSecond, counted.eventsPerSecond)}`,
  );
}

await main();
process.exit(0);
