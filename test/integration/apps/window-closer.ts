/**
 * A worker for the window tests: the agent `count` counts click events per key of IN_TOPIC in the
 * LMDB table `counts`, tumbling 10 s windows with grace 5 s, kept 20 s; `heartbeat` events write
 * nothing (they only move event time). Each window close prints `CLOSED <key>@<start>=<count>`.
 * Env: APP_ID, IN_TOPIC, DATADIR, PARTITIONS, GUARANTEE (at_least_once | exactly_once). Prints
 * `WINDOWS READY` once its tables are recovered.
 */
import { App } from '../../../runtime/index.js';
import type { WindowedKey } from '../../../runtime/tables/windows/index.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const app = new App(env('APP_ID'), {
  topicPartitions: Number(process.env.PARTITIONS ?? 2),
  datadir: env('DATADIR'),
  processingGuarantee: (process.env.GUARANTEE ?? 'at_least_once') as 'at_least_once',
  brokerCommitInterval: 0.2,
  tableCleanupInterval: 0.2,
  brokerSessionTimeout: 6,
  brokerHeartbeatInterval: 1,
  brokerRebalanceTimeout: 10,
  shutdownTimeout: 3,
  webEnabled: false,
});

const input = app.topic(env('IN_TOPIC'), { keyType: 'string', valueType: 'json' });
const counts = app
  .table('counts', { keyType: 'string', valueType: 'number', default: () => 0 })
  .tumbling(10, {
    grace: 5,
    expires: 20,
    onWindowClose: ([key, [start]]: WindowedKey<string>, value: number) => {
      console.log(`CLOSED ${key}@${start}=${value}`);
    },
  });

app.agent(input, { name: 'count' }, async (stream) => {
  for await (const [key, kind] of stream.items()) {
    if (kind === 'heartbeat') continue;
    counts.update(key, (n) => n + 1);
  }
});

app.addLifecycle({ name: 'test-ready', onReady: () => console.log('WINDOWS READY') });

process.exitCode = await app.main();
process.exit();
