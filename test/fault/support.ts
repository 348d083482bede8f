/**
 * The fault suite's harness: worker processes of test/fault/apps/soak-worker.ts (each "slot" keeps
 * its data directory across restarts, as a host would), a feeder of keyed events with unique
 * sequence numbers, and the checks: what the sink holds (read with read_committed) and what the
 * table's changelog replays to. `npm run soak` runs the full sizes (FAUSTGEN_SOAK=full).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Kafka } from 'kafkajs';
import { createTransport } from '../../runtime/transport/registry.js';
import type { Message } from '../../runtime/transport/types.js';
import { type BrokerClientName, testBrokerClient } from '../support/broker-client.js';
import { brokerUrl, connectAdmin, createKafka, uniqueName, WorkerProcess } from '../support/index.js';
import { librdkafkaMissing } from '../support/librdkafka.js';

export const FULL = process.env.FAUSTGEN_SOAK === 'full';
export const PARTITIONS = 4;
const WORKER = new URL('./apps/soak-worker.js', import.meta.url);

export type Guarantee = 'at_least_once' | 'exactly_once';

/**
 * The clients a fault case runs its workers on: the suite's (FAUSTGEN_BROKER_CLIENT), and
 * librdkafka as well where it is installed (its exactly_once is one transaction per worker).
 */
export function faultClients(): BrokerClientName[] {
  const clients: BrokerClientName[] = [testBrokerClient()];
  if (!clients.includes('librdkafka') && librdkafkaMissing() === undefined) clients.push('librdkafka');
  return clients;
}

export interface Figures {
  events: number;
  /** Distinct sequence numbers missing from the sink. */
  lost: number;
  /** Sink records beyond one per sequence number. */
  duplicates: number;
  /** Keys whose replayed count differs from the exact one (below it: lost; above: double-counted). */
  countsBelow: number;
  countsAbove: number;
  /** Sum of the replayed counts minus the number of events. */
  excessCounts: number;
}

export class SoakRun {
  readonly appId: string;
  readonly input: string;
  readonly sink: string;
  readonly changelog: string;
  readonly workers = new Map<number, WorkerProcess>();
  private readonly dirs = new Map<number, string>();
  private readonly all: WorkerProcess[] = [];
  /** The sink's records as figures() last read them (timestamps: when a worker sent them). */
  sinkRecords: Message[] = [];
  admin!: Admin;
  kafka!: Kafka;

  constructor(
    name: string,
    readonly guarantee: Guarantee,
    readonly events: number,
    readonly keys = 1000,
    /** The Kafka client of the workers (the brokerClient setting). */
    readonly client: BrokerClientName = testBrokerClient(),
  ) {
    this.appId = uniqueName(name);
    this.input = `${this.appId}-input`;
    this.sink = `${this.appId}-sink`;
    this.changelog = `${this.appId}-counts-changelog`;
  }

  async setup(): Promise<void> {
    this.admin = await connectAdmin();
    this.kafka = createKafka();
    await this.admin.createTopics({
      topics: [this.input, this.sink].map((topic) => ({
        topic,
        numPartitions: PARTITIONS,
        replicationFactor: 1,
      })),
    });
  }

  async teardown(): Promise<void> {
    for (const worker of this.all) await worker.ensureStopped();
    // FAUSTGEN_FAULT_LOGS=<dir> keeps every worker's whole output, to read what a failed run did.
    const keep = process.env.FAUSTGEN_FAULT_LOGS;
    if (keep) {
      mkdirSync(keep, { recursive: true });
      for (const [i, w] of this.all.entries())
        writeFileSync(join(keep, `${this.appId}-worker-${i}.log`), w.output);
    }
    await this.admin?.disconnect();
    for (const dir of this.dirs.values()) rmSync(dir, { recursive: true, force: true });
  }

