/**
 * Shared parts of the benchmarks: the broker, topic setup, filling a topic, result lines.
 *
 * kafkajs is loaded lazily (dynamic import), never by a static import: a static import would load
 * it before faustgen's runtime installs its kafkajs fix (runtime/transport/kafka/kafkajs.ts), and
 * the runtime would be measured with stock kafkajs. Baselines run stock kafkajs in a child process.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Admin, Kafka } from 'kafkajs';

export function brokerUrl(): string {
  return process.env.FAUSTGEN_BROKER?.trim() || 'kafka://127.0.0.1:9092';
}

export function kafkaBrokers(url = brokerUrl()): string[] {
  if (!url.startsWith('kafka://')) throw new Error(`benchmarks need a Kafka broker URL, got ${url}`);
  return url
    .slice('kafka://'.length)
    .split(',')
    .map((s) => s.trim().replace(/^kafka:\/\//, ''));
}

export async function kafka(): Promise<Kafka> {
  const { Kafka, logLevel } = (await import('kafkajs')).default;
  return new Kafka({ clientId: uniqueName('bench'), brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
}

/**
 * Runs a baseline script (dist/bench/baselines/<name>.js) in a child process and returns the
 * number it prints as `<key>=<number>` on its last line.
 */
export async function runBaseline(name: string, args: string[], key: string): Promise<number> {
  const script = fileURLToPath(new URL(`./baselines/${name}.js`, import.meta.url));
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const match = new RegExp(`${key}=([0-9.]+)`).exec(out);
  if (code !== 0 || !match) throw new Error(`baseline ${name} failed (exit ${code}): ${out.slice(-2000)}`);
  return Number(match[1]);
}

export const uniqueName = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

export async function createTopics(admin: Admin, names: string[], partitions: number): Promise<void> {
  await admin.createTopics({
    topics: names.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
    waitForLeaders: true,
  });
}

/**
 * Fills a topic with `count` records made by `make(i)` (key, value), in large batches spread
 * over the partitions by kafkajs's Java-compatible partitioner.
 */
export async function fillTopic(
  topic: string,
  count: number,
  make: (i: number) => { key: string; value: string },
): Promise<number> {
  const producer = (await kafka()).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const started = performance.now();
  const batch = 5000;
  const inflight: Promise<unknown>[] = [];
  for (let start = 0; start < count; start += batch) {
    const messages = [];
    for (let i = start; i < Math.min(count, start + batch); i++) messages.push(make(i));
    inflight.push(producer.send({ topic, messages, acks: 1 }));
    if (inflight.length >= 4) await inflight.shift();
  }
  await Promise.all(inflight);
  await producer.disconnect();
  return (performance.now() - started) / 1000;
}

export async function deleteTopics(admin: Admin, names: string[]): Promise<void> {
  await admin.deleteTopics({ topics: names }).catch(() => undefined);
}

export function ratio(a: number, b: number): string {
  return b > 0 ? (a / b).toFixed(3) : '0';
}

/** Resolves once a group's committed offsets of a topic add up to `total` (polled every 20 ms). */
export async function untilCommitted(
  admin: Admin,
  groupId: string,
  topic: string,
  total: number,
): Promise<void> {
  for (;;) {
    const [answer] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const sum = answer!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    if (sum >= total) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
