/**
 * The table-counter worker (test/integration/apps/table-counter.ts) as fault tests drive it: its
 * processes, the events it counts (key `k<i % keys>`, value i), and the count each key must reach.
 */
import type { Kafka } from 'kafkajs';
import { brokerUrl } from './broker.js';
import { WorkerProcess } from './worker-process.js';

const TABLE_COUNTER = new URL('../integration/apps/table-counter.js', import.meta.url);

export interface TableCounterOptions {
  appId: string;
  input: string;
  partitions: number;
  datadir: string;
  /** More environment, e.g. SLOW_MS. */
  env?: Record<string, string>;
}

export function startTableCounter(options: TableCounterOptions): WorkerProcess {
  return new WorkerProcess(TABLE_COUNTER, ['worker'], {
    APP_ID: options.appId,
    IN_TOPIC: options.input,
    PARTITIONS: String(options.partitions),
    DATADIR: options.datadir,
    FAUSTGEN_BROKER: brokerUrl(),
    ...options.env,
  });
}

/** Produces events `from` to `to - 1`: key `k<i % keys>`, value `i`. */
export async function produceCountEvents(
  kafka: Kafka,
  topic: string,
  range: { from?: number; to: number; keys: number },
): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    for (let start = range.from ?? 0; start < range.to; start += 2000) {
      const messages = [];
      for (let i = start; i < Math.min(range.to, start + 2000); i++) {
        messages.push({ key: `k${i % range.keys}`, value: String(i) });
      }
      await producer.send({ topic, messages, acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
}

/** The exact count of key `k<j>` after events 0 to events - 1: the sum of i over i % keys == j. */
export function exactCount(key: string, events: number, keys: number): number {
  const j = Number(key.slice(1));
  let sum = 0;
  for (let i = j; i < events; i += keys) sum += i;
  return sum;
}
