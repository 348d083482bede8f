/**
 * A worker for the web tests: the agent `count` counts words from WORDS_TOPIC into the table
 * `counts`, and GET /count/<word> answers from the worker that owns the word's partition.
 * Env: APP_ID, WORDS_TOPIC, WEB_PORT, DATA_DIR, PARTITIONS, SLOW_MS (per event, for the dashboard).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { App } from '../../../runtime/index.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const port = Number(env('WEB_PORT'));
const slowMs = Number(process.env.SLOW_MS ?? 0);
const app = new App(env('APP_ID'), {
  topicPartitions: Number(process.env.PARTITIONS ?? 4),
  datadir: env('DATA_DIR'),
  brokerCommitInterval: 0.5,
  brokerSessionTimeout: 6,
  brokerHeartbeatInterval: 1,
  brokerRebalanceTimeout: 10,
  shutdownTimeout: 3,
  webBind: '127.0.0.1',
  webHost: '127.0.0.1',
  webPort: port,
  webMetricsEnabled: true,
  webStatsEnabled: true,
});

// Keys are written as JSON, like the table's changelog keys, so a word's partition is the same
// in the topic and in the table and the web layer finds its owner.
const words = app.topic(env('WORDS_TOPIC'), { keyType: 'string', keySerializer: 'json', valueType: 'json' });
const counts = app.table('counts', { keyType: 'string', valueType: 'number', default: () => 0 });

app.agent(words, { name: 'count' }, async (stream) => {
  for await (const [word] of stream.items()) {
    if (slowMs > 0) await sleep(slowMs);
    counts.set(word as string, counts.get(word as string) + 1);
  }
});

app.page(
  '/count/:word',
  app.tableRoute(counts, { matchInfo: 'word' }, (request) => ({
    word: request.params.word,
    count: counts.get(request.params.word as string),
    servedBy: process.pid,
  })),
);
app.page(
  '/consumer/:word',
  app.topicRoute(words, { matchInfo: 'word' }, (request) => ({
    word: request.params.word,
    servedBy: process.pid,
    partitions: app
      .assignment()
      .filter((tp) => tp.topic === words.name)
      .map((tp) => tp.partition),
  })),
);
app.page('/served', () => ({ pid: process.pid, ...app.web.keyRouteCounts }));

process.exitCode = await app.main();
process.exit();
