/**
 * npm run bench -- passthrough
 * One worker, 4 partitions, 1,000,000 JSON records of ~100 bytes: consume -> JSON decode -> keep
 * values with n % 10 != 0 -> produce to another topic with acks -1. faustgen's time runs to the
 * commit of the last event. For each client, in the same run on the same broker, faustgen
 * (at_least_once) against the best raw loop of that client, each in its own process:
 * - kafkajs: an eachBatch loop (JSON.parse, same filter, sendBatch with acks -1, commit after the
 *   produce resolves), stock and with faustgen's produce-grouping fix; the faster one is the best.
 * - librdkafka: consume(n), non-blocking produce with delivery reports (baselines/passthrough-librdkafka.ts).
 * A RESULT line per client (`RESULT passthrough ...` for kafkajs, `RESULT passthrough-librdkafka ...`)
 * gives faustgen's events/s, the best raw loop's and their ratio. On kafkajs faustgen also runs
 * exactly_once. BENCH_CLIENTS=kafkajs (or librdkafka) runs one client only.
 */
import type { Admin } from 'kafkajs';
import { App } from '../runtime/index.js';
import { loadKafkaJavascript } from '../runtime/transport/librdkafka/native.js';
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

const COUNT = Number(process.env.BENCH_COUNT ?? 1_000_000);
const PARTITIONS = 4;
const PAD = 'x'.repeat(70);

interface Value {
  n: number;
  pad: string;
}

const makeRecord = (i: number) => ({ key: `key-${i % 10_000}`, value: JSON.stringify({ n: i, pad: PAD }) });

type Guarantee = 'at_least_once' | 'exactly_once';

/**
 * Events per second from the first event to the commit of the last one (with exactly_once the
 * output is visible only once its transaction commits).
 */
type BrokerClient = 'kafkajs' | 'librdkafka';

const CLIENTS = (process.env.BENCH_CLIENTS ?? 'kafkajs,librdkafka').split(',').map((c) => c.trim());

function librdkafkaInstalled(): boolean {
  try {
    loadKafkaJavascript();
    return true;
  } catch (error) {
    console.log(
      `librdkafka variants skipped: ${error instanceof Error ? error.message.split('. ')[0] : error}`,
    );
    return false;
  }
}

async function faustgen(
  admin: Admin,
  input: string,
  output: string,
  guarantee: Guarantee,
  brokerClient: BrokerClient = 'kafkajs',
): Promise<number> {
  const appId = uniqueName('passthrough');
  const app = new App(appId, {
    broker: brokerUrl(),
    brokerClient,
    logLevel: 'warn' as const,
    processingGuarantee: guarantee,
  });
  const source = app.topic(input, { valueType: 'json' });
  const sink = app.topic(output, { valueType: 'json' });
  let seen = 0;
  let started = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  app.agent(source, { name: 'passthrough' }, async (stream) => {
    for await (const [key, value] of stream.items()) {
      if (started === 0) started = performance.now();
      const v = value as unknown as Value;
      if (v.n % 10 !== 0) await sink.send({ key, value });
      if (++seen >= COUNT) finish();
    }
  });
  await app.start();
  await done;
  await untilCommitted(admin, appId, input, COUNT);
  const seconds = (performance.now() - started) / 1000;
  await app.stop();
  return COUNT / seconds;
}

async function main(): Promise<void> {
  const admin = (await kafka()).admin();
  await admin.connect();
  const input = uniqueName('bench-pt-in');
  const outBase = uniqueName('bench-pt-out-baseline');
  const outPatched = uniqueName('bench-pt-out-baseline-patched');
  const outFaust = uniqueName('bench-pt-out-faustgen');
  const outEos = uniqueName('bench-pt-out-faustgen-eos');
  await createTopics(admin, [input, outBase, outPatched, outFaust, outEos], PARTITIONS);
  const sample = makeRecord(123_456);
  console.log(
    `setup: broker ${brokerUrl()}, ${COUNT} records, ${PARTITIONS} partitions, value ${Buffer.byteLength(sample.value)} bytes ` +
      `(key ${Buffer.byteLength(sample.key)} bytes), produce acks -1, filter keeps n % 10 != 0 (90%)`,
  );
  const fillSeconds = await fillTopic(input, COUNT, makeRecord);
  console.log(`filled ${input} in ${fillSeconds.toFixed(1)} s`);
  const results: string[] = [];
  if (CLIENTS.includes('kafkajs')) {
    const args = [input, outBase, String(COUNT), String(PARTITIONS)];
    const stock = await runBaseline('passthrough-kafkajs', args, 'events_per_s');
    console.log(`kafkajs raw loop (stock kafkajs 2.2.4 eachBatch, own process): ${stock} events/s`);
    const patchedArgs = [input, outPatched, String(COUNT), String(PARTITIONS), '--patched'];
    const patched = await runBaseline('passthrough-kafkajs', patchedArgs, 'events_per_s');
    console.log(`kafkajs raw loop with faustgen's produce-grouping fix: ${patched} events/s`);
    const best = Math.max(stock, patched);
    const ours = await faustgen(admin, input, outFaust, 'at_least_once');
    console.log(
      `kafkajs: faustgen (one worker, one agent, at_least_once) ${Math.round(ours)} events/s, ` +
        `best raw loop ${Math.round(best)} events/s, ratio ${ratio(ours, best)}`,
    );
    const eos = await faustgen(admin, input, outEos, 'exactly_once');
    console.log(
      `kafkajs: faustgen exactly_once (a transaction per input partition, brokerCommitInterval 2.8 s): ${Math.round(eos)} events/s`,
    );
    results.push(
      `RESULT passthrough client=kafkajs events_per_s=${Math.round(ours)} best_raw_events_per_s=${Math.round(best)} ratio=${ratio(ours, best)} stock_kafkajs_events_per_s=${Math.round(stock)}`,
      `RESULT passthrough-exactly-once events_per_s=${Math.round(eos)} at_least_once_events_per_s=${Math.round(ours)} ratio=${ratio(eos, ours)} ratio_to_best_raw=${ratio(eos, best)}`,
    );
  }
  if (CLIENTS.includes('librdkafka') && librdkafkaInstalled()) {
    const outRdBase = uniqueName('bench-pt-out-baseline-rd');
    const outRdFaust = uniqueName('bench-pt-out-faustgen-rd');
    await createTopics(admin, [outRdBase, outRdFaust], PARTITIONS);
    const best = await runBaseline(
      'passthrough-librdkafka',
      [input, outRdBase, String(COUNT)],
      'events_per_s',
    );
    console.log(
      `librdkafka raw loop (consume(n), non-blocking produce with delivery reports, own process): ${best} events/s`,
    );
    const ours = await faustgen(admin, input, outRdFaust, 'at_least_once', 'librdkafka');
    console.log(
      `librdkafka: faustgen (one worker, one agent, at_least_once) ${Math.round(ours)} events/s, ` +
        `best raw loop ${Math.round(best)} events/s, ratio ${ratio(ours, best)}`,
    );
    results.push(
      `RESULT passthrough-librdkafka client=librdkafka events_per_s=${Math.round(ours)} best_raw_events_per_s=${Math.round(best)} ratio=${ratio(ours, best)}`,
    );
    await deleteTopics(admin, [outRdBase, outRdFaust]);
  }
  await deleteTopics(admin, [input, outBase, outPatched, outFaust, outEos]);
  await admin.disconnect();
  for (const line of results) console.log(line);
}

await main();
process.exit(0);
