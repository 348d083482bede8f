/**
 * A worker for the table tests: the agent `count` reads (key, n) records from IN_TOPIC and adds n to
 * the LMDB table `counts`. Env: APP_ID, IN_TOPIC, PARTITIONS, DATADIR, SLOW_MS. Prints
 * `TABLES READY` once its tables are recovered (the first time), and `ASSIGNED <generation> <partitions>`
 * at every assignment.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { App } from '../../../runtime/index.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const slowMs = Number(process.env.SLOW_MS ?? 0);

const app = new App(env('APP_ID'), {
  topicPartitions: Number(process.env.PARTITIONS ?? 4),
  datadir: env('DATADIR'),
  brokerCommitInterval: 0.5,
  brokerSessionTimeout: 6,
  brokerHeartbeatInterval: 1,
  brokerRebalanceTimeout: 10,
  shutdownTimeout: 3,
  webEnabled: false,
});

const input = app.topic(env('IN_TOPIC'), { keyType: 'string', valueType: 'number' });
const counts = app.table('counts', { keyType: 'string', valueType: 'number', default: () => 0 });

app.agent(input, { name: 'count' }, async (stream) => {
  for await (const [key, n] of stream.items()) {
    if (slowMs > 0) await sleep(slowMs);
    counts.update(key, (value) => value + n);
  }
});

app.addLifecycle({
  name: 'test-ready',
  onReady: () => console.log('TABLES READY'),
  // "ASSIGNED <generation> <partitions of IN_TOPIC>": tests follow rebalances with it.
  onAssigned: (assignment, generation) => {
    const partitions = assignment.filter((tp) => tp.topic === process.env.IN_TOPIC).map((tp) => tp.partition);
    console.log(`ASSIGNED ${generation} ${partitions.sort((a, b) => a - b).join(',')}`);
  },
});

process.exitCode = await app.main();
process.exit();
