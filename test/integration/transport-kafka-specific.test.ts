/**
 * What the kafka:// transport promises beyond the shared contract suite, against the real broker:
 * compression, offsets in produce metadata, fast and clear failures, bounded batches.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import kafkajs, { type PartitionAssigner } from 'kafkajs';
import { kafkaTransport } from '../../runtime/transport/kafka/index.js';
import { ProducerBuffer } from '../../runtime/transport/producer-buffer.js';
import type {
  ConsumerOptions,
  Message,
  MessageBatch,
  OutgoingMessage,
  ProducerOptions,
  Transport,
  TransportAdmin,
  TransportConsumer,
  TransportOptions,
} from '../../runtime/transport/types.js';
import { brokerUrl, requireBroker } from '../support/broker.js';
import { uniqueName } from '../support/names.js';
import { freePort } from '../support/ports.js';

const { CompressionCodecs, CompressionTypes, PartitionAssigners } = kafkajs;

const TRANSPORT: Omit<TransportOptions, 'urls'> = {
  clientId: 'faustgen-kafka-specific',
  connectionTimeoutMs: 3_000,
  requestTimeoutMs: 30_000,
};
const PRODUCER: ProducerOptions = {
  clientId: 'faustgen-kafka-specific',
  acks: -1,
  compression: 'none',
  requestTimeoutMs: 30_000,
  maxRequestSize: 1_048_576,
};
const CONSUMER: Omit<ConsumerOptions, 'groupId'> = {
  clientId: 'faustgen-kafka-specific',
  autoOffsetReset: 'earliest',
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 500,
  rebalanceTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxFetchBytes: 10_485_760,
  maxPollRecords: 0,
};

const message = (topic: string, partition: number, value: string): OutgoingMessage => ({
  topic,
  partition,
  key: Buffer.from(`key-${value}`),
  value: Buffer.from(value),
});

/** A started consumer that records its batches; `until` waits for a condition on them. */
async function collect(
  transport: Transport,
  topic: string,
  overrides: Partial<ConsumerOptions> = {},
): Promise<{
  consumer: TransportConsumer;
  batches: MessageBatch[];
  until(count: number): Promise<Message[]>;
}> {
  const consumer = transport.createConsumer({
    ...CONSUMER,
    groupId: uniqueName('kafka-specific'),
    ...overrides,
  });
  const batches: MessageBatch[] = [];
  let wake = () => {};
  consumer.subscribe([topic]);
  await consumer.start({
    onBatch: (batch) => {
      batches.push(batch);
      wake();
    },
    onAssigned: () => {},
  });
  const received = () => batches.flatMap((batch) => batch.messages);
  const until = async (count: number) => {
    const deadline = Date.now() + 30_000;
    while (received().length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`got ${received().length} of ${count} messages from ${topic}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return received();
  };
  return { consumer, batches, until };
}

/** Counts the calls of kafkajs's codec for `type` while it is installed. */
function spyOnCodec(type: number): { compressed: number; decompressed: number; restore(): void } {
  const codecs = CompressionCodecs as Record<
    number,
    () => { compress(e: unknown): unknown; decompress(b: Buffer): unknown }
  >;
  const original = codecs[type]!;
  const spy = {
    compressed: 0,
    decompressed: 0,
    restore: () => {
      codecs[type] = original;
    },
  };
  codecs[type] = () => {
    const codec = original();
    return {
      compress: (encoder: unknown) => {
        spy.compressed++;
        return codec.compress(encoder);
      },
      decompress: (buffer: Buffer) => {
        spy.decompressed++;
        return codec.decompress(buffer);
      },
    };
  };
  return spy;
}

describe('kafka:// transport', { timeout: 120_000 }, () => {
  let transport: Transport;
  let admin: TransportAdmin;
  const topics: string[] = [];
  const consumers: TransportConsumer[] = [];

  const createTopic = async (role: string, partitions: number) => {
    const name = uniqueName(`kafka-specific-${role}`);
    await admin.createTopics([{ name, partitions, replicationFactor: 1 }]);
    topics.push(name);
    return name;
  };

  before(async () => {
    await requireBroker();
    transport = kafkaTransport({ ...TRANSPORT, urls: [brokerUrl()] });
    admin = transport.createAdmin();
  });

  after(async () => {
    await Promise.allSettled(consumers.map((consumer) => consumer.stop()));
    await admin.deleteTopics(topics);
    await admin.close();
  });

  for (const [compression, type] of [
    ['gzip', CompressionTypes.GZIP],
    ['snappy', CompressionTypes.Snappy],
  ] as const) {
    it(`round-trips ${compression}-compressed batches`, async () => {
      const topic = await createTopic(compression, 1);
      const spy = spyOnCodec(type);
      try {
        const producer = transport.createProducer({ ...PRODUCER, compression });
        await producer.connect();
        const values = Array.from({ length: 200 }, (_, i) => `${compression} message ${i} `.repeat(20));
        await producer.sendBatch(values.map((value) => message(topic, 0, value)));
        await producer.disconnect();
        assert.ok(spy.compressed > 0, `the producer compressed with ${compression}`);

        const reader = await collect(transport, topic);
        consumers.push(reader.consumer);
        const received = await reader.until(values.length);
        assert.ok(spy.decompressed > 0, `the consumer decompressed ${compression}`);
        assert.deepEqual(
          received.map((m) => m.value?.toString()),
          values,
        );
        assert.deepEqual(
          received.map((m) => m.offset),
          values.map((_, i) => i),
        );
      } finally {
        spy.restore();
      }
    });
  }

  it('refuses a message larger than maxRequestSize before sending anything', async () => {
    const topic = await createTopic('too-large', 1);
    const producer = transport.createProducer({ ...PRODUCER, maxRequestSize: 10_000 });
    await producer.connect();
    try {
      await assert.rejects(
        producer.sendBatch([message(topic, 0, 'small'), message(topic, 0, 'x'.repeat(20_000))]),
        /a message of \d+ bytes to .*\[0\] exceeds maxRequestSize 10000/,
      );
    } finally {
      await producer.disconnect();
    }
    const offsets = await admin.topicOffsets(topic);
    assert.deepEqual(
      offsets,
      [{ partition: 0, low: 0, high: 0 }],
      'nothing of the refused request was written',
    );
  });

  it('refuses lz4 and zstd, naming them', () => {
    assert.throws(
      () => transport.createProducer({ ...PRODUCER, compression: 'lz4' as ProducerOptions['compression'] }),
      /lz4 is not available/,
    );
    assert.throws(
      () => transport.createProducer({ ...PRODUCER, compression: 'zstd' as ProducerOptions['compression'] }),
      /zstd is not available/,
    );
  });

  it('answers sendBatch with the offsets a consumer then reads', async () => {
    const first = await createTopic('offsets-a', 3);
    const second = await createTopic('offsets-b', 2);
    const producer = transport.createProducer(PRODUCER);
    await producer.connect();
    await producer.sendBatch([message(first, 1, 'warm-up'), message(second, 0, 'warm-up')]);
    // Interleaved topics and partitions in one request, then a second request.
    const batch = Array.from({ length: 30 }, (_, i) =>
      i % 3 === 0 ? message(second, i % 2, `s${i}`) : message(first, i % 3, `f${i}`),
    );
    const metadata = [...(await producer.sendBatch(batch)), ...(await producer.sendBatch(batch.slice(0, 7)))];
    await producer.disconnect();
    const sent = [...batch, ...batch.slice(0, 7)];
    assert.equal(metadata.length, sent.length);
    sent.forEach((m, i) => {
      assert.equal(metadata[i]!.topic, m.topic);
      assert.equal(metadata[i]!.partition, m.partition);
    });

    const readers = await Promise.all([collect(transport, first), collect(transport, second)]);
    consumers.push(...readers.map((reader) => reader.consumer));
    const [fromFirst, fromSecond] = await Promise.all([
      readers[0].until(sent.filter((m) => m.topic === first).length + 1),
      readers[1].until(sent.filter((m) => m.topic === second).length + 1),
    ]);
    const where = new Map<string, string[]>();
    for (const m of [...fromFirst, ...fromSecond]) {
      where.set(`${m.topic}/${m.partition}/${m.offset}`, [m.value!.toString()]);
    }
    sent.forEach((m, i) => {
      const { topic, partition, offset } = metadata[i]!;
      assert.deepEqual(
        where.get(`${topic}/${partition}/${offset}`),
        [m.value!.toString()],
        `message ${i} (${m.value}) is at ${topic}[${partition}]@${offset}`,
      );
    });
  });

  it('gives offsets -1 with acks=0, and the messages still arrive', async () => {
    const topic = await createTopic('acks0', 1);
    const producer = transport.createProducer({ ...PRODUCER, acks: 0 });
    await producer.connect();
    const metadata = await producer.sendBatch([message(topic, 0, 'a'), message(topic, 0, 'b')]);
    await producer.disconnect();
    assert.deepEqual(
      metadata.map((m) => m.offset),
      [-1, -1],
    );
    const reader = await collect(transport, topic);
    consumers.push(reader.consumer);
    assert.deepEqual(
      (await reader.until(2)).map((m) => m.value?.toString()),
      ['a', 'b'],
    );
  });

  it('batches a burst of ProducerBuffer sends into few requests with consecutive offsets', async () => {
    const topic = await createTopic('buffer', 2);
    const producer = transport.createProducer(PRODUCER);
    await producer.connect();
    let requests = 0;
    const counting = {
      connect: () => producer.connect(),
      disconnect: () => producer.disconnect(),
      sendBatch: (messages: OutgoingMessage[]) => {
        requests++;
        return producer.sendBatch(messages);
      },
    };
    const buffer = new ProducerBuffer(counting, {
      maxBatchBytes: 16_384,
      lingerSeconds: 0,
      maxRequestSize: 1_000_000,
    });
    const sends = Array.from({ length: 100 }, (_, i) => buffer.send(message(topic, i % 2, `m${i}`)));
    await buffer.flush();
    const metadata = await Promise.all(sends);
    await producer.disconnect();
    assert.ok(requests <= 2, `100 small sends took ${requests} requests`);
    for (const partition of [0, 1]) {
      assert.deepEqual(
        metadata.filter((m) => m.partition === partition).map((m) => m.offset),
        Array.from({ length: 50 }, (_, i) => i),
      );
    }
  });

  it('hands over at most maxPollRecords messages per batch, each message once and in order', async () => {
    const topic = await createTopic('poll', 1);
    const producer = transport.createProducer(PRODUCER);
    await producer.connect();
    await producer.sendBatch(Array.from({ length: 50 }, (_, i) => message(topic, 0, `m${i}`)));
    await producer.disconnect();
    const reader = await collect(transport, topic, { maxPollRecords: 7 });
    consumers.push(reader.consumer);
    const received = await reader.until(50);
    assert.ok(
      reader.batches.every((batch) => batch.messages.length <= 7),
      `batch sizes ${reader.batches.map((b) => b.messages.length)}`,
    );
    assert.deepEqual(
      received.map((m) => m.offset),
      Array.from({ length: 50 }, (_, i) => i),
    );
  });

  it('rejects commits of a stopped consumer, and of one not started', async () => {
    const topic = await createTopic('commit', 1);
    const producer = transport.createProducer(PRODUCER);
    await producer.connect();
    await producer.sendBatch([message(topic, 0, 'a')]);
    await producer.disconnect();

    const idle = transport.createConsumer({ ...CONSUMER, groupId: uniqueName('kafka-specific-idle') });
    await assert.rejects(idle.commit([{ topic, partition: 0, offset: 1 }]), /commit while idle/);

    const reader = await collect(transport, topic);
    await reader.until(1);
    await reader.consumer.commit([{ topic, partition: 0, offset: 1 }]);
    await reader.consumer.stop();
    await assert.rejects(
      reader.consumer.commit([{ topic, partition: 0, offset: 1 }]),
      /commit while stopped/,
    );
    assert.deepEqual(reader.consumer.assignment(), []);
  });

  it('reports a crash kafkajs gives up on through onStopped(error), once', async () => {
    const topic = await createTopic('crash', 2);
    const groupId = uniqueName('kafka-specific-crash');
    // Round robin, except that the second assignment this member leads fails for good.
    const failingSecondTime: PartitionAssigner = (context) => {
      const inner = PartitionAssigners.roundRobin(context);
      let assignments = 0;
      return {
        ...inner,
        assign: async (group) => {
          assignments++;
          if (assignments === 2) {
            throw Object.assign(new Error('the test assignor fails'), { retriable: false });
          }
          return inner.assign(group);
        },
      };
    };
    const leader = transport.createConsumer({
      ...CONSUMER,
      groupId,
      partitionAssigners: [failingSecondTime],
    });
    consumers.push(leader);
    leader.subscribe([topic]);
    const stopped: (Error | undefined)[] = [];
    let assigned!: () => void;
    const firstAssignment = new Promise<void>((resolve) => {
      assigned = resolve;
    });
    const stop = new Promise<void>((resolve) => {
      void leader.start({
        onBatch: () => {},
        onAssigned: (assignment) => {
          if (assignment.length > 0) assigned();
        },
        onStopped: (error) => {
          stopped.push(error);
          resolve();
        },
      });
    });
    await firstAssignment;

    const second = transport.createConsumer({
      ...CONSUMER,
      groupId,
      partitionAssigners: [failingSecondTime],
    });
    consumers.push(second);
    second.subscribe([topic]);
    await second.start({ onBatch: () => {}, onAssigned: () => {} });
    await stop;
    assert.equal(stopped.length, 1);
    assert.match(String(stopped[0]?.message), /crashed and kafkajs gave up: the test assignor fails/);
    assert.deepEqual(leader.assignment(), []);
    await assert.rejects(leader.commit([{ topic, partition: 0, offset: 0 }]), /commit while stopped/);
    await leader.stop();
    assert.equal(stopped.length, 1, 'stop() after the crash calls onStopped no more');
  });

  it('stops cleanly when stop() comes while start() is under way', async () => {
    const topic = await createTopic('stop-while-starting', 1);
    const consumer = transport.createConsumer({ ...CONSUMER, groupId: uniqueName('kafka-specific-early') });
    consumers.push(consumer);
    consumer.subscribe([topic]);
    let stops = 0;
    const starting = consumer.start({
      onBatch: () => {},
      onAssigned: () => {},
      onStopped: () => {
        stops++;
      },
    });
    await consumer.stop();
    await assert.rejects(starting, /stop\(\) was called while starting/);
    assert.equal(stops, 1);
    assert.deepEqual(consumer.assignment(), []);
    await assert.rejects(consumer.commit([{ topic, partition: 0, offset: 0 }]), /commit while stopped/);
  });

  it('refuses to start a consumer on a topic that does not exist, naming it', async () => {
    const missing = uniqueName('kafka-specific-missing');
    const consumer = transport.createConsumer({ ...CONSUMER, groupId: uniqueName('kafka-specific-missing') });
    consumer.subscribe([missing]);
    await assert.rejects(consumer.start({ onBatch: () => {}, onAssigned: () => {} }), (error: Error) =>
      error.message.includes(missing),
    );
  });

  it('connects through the broker list when the first URL is dead', async () => {
    const dead = `kafka://127.0.0.1:${await freePort()}`;
    const both = kafkaTransport({ ...TRANSPORT, urls: [dead, brokerUrl()] });
    const producer = both.createProducer(PRODUCER);
    await producer.connect();
    await producer.disconnect();
  });

  it('fails fast with a message naming an unreachable broker', async () => {
    const url = `kafka://127.0.0.1:${await freePort()}`;
    const dead = kafkaTransport({ ...TRANSPORT, connectionTimeoutMs: 1_000, urls: [url] });
    const expected = new RegExp(
      `^Kafka broker ${url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not reachable: `,
    );
    const attempts: [string, () => Promise<unknown>][] = [
      ['producer', () => dead.createProducer(PRODUCER).connect()],
      ['admin', () => dead.createAdmin().listTopics()],
      [
        'consumer',
        () => {
          const consumer = dead.createConsumer({ ...CONSUMER, groupId: uniqueName('kafka-specific-dead') });
          consumer.subscribe(['anything']);
          return consumer.start({ onBatch: () => {}, onAssigned: () => {} });
        },
      ],
    ];
    for (const [what, attempt] of attempts) {
      const started = Date.now();
      await assert.rejects(attempt(), (error: Error) => {
        assert.match(error.message, expected, `${what}: ${error.message}`);
        return true;
      });
      const took = Date.now() - started;
      assert.ok(took < 10_000, `${what} took ${took} ms to fail`);
    }
  });
});
