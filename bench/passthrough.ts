/**
 * npm run bench -- passthrough
 * One worker, 4 partitions, 1,000,000 JSON records of ~100 bytes: consume -> JSON decode -> keep
 * values with n % 10 != 0 -> produce to another topic with acks -1. Baseline in the same run on
 * the same broker: a raw kafkajs loop doing the same work (eachBatch, JSON.parse, same filter,
 * sendBatch with acks -1, commit after the produce resolves).
 *
 * Where the optional librdkafka client is installed, the same again on it (brokerClient
 * "librdkafka") against a raw librdkafka loop (baselines/passthrough-librdkafka.ts), with a
 * second RESULT line, `RESULT passthrough-librdkafka ...`. BENCH_CLIENTS=kafkajs (or librdkafka)
 * runs one client only.
 */
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
} from './support.js';

const COUNT = Number(process.env.BENCH_COUNT ?? 1_000_000);
const PARTITIONS = 4;
const PAD = 'x'.repeat(70);

interface Value {
  n: number;
  pad: string;
}

const makeRecord = (i: number) => ({ key: `key-${i % 10_000}`, value: JSON.stringify({ n: i, pad: PAD }) });

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
  input: string,
  output: string,
  brokerClient: BrokerClient = 'kafkajs',
): Promise<number> {
  const app = new App(uniqueName('passthrough'), {
    broker: brokerUrl(),
    brokerClient,
    logLevel: 'warn' as const,
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
  await app.engine.producer.flush();
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
  await createTopics(admin, [input, outBase, outPatched, outFaust], PARTITIONS);
  const sample = makeRecord(123_456);
  console.log(
    `setup: broker ${brokerUrl()}, ${COUNT} records, ${PARTITIONS} partitions, value ${Buffer.byteLength(sample.value)} bytes ` +
      `(key ${Buffer.byteLength(sample.key)} bytes), produce acks -1, filter keeps n % 10 != 0 (90%)`,
  );
  const fillSeconds = await fillTopic(input, COUNT, makeRecord);
  console.log(`filled ${input} in ${fillSeconds.toFixed(1)} s`);
  if (CLIENTS.includes('kafkajs')) {
    const args = [input, outBase, String(COUNT), String(PARTITIONS)];
    const base = await runBaseline('passthrough-kafkajs', args, 'events_per_s');
    console.log(`baseline (raw kafkajs 2.2.4 eachBatch loop, own process): ${base} events/s`);
    const patchedArgs = [input, outPatched, String(COUNT), String(PARTITIONS), '--patched'];
    const patched = await runBaseline('passthrough-kafkajs', patchedArgs, 'events_per_s');
    console.log(
      `baseline with faustgen's kafkajs grouping fix (for reference, not the RESULT): ${patched} events/s`,
    );
    const ours = await faustgen(input, outFaust);
    console.log(`faustgen (one worker, one agent): ${Math.round(ours)} events/s`);
    console.log(`ratio against the baseline with the grouping fix: ${ratio(ours, patched)}`);
    console.log(
      `RESULT passthrough events_per_s=${Math.round(ours)} baseline_events_per_s=${Math.round(base)} ratio=${ratio(ours, base)}`,
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
    const ours = await faustgen(input, outRdFaust, 'librdkafka');
    console.log(`faustgen on librdkafka (one worker, one agent): ${Math.round(ours)} events/s`);
    console.log(
      `RESULT passthrough-librdkafka events_per_s=${Math.round(ours)} baseline_events_per_s=${Math.round(base)} ratio=${ratio(ours, base)}`,
    );
    await deleteTopics(admin, [outRdBase, outRdFaust]);
  }
  await deleteTopics(admin, [input, outBase, outPatched, outFaust]);
  await admin.disconnect();
}

await main();
process.exit(0);
