/**
 * The passthrough baseline on librdkafka (@confluentinc/kafka-javascript's native API), the
 * fastest way the API allows: consume(n) batches, JSON.parse, keep n % 10 != 0, non-blocking
 * produce() with acks -1 (idempotent) and delivery reports from librdkafka's background poll
 * thread; a batch's offsets are committed (asynchronously) once all of its sends are delivered.
 * Usage: passthrough-librdkafka.js <input> <output> <count>. Prints `events_per_s=<n>`.
 */
import { loadKafkaJavascript } from '../../runtime/transport/librdkafka/native.js';
import type { RdMessage } from '../../runtime/transport/librdkafka/native.js';
import { kafkaBrokers, uniqueName } from '../support.js';

const [input, output, countText] = process.argv.slice(2);
if (!input || !output || !countText) throw new Error('usage: <input> <output> <count>');
const COUNT = Number(countText);
const { KafkaConsumer, Producer } = loadKafkaJavascript();
const servers = kafkaBrokers().join(',');

const consumer = new KafkaConsumer(
  {
    'bootstrap.servers': servers,
    'group.id': uniqueName('baseline-rd'),
    'enable.auto.commit': false,
    'enable.auto.offset.store': false,
    'fetch.wait.max.ms': 100,
  },
  { 'auto.offset.reset': 'earliest' },
);
const producer = new Producer({
  'bootstrap.servers': servers,
  acks: -1,
  'enable.idempotence': true,
  'linger.ms': 5,
  'queue.buffering.max.messages': 1_000_000,
  partitioner: 'murmur2_random',
  dr_cb: true,
});

interface Batch {
  pending: number;
  offsets: Map<string, { topic: string; partition: number; offset: number }>;
}

const connect = (client: { connect(o: object, cb: (e: unknown) => void): void }) =>
  new Promise<void>((resolve, reject) => client.connect({}, (error) => (error ? reject(error) : resolve())));
await Promise.all([connect(consumer), connect(producer)]);
producer.setPollInBackground(true);
(
  consumer as unknown as { setDefaultIsTimeoutOnlyForFirstMessage(on: boolean): void }
).setDefaultIsTimeoutOnlyForFirstMessage(true);
consumer.setDefaultConsumeTimeout(100);
consumer.subscribe([input]);

let seen = 0;
let undelivered = 0;
let started = 0;
let finish!: () => void;
const done = new Promise<void>((resolve) => {
  finish = resolve;
});
const settle = (batch: Batch) => {
  if (batch.pending > 0) return;
  consumer.commit([...batch.offsets.values()]);
  if (seen >= COUNT && undelivered === 0) finish();
};
producer.on('delivery-report', (error, report) => {
  if (error) throw error;
  undelivered -= 1;
  const batch = report.opaque as Batch;
  batch.pending -= 1;
  settle(batch);
});

const consumeBatch = () =>
  new Promise<RdMessage[]>((resolve, reject) =>
    consumer.consume(5000, (error, messages) => (error ? reject(error) : resolve(messages))),
  );
while (seen < COUNT) {
  const messages = await consumeBatch();
  if (messages.length === 0) continue;
  if (started === 0) started = performance.now();
  const batch: Batch = { pending: 0, offsets: new Map() };
  for (const message of messages) {
    const value = JSON.parse(message.value!.toString()) as { n: number };
    if (value.n % 10 !== 0) {
      for (;;) {
        try {
          producer.produce(
            output,
            -1,
            Buffer.from(JSON.stringify(value)),
            message.key ?? null,
            null,
            batch,
            undefined,
          );
          break;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 1)); // local queue full
        }
      }
      batch.pending += 1;
      undelivered += 1;
    }
    batch.offsets.set(`${message.partition}`, {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset + 1,
    });
  }
  seen += messages.length;
  settle(batch);
}
await done;
const seconds = (performance.now() - started) / 1000;
console.log(`events_per_s=${Math.round(COUNT / seconds)}`);
process.exit(0);
