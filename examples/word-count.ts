/**
 * The no-Kafka demo (`npm start`): a word-count app on faustgen's runtime. It feeds itself with
 * sentences, splits them into words with one agent and counts them with another, printing the
 * top words every few seconds. On the embedded memory:// broker unless FAUSTGEN_BROKER names a
 * Kafka broker. Stop with Ctrl-C (graceful: in-flight events finish, offsets commit).
 */
import { App } from '../runtime/index.js';

const SENTENCES = [
  'the quick brown fox jumps over the lazy dog',
  'a stream processor keeps state in tables backed by changelog topics',
  'agents read streams and send results to other topics',
  'nothing is committed before the work it covers is done',
];

const app = new App('word-count', {
  broker: process.env.FAUSTGEN_BROKER ?? 'memory://',
  topicPartitions: 4,
});

const sentences = app.topic('sentences', { keyType: 'string', valueType: 'string' });
const words = app.topic('words', { keyType: 'string', valueType: 'string' });
const counts = new Map<string, number>();

app.agent(sentences, { name: 'split' }, async (stream) => {
  for await (const sentence of stream) {
    for (const word of sentence.split(/\s+/)) if (word) await words.send({ key: word, value: word });
  }
});

app.agent(words, { name: 'count' }, async (stream) => {
  for await (const word of stream) counts.set(word, (counts.get(word) ?? 0) + 1);
});

app.command('demo', { description: 'run the worker and feed it sentences' }, async () => {
  await app.start();
  let sent = 0;
  const feeder = setInterval(() => {
    const sentence = SENTENCES[sent++ % SENTENCES.length]!;
    void sentences.send({ key: String(sent), value: sentence });
  }, 20);
  const reporter = setInterval(() => {
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
    console.log(`sent ${sent} sentences; top words: ${top.map(([w, n]) => `${w}=${n}`).join(' ')}`);
  }, 2000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    const seconds = Number(process.env.DEMO_SECONDS ?? 0);
    if (seconds > 0) setTimeout(resolve, seconds * 1000);
  });
  clearInterval(feeder);
  clearInterval(reporter);
  await app.stop();
  console.log(`stopped after ${sent} sentences; ${counts.size} distinct words counted`);
  return 0;
});

process.exitCode = await app.main(process.argv.slice(2).length ? process.argv.slice(2) : ['demo']);
process.exit();
