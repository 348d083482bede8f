/**
 * The passthrough baseline, run in its own process so that kafkajs is stock (unless --patched):
 * eachBatch, JSON.parse, keep n % 10 != 0, sendBatch with acks -1, commit after the produce
 * resolves. Usage: passthrough-kafkajs.js <input> <output> <count> <partitions> [--patched]
 * Prints `events_per_s=<n>`.
 */
const [input, output, countText, partitionsText, flag] = process.argv.slice(2);
if (!input || !output || !countText || !partitionsText)
  throw new Error('usage: <input> <output> <count> <partitions> [--patched]');
if (flag === '--patched') await import('../../runtime/transport/kafka/kafkajs.js');
const { kafka, uniqueName } = await import('../support.js');

const COUNT = Number(countText);
const client = await kafka();
const consumer = client.consumer({ groupId: uniqueName('baseline'), maxBytesPerPartition: 1_048_576 });
const producer = client.producer({ allowAutoTopicCreation: false });
await Promise.all([consumer.connect(), producer.connect()]);
await consumer.subscribe({ topic: input, fromBeginning: true });
let seen = 0;
let started = 0;
let finish!: () => void;
const done = new Promise<void>((resolve) => {
  finish = resolve;
});
await consumer.run({
  autoCommit: false,
  partitionsConsumedConcurrently: Number(partitionsText),
  eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
    if (started === 0) started = performance.now();
    const messages = [];
    for (const message of batch.messages) {
      const value = JSON.parse(message.value!.toString()) as { n: number };
      if (value.n % 10 !== 0) messages.push({ key: message.key, value: JSON.stringify(value) });
    }
    if (messages.length > 0)
      await producer.sendBatch({ topicMessages: [{ topic: output, messages }], acks: -1 });
    const last = batch.messages[batch.messages.length - 1];
    if (last) {
      resolveOffset(last.offset);
      await consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: (Number(last.offset) + 1).toString() },
      ]);
    }
    await heartbeat();
    seen += batch.messages.length;
    if (seen >= COUNT) finish();
  },
});
await done;
const seconds = (performance.now() - started) / 1000;
await consumer.disconnect();
await producer.disconnect();
console.log(`events_per_s=${Math.round(COUNT / seconds)}`);
process.exit(0);
