/**
 * The worker of the fault suite: the agent `count` reads keyed events `{"seq": n}` from IN_TOPIC,
 * adds one to the key's entry of the LMDB table `counts`, and sends the event to SINK_TOPIC.
 * Values are validated (a SoakEvent model): bad input goes to the dead-letter topic.
 * Env: APP_ID, IN_TOPIC, SINK_TOPIC, DATADIR, GUARANTEE (at_least_once | exactly_once). Prints
 * `SOAK READY` once its tables are recovered.
 */
import { App, model } from '../../../runtime/index.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const app = new App(env('APP_ID'), {
  topicPartitions: 4,
  datadir: env('DATADIR'),
  processingGuarantee: env('GUARANTEE') === 'exactly_once' ? 'exactly_once' : 'at_least_once',
  processingTransactionTimeout: 10,
  brokerCommitInterval: 0.5,
  brokerSessionTimeout: 6,
  brokerHeartbeatInterval: 1,
  brokerRebalanceTimeout: 10,
  shutdownTimeout: 5,
  webEnabled: false,
});

const SoakEvent = model<{ seq: number }>('SoakEvent', {
  type: 'object',
  properties: { seq: { type: 'integer', minimum: 0 } },
  required: ['seq'],
});

const input = app.topic(env('IN_TOPIC'), { keyType: 'string', valueType: SoakEvent });
const sink = app.topic(env('SINK_TOPIC'), { keyType: 'string', valueType: SoakEvent });
const counts = app.table('counts', { keyType: 'string', valueType: 'number', default: () => 0 });

app.agent(input, { name: 'count' }, async (stream) => {
  for await (const [key, event] of stream.items()) {
    counts.set(key, counts.get(key) + 1);
    await sink.send({ key, value: event });
  }
});

app.addLifecycle({ name: 'soak-ready', onReady: () => console.log('SOAK READY') });

process.exitCode = await app.main();
process.exit();
