/**
 * npm run bench -- passthrough
 * One worker, 4 partitions, 1,000,000 JSON records of ~100 bytes: consume -> JSON decode -> keep
 * values with n % 10 != 0 -> produce to another topic with acks -1. Baseline in the same run on
 * the same broker: a raw kafkajs loop doing the same work (eachBatch, JSON.parse, same filter,
 * sendBatch with acks -1, commit after the produce resolves). faustgen's time runs to the commit of
 * the last event; it runs at_least_once, then exactly_once.
 *
 * Where the optional librdkafka client is installed, faustgen (at_least_once) again on it
 * (brokerClient "librdkafka") against a raw librdkafka loop (baselines/passthrough-librdkafka.ts),
 * with a RESULT line of its own, `RESULT passthrough-librdkafka ...`. BENCH_CLIENTS=kafkajs (or
 * librdkafka) runs one client only.
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
    const base = await runBaseline('passthrough-kafkajs', args, 'events_per_s');
    console.log(`baseline (raw kafkajs 2.2.4 eachBatch loop, own process): ${base} events/s`);
    const patchedArgs = [input, outPatched, String(COUNT), String(PARTITIONS), '--patched'];
    const patched = await runBaseline('passthrough-kafkajs', patchedArgs, 'events_per_s');
    console.log(
      `baseline with faustgen's kafkajs grouping fix (for reference, not the RESULT): ${patched} events/s`,
    );
    const ours = await faustgen(admin, input, outFaust, 'at_least_once');
    console.log(`faustgen (one worker, one agent, at_least_once): ${Math.round(ours)} events/s`);
    console.log(`ratio against the baseline with the grouping fix: ${ratio(ours, patched)}`);
    const eos = await faustgen(admin, input, outEos, 'exactly_once');
    console.log(
      `faustgen exactly_once (a transaction per input partition, brokerCommitInterval 2.8 s): ${Math.round(eos)} events/s`,
    );
    results.push(
      `RESULT passthrough events_per_s=${Math.round(ours)} baseline_events_per_s=${Math.round(base)} ratio=${ratio(ours, base)}`,
      `RESULT passthrough-exactly-once events_per_s=${Math.round(eos)} at_least_once_events_per_s=${Math.round(ours)} ratio=${ratio(eos, ours)} ratio_to_baseline=${ratio(eos, base)}`,
    );
  }
  if (CLIENTS.includes('librdkafka') && librdkafkaInstalled()) {
    const outRdBase = uniqueName('bench-pt-out-baseline-rd');
    const outRdFaust = uniqueName('bench-pt-out-faustgen-rd');
    await createTopics(admin, [outRdBase, outRdFaust], PARTITIONS);
    const base = await runBaseline(
      'passthrough-librdkafka',
      [input, outRdBase, String(COUNT)],
      'events_per_s',
    );
    console.log(
      `baseline (raw librdkafka loop: consume(n), non-blocking produce, own process): ${base} events/s`,
    );
    const ours = await faustgen(admin, input, outRdFaust, 'at_least_once', 'librdkafka');
    console.log(
      `faustgen on librdkafka (one worker, one agent, at_least_once): ${Math.round(ours)} events/s`,
    );
    results.push(
      `RESULT passthrough-librdkafka events_per_s=${Math.round(ours)} baseline_events_per_s=${Math.round(base)} ratio=${ratio(ours, base)}`,
    );
    await deleteTopics(admin, [outRdBase, outRdFaust]);
  }
  await deleteTopics(admin, [input, outBase, outPatched, outFaust, outEos]);
  await admin.disconnect();
  for (const line of results) console.log(line);
}

await main();
process.exit(0);