  /** Starts (or restarts) the worker of a slot. */
  start(slot: number): WorkerProcess {
    let dir = this.dirs.get(slot);
    if (!dir) {
      dir = mkdtempSync(join(tmpdir(), 'faustgen-soak-'));
      this.dirs.set(slot, dir);
    }
    const worker = new WorkerProcess(WORKER, ['worker'], {
      APP_ID: this.appId,
      IN_TOPIC: this.input,
      SINK_TOPIC: this.sink,
      DATADIR: dir,
      GUARANTEE: this.guarantee,
      FAUSTGEN_BROKER: brokerUrl(),
      FAUSTGEN_BROKER_CLIENT: this.client,
      FAUSTGEN_LOG_LEVEL: 'warn',
    });
    this.workers.set(slot, worker);
    this.all.push(worker);
    return worker;
  }

  /** The last output of every worker process started, for failure messages. */
  logs(): string {
    return this.all
      .map((w, i) => {
        const errors = w.output.split('\n').filter((line) => /"level":"(error|fatal)"|crashed/.test(line));
        return `--- worker process ${i} (exit ${w.child.exitCode}); errors:\n${errors.slice(-10).join('\n')}\nlast output:\n${w.output.slice(-1500)}`;
      })
      .join('\n');
  }

  /** SIGKILLs a slot's worker and waits for it to be gone. */
  async kill(slot: number): Promise<void> {
    const worker = this.workers.get(slot);
    if (!worker) return;
    worker.kill('SIGKILL');
    await worker.exited(10_000);
    this.workers.delete(slot);
  }

  /** SIGTERMs a slot's worker; resolves with its exit code and how long it took. */
  async stop(slot: number, timeoutMs = 30_000): Promise<{ code: number | null; ms: number }> {
    const worker = this.workers.get(slot);
    if (!worker) return { code: null, ms: 0 };
    worker.kill('SIGTERM');
    const exit = await worker.exited(timeoutMs);
    this.workers.delete(slot);
    return exit;
  }

  /** Sends events `from`..`to`-1 (key k<seq % keys>, value {"seq": seq}) in requests of 50, spread over `overMs`. */
  async feed(from: number, to: number, overMs = 0): Promise<void> {
    const producer = this.kafka.producer();
    await producer.connect();
    const chunk = 50;
    const chunks = Math.ceil((to - from) / chunk);
    const started = Date.now();
    for (let i = 0; i < chunks; i++) {
      const messages = [];
      for (let seq = from + i * chunk; seq < Math.min(to, from + (i + 1) * chunk); seq++) {
        messages.push({ key: `k${seq % this.keys}`, value: JSON.stringify({ seq }) });
      }
      await producer.send({ topic: this.input, messages, acks: -1 });
      const due = started + (overMs * (i + 1)) / chunks;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    await producer.disconnect();
  }

  /** Polls until the group committed every input partition to its end; fails with the workers' logs. */
  async untilProcessed(timeoutMs = 180_000): Promise<void> {
    const highs = new Map(
      (await this.admin.fetchTopicOffsets(this.input)).map((p) => [p.partition, Number(p.high)]),
    );
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // The broker may be restarting (broker-restart test): ask again until the deadline.
      const answer = await this.admin
        .fetchOffsets({ groupId: this.appId, topics: [this.input] })
        .then(([topic]) => topic!.partitions)
        .catch(() => []);
      const offsets = answer.map((p) => [p.partition, Number(p.offset)] as const);
      if (offsets.length > 0 && offsets.every(([partition, offset]) => offset >= (highs.get(partition) ?? 0)))
        return;
      if (Date.now() > deadline) {
        const logs = this.all.map((w, i) => `--- worker ${i}:\n${w.output.slice(-3000)}`).join('\n');
        throw new Error(
          `input not processed in ${timeoutMs} ms: committed ${JSON.stringify(offsets)} of ${JSON.stringify([...highs])}\n${logs}`,
        );
      }
      await sleep(250);
    }
  }

