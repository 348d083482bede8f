/**
 * The real broker end to end: 10,000 keyed messages through a 4-partition topic into one consumer
 * group of two kafkajs consumers. Every message must arrive exactly once, on the partition the Java
 * client would have chosen for its key (kafkajs's default partitioner places them; we never do).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { javaPartition } from '../../runtime/channels/partitioner.js';
import { connectAdmin, createKafka, requireBroker } from '../support/broker.js';
import { uniqueName } from '../support/names.js';

const PARTITIONS = 4;
const MESSAGES = 10_000;
const BATCH = 1_000;

interface Received {
  partition: number;
  key: string;
  consumer: number;
}

describe('broker round trip', { timeout: 180_000 }, () => {
  const topic = uniqueName('roundtrip');
  const groupId = uniqueName('roundtrip-group');
  const kafka = createKafka();
  let admin: Admin | undefined;
  let producer: Producer | undefined;
  const consumers: Consumer[] = [];

  before(async () => {
    await requireBroker();
    admin = await connectAdmin();
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    assert.equal(created, true, `topic ${topic} already existed`);
  });

  after(async () => {
    await Promise.allSettled(consumers.map((consumer) => consumer.disconnect()));
    await producer?.disconnect();
    if (admin) {
      await admin.deleteGroups([groupId]).catch(() => {});
      await admin.deleteTopics({ topics: [topic] });
      await admin.disconnect();
    }
  });

  it('delivers every keyed message exactly once, on its Java-compatible partition', async () => {
    const received = new Map<number, Received>();
    const duplicates: number[] = [];
    let resolveAll!: () => void;
    const allReceived = new Promise<void>((resolve) => {
      resolveAll = resolve;
    });
    // Each consumer's assignment after its latest join: production starts once the group is split.
    const assignments: number[][] = [[], []];
    let resolveSplit!: () => void;
    const groupSplit = new Promise<void>((resolve) => {
      resolveSplit = resolve;
    });

    for (const index of [0, 1]) {
      const consumer = kafka.consumer({
        groupId,
        sessionTimeout: 6_000,
        rebalanceTimeout: 5_000,
        heartbeatInterval: 300,
        maxWaitTimeInMs: 100,
      });
      consumers.push(consumer);
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        assignments[index] = payload.memberAssignment[topic] ?? [];
        const assigned = assignments.flat().length;
        if (assignments.every((partitions) => partitions.length > 0) && assigned === PARTITIONS) {
          resolveSplit();
        }
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          const key = message.key?.toString() ?? '';
          const sequence = Number(message.value?.toString());
          if (received.has(sequence)) duplicates.push(sequence);
          received.set(sequence, { partition, key, consumer: index });
          if (received.size === MESSAGES) resolveAll();
        },
      });
    }
    await withTimeout(
      groupSplit,
      60_000,
      () => `group never split: assignments ${JSON.stringify(assignments)}`,
    );
    assert.deepEqual(
      assignments.flat().sort((a, b) => a - b),
      Array.from({ length: PARTITIONS }, (_, partition) => partition),
    );

    producer = kafka.producer();
    await producer.connect();
    for (let start = 0; start < MESSAGES; start += BATCH) {
      const messages = Array.from({ length: BATCH }, (_, offset) => ({
        key: `key-${start + offset}`,
        value: String(start + offset),
      }));
      await producer.send({ topic, messages });
    }

    await withTimeout(allReceived, 90_000, () => `received ${received.size} of ${MESSAGES} messages`);

    assert.deepEqual(duplicates, [], 'messages delivered more than once');
    assert.equal(received.size, MESSAGES);
    const misplaced: string[] = [];
    for (let sequence = 0; sequence < MESSAGES; sequence++) {
      const message = received.get(sequence);
      assert.ok(message, `message ${sequence} missing`);
      assert.equal(message.key, `key-${sequence}`);
      const expected = javaPartition(Buffer.from(message.key), PARTITIONS);
      if (message.partition !== expected) {
        misplaced.push(`${message.key}: partition ${message.partition}, Java client: ${expected}`);
      }
      assert.ok(
        assignments[message.consumer]!.includes(message.partition),
        `${message.key} consumed by consumer ${message.consumer}, which does not own partition ${message.partition}`,
      );
    }
    assert.deepEqual(misplaced.slice(0, 10), [], `${misplaced.length} keys on another partition than Java's`);

    const offsets = await admin!.fetchTopicOffsets(topic);
    const total = offsets.reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
    assert.equal(total, MESSAGES, 'the topic holds another number of messages than were produced');
    for (const index of [0, 1]) {
      assert.ok(
        [...received.values()].some((message) => message.consumer === index),
        `consumer ${index} received nothing`,
      );
    }
  });
});

async function withTimeout<T>(promise: Promise<T>, ms: number, progress: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${progress()}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
