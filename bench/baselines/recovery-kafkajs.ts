/**
 * The recovery baseline, run in its own process so that kafkajs is stock: a raw kafkajs consumer
 * reads a topic from the start to its high watermarks and stores nothing (eachBatch, counting
 * messages). Usage: recovery-kafkajs.js <topic> <count> <partitions>. Prints `records_per_s=<n>`,
 * timed from the group join (the assignment: fetching starts) to the last record.
 */
const [topic, countText, partitionsText] = process.argv.slice(2);
if (!topic || !countText || !partitionsText) throw new Error('usage: <topic> <count> <partitions>');
const { kafka, uniqueName } = await import('../support.js');

const COUNT = Number(countText);
const client = await kafka();
const consumer = client.consumer({
  groupId: uniqueName('baseline-recovery'),
  maxBytesPerPartition: 1_048_576,
});
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
consumer.on(consumer.events.GROUP_JOIN, () => {
  if (started === 0) started = performance.now();
});
let seen = 0;
let bytes = 0;
let started = 0;
let finish!: () => void;
const done = new Promise<void>((resolve) => {
  finish = resolve;
});
await consumer.run({
  autoCommit: false,
  partitionsConsumedConcurrently: Number(partitionsText),
  eachBatch: async ({ batch }) => {
    for (const message of batch.messages) bytes += message.value?.length ?? 0;
    seen += batch.messages.length;
    if (seen >= COUNT) finish();
  },
});
await done;
const seconds = (performance.now() - started) / 1000;
await consumer.disconnect();
console.error(`baseline read ${seen} records, ${bytes} value bytes in ${seconds.toFixed(2)} s`);
console.log(`records_per_s=${Math.round(COUNT / seconds)}`);
process.exit(0);
