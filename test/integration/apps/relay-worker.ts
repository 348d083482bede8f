/**
 * A worker for process-level tests: the agent `relay` reads {id} records from IN_TOPIC and sends
 * {id, pid, partition} to OUT_TOPIC. Env: APP_ID, IN_TOPIC, OUT_TOPIC, PARTITIONS, SLOW_MS.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { App } from '../../../runtime/index.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const partitions = Number(process.env.PARTITIONS ?? 4);
const slowMs = Number(process.env.SLOW_MS ?? 0);

const app = new App(env('APP_ID'), {
  topicPartitions: partitions,
  brokerCommitInterval: 0.5,
  brokerSessionTimeout: 6,
  brokerHeartbeatInterval: 1,
  brokerRebalanceTimeout: 10,
  shutdownTimeout: 3,
  webEnabled: false,
});

const input = app.topic(env('IN_TOPIC'), { keyType: 'string', valueType: 'json' });
const output = app.topic(env('OUT_TOPIC'), { keyType: 'string', valueType: 'json' });

app.agent(input, { name: 'relay' }, async (stream, ctx) => {
  for await (const [key, value] of stream.items()) {
    if (slowMs > 0) await sleep(slowMs);
    const { id } = value as { id: number };
    await output.send({ key, value: { id, pid: process.pid, partition: ctx.event?.partition ?? -1 } });
  }
});

process.exitCode = await app.main();
process.exit();
