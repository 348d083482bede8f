/**
 * What a consumer group committed and what a topic holds, read from the test broker: for tests
 * that wait until workers have processed a topic to its end and then check what they produced.
 */
import type { Admin, Kafka } from 'kafkajs';
import { uniqueName } from './names.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A group's committed offsets as the broker answers them (-1 when none, -2 as committed). */
export async function committedOffsets(
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<Map<number, number>> {
  const answer = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map(answer[0]!.partitions.map((p) => [p.partition, Number(p.offset)]));
}

/** A topic's high watermarks per partition. */
export async function highWatermarks(admin: Admin, topic: string): Promise<Map<number, number>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
}

/** The sum of the non-negative offsets. */
export const offsetTotal = (offsets: Map<number, number>): number =>
  [...offsets.values()].reduce((n, o) => n + Math.max(0, o), 0);

/** Polls the committed offsets until `done` holds; fails with them (and `logs()`) after `timeoutMs`. */
export async function untilCommitted(
  admin: Admin,
  groupId: string,
  topic: string,
  done: (offsets: Map<number, number>) => boolean,
  what: string,
  timeoutMs: number,
  logs: () => string = () => '',
  /** Says why waiting is pointless (e.g. a worker exited), to fail at once. */
  failIf: () => string | undefined = () => undefined,
): Promise<Map<number, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const offsets = await committedOffsets(admin, groupId, topic).catch(() => new Map<number, number>());
    if (done(offsets)) return offsets;
    const hopeless = failIf();
    if (hopeless)
      throw new Error(`${what}: ${hopeless}; committed ${JSON.stringify([...offsets])}\n${logs()}`);
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not reached after ${timeoutMs} ms; committed ${JSON.stringify([...offsets])}\n${logs()}`,
      );
    }
    await sleep(200);
  }
}

/** Until the group committed every partition of `topic` to its current high watermark. */
export async function untilFullyCommitted(
  admin: Admin,
  groupId: string,
  topic: string,
  timeoutMs: number,
  logs?: () => string,
  failIf?: () => string | undefined,
): Promise<Map<number, number>> {
  const ends = await highWatermarks(admin, topic);
  return untilCommitted(
    admin,
    groupId,
    topic,
    (o) => [...ends].every(([p, high]) => o.get(p) === high),
    'every partition committed to its high watermark',
    timeoutMs,
    logs,
    failIf,
  );
}

export interface TopicRecord {
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
}

/** Every record of a topic up to its current high watermarks. */
export async function readTopic(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  timeoutMs = 60_000,
): Promise<TopicRecord[]> {
  const ends = await highWatermarks(admin, topic);
  const out: TopicRecord[] = [];
  const withData = [...ends.values()].filter((h) => h > 0).length;
  if (withData === 0) return out;
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxBytesPerPartition: 4 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const reached = new Set<number>();
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const offset = Number(message.offset);
      const end = ends.get(partition) ?? 0;
      if (offset >= end) return;
      const headers: Record<string, Buffer> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) {
        const last = Array.isArray(value) ? value[value.length - 1] : value;
        if (last !== undefined) headers[name] = Buffer.isBuffer(last) ? last : Buffer.from(last);
      }
      out.push({ partition, offset, key: message.key, value: message.value, headers });
      if (offset === end - 1) reached.add(partition);
    },
  });
  const deadline = Date.now() + timeoutMs;
  try {
    while (reached.size < withData) {
      if (Date.now() > deadline) throw new Error(`read ${out.length} records of ${topic} in ${timeoutMs} ms`);
      await sleep(100);
    }
  } finally {
    await consumer.disconnect();
  }
  return out;
}

/** A table's state as its changelog replays (JSON keys, as faustgen writes them), per partition. */
export function replayChangelog(records: TopicRecord[]): Map<number, Map<string, string>> {
  const replayed = new Map<number, Map<string, string>>();
  for (const { partition, key, value } of records) {
    const state = replayed.get(partition) ?? new Map<string, string>();
    replayed.set(partition, state);
    const k = JSON.parse(key!.toString()) as string;
    if (value === null) state.delete(k);
    else state.set(k, value.toString());
  }
  return replayed;
}
