/** Apps with tables on a fresh in-process broker, and what the tests read back. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type SettingsInput } from '../../../../runtime/index.js';
import { getMemoryBroker } from '../../../../runtime/transport/memory/index.js';
import type { Message } from '../../../../runtime/transport/types.js';

const dirs: string[] = [];

/** A temporary directory, removed by removeTempDirs(). */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faustgen-tables-'));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface TableAppOptions {
  /** App id (shared by workers of one group); a fresh one by default. */
  id?: string;
  /** Broker URL (shared by workers); a fresh memory:// broker by default. */
  broker?: string;
  settings?: SettingsInput;
}

/** An app with fast commits and quiet logs, its tables in LMDB under a fresh datadir unless told. */
export function tableApp(options: TableAppOptions = {}): App {
  const suffix = randomBytes(4).toString('hex');
  return new App(options.id ?? `tables-${suffix}`, {
    broker: options.broker ?? `memory://tables-${suffix}`,
    topicPartitions: 4,
    brokerCommitInterval: 0.05,
    logLevel: 'error',
    webEnabled: false,
    datadir: tempDir(),
    ...options.settings,
  });
}

/** Every record of a topic partition of a memory broker, in offset order. */
export function topicRecords(broker: string, topic: string, partition: number): Message[] {
  return getMemoryBroker(broker).readMessages(topic, partition);
}

/** What replaying a changelog gives: the last value bytes of every key (tombstones remove it). */
export function replay(records: Iterable<Message>): Map<string, string> {
  const state = new Map<string, string>();
  for (const record of records) {
    const key = record.key!.toString('utf8');
    if (record.value === null) state.delete(key);
    else state.set(key, record.value.toString('utf8'));
  }
  return state;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