  /** Every committed record of a topic up to its high watermarks (read_committed; markers skipped). */
  async readCommitted(topic: string): Promise<Message[]> {
    const highs = new Map(
      (await this.admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]),
    );
    const positions = new Map<number, number>();
    const out: Message[] = [];
    const transport = createTransport([brokerUrl()], {
      clientId: 'soak-reader',
      connectionTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
    });
    const consumer = transport.createConsumer({
      groupId: uniqueName('soak-reader'),
      clientId: 'soak-reader',
      autoOffsetReset: 'earliest',
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1_000,
      rebalanceTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      maxFetchBytes: 10_000_000,
      maxPollRecords: 0,
    });
    consumer.subscribe([topic]);
    const done = () => [...highs].every(([partition, high]) => (positions.get(partition) ?? 0) >= high);
    await consumer.start({
      onBatch: (batch) => {
        for (const message of batch.messages) {
          if (message.offset < (highs.get(batch.partition) ?? 0)) out.push(message);
          positions.set(batch.partition, message.offset + 1);
        }
      },
      onAssigned: () => {},
      onPosition: ({ partition }, next) => {
        positions.set(partition, Math.max(positions.get(partition) ?? 0, next));
      },
    });
    const deadline = Date.now() + 120_000;
    while (!done()) {
      if (Date.now() > deadline)
        throw new Error(
          `read ${out.length} records of ${topic} in 120 s; positions ${JSON.stringify([...positions])} of ${JSON.stringify([...highs])}`,
        );
      await sleep(100);
    }
    await consumer.stop();
    return out;
  }

  /** What the sink and the table's changelog hold, against the events fed. */
  async figures(): Promise<Figures> {
    const sink = await this.readCommitted(this.sink);
    this.sinkRecords = sink;
    const seen = new Map<number, number>();
    for (const record of sink) {
      const { seq } = JSON.parse(record.value!.toString()) as { seq: number };
      seen.set(seq, (seen.get(seq) ?? 0) + 1);
    }
    let lost = 0;
    for (let seq = 0; seq < this.events; seq++) if (!seen.has(seq)) lost++;
    const duplicates = sink.length - seen.size;
    const counts = new Map<string, number>();
    for (const record of await this.readCommitted(this.changelog)) {
      const key = JSON.parse(record.key!.toString()) as string;
      if (record.value === null) counts.delete(key);
      else counts.set(key, Number(record.value.toString()));
    }
    let countsBelow = 0;
    let countsAbove = 0;
    let sum = 0;
    for (let k = 0; k < this.keys; k++) {
      let exact = 0;
      for (let seq = k; seq < this.events; seq += this.keys) exact++;
      const count = counts.get(`k${k}`) ?? 0;
      sum += count;
      if (count < exact) countsBelow++;
      if (count > exact) countsAbove++;
    }
    return {
      events: this.events,
      lost,
      duplicates,
      countsBelow,
      countsAbove,
      excessCounts: sum - this.events,
    };
  }
}

/** Prints the one RESULT line of a fault run. */
export function printResult(name: string, figures: Record<string, unknown>): void {
  const fields = Object.entries(figures).map(
    ([key, value]) =>
      `${key}=${typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(2) : value}`,
  );
  console.log(`RESULT ${name} ${fields.join(' ')}`);
}

export function randomBetween(min: number, max: number): number {
  return min + Math.random() * (max - min);
}

/**
 * The longest pause in the sink's output within `windowMs` after each moment: how long a
 * rebalance (or an outage) stopped processing, from the sink records' timestamps.
 */
export function stallsAfter(records: Message[], moments: number[], windowMs = 30_000): number[] {
  const times = records.map((r) => r.timestamp).sort((a, b) => a - b);
  return moments.map((moment) => {
    let longest = 0;
    let previous = moment;
    for (const time of times) {
      if (time < moment) continue;
      if (time > moment + windowMs) break;
      longest = Math.max(longest, time - previous);
      previous = time;
    }
    return longest / 1000;
  });
}
