/**
 * The table-count work, shared by `bench table-count` and `bench join` (its comparison): one
 * worker, one agent counting each event's key in an LMDB table (one changelog record per event),
 * timed from the first event to the commit of the last one (its changelog record included).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { App } from '../runtime/index.js';
import { brokerUrl, uniqueName, untilCommitted } from './support.js';

export type Guarantee = 'at_least_once' | 'exactly_once';

export interface TableCountRun {
  eventsPerSecond: number;
  keys: number;
  /** The counts' total: `count` when every event was counted once. */
  total: number;
}

export async function runTableCount(
  admin: Admin,
  input: string,
  options: { count: number; partitions: number; guarantee: Guarantee },
): Promise<TableCountRun> {
  const { count } = options;
  const datadir = mkdtempSync(join(tmpdir(), 'faustgen-bench-table-'));
  const appId = uniqueName('table-count');
  const app = new App(appId, {
    broker: brokerUrl(),
    logLevel: 'warn' as const,
    datadir,
    webEnabled: false,
    topicPartitions: options.partitions,
    processingGuarantee: options.guarantee,
  });
  const source = app.topic(input, { keyType: 'string', valueType: 'json' });
  const counts = app.table('counts', { keyType: 'string', valueType: 'number', default: () => 0 });
  let seen = 0;
  let started = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  app.agent(source, { name: 'count' }, async (stream) => {
    for await (const [key] of stream.items()) {
      if (started === 0) started = performance.now();
      counts.update(key, (n) => n + 1);
      if (++seen >= count) finish();
    }
  });
  await app.start();
  await done;
  await untilCommitted(admin, appId, input, count);
  const seconds = (performance.now() - started) / 1000;
  let keys = 0;
  let total = 0;
  for (const value of counts.values()) {
    keys++;
    total += value;
  }
  await app.stop();
  rmSync(datadir, { recursive: true, force: true });
  return { eventsPerSecond: count / seconds, keys, total };
}
