/**
 * What only the librdkafka transport does, against the real broker: static group membership (a
 * member restarted within the session timeout gets its partitions back without a rebalance),
 * revoke callbacks before the partitions go, cooperative rebalances that move only the partitions
 * changing owner (FAUSTGEN_TEST_ASSIGNMENT_STRATEGY=range shows the same test failing on eager),
 * lz4 and zstd, and transactions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RdTransportExtras, librdkafkaTransport } from '../../runtime/transport/librdkafka/index.js';
import type {
  ConsumerOptions,
  Message,
  TopicPartition,
  Transport,
  TransportAdmin,
  TransportConsumer,
  TransportProducer,
} from '../../runtime/transport/types.js';
import { brokerUrl, requireBroker } from '../support/broker.js';
import { librdkafkaOrSkip } from '../support/librdkafka.js';
import { uniqueName } from '../support/names.js';

const WAIT_MS = 45_000;

before(() => requireBroker());

function transport(extras: RdTransportExtras = {}): Transport {
  return librdkafkaTransport(
    {
      urls: [brokerUrl()],
      clientId: 'faustgen-rd-specific',
      connectionTimeoutMs: 3_000,
      requestTimeoutMs: 30_000,
    },
    extras,
  );
}

/** Re-checks waits whenever any member reports something. */
class Events {
  private readonly checks = new Set<() => void>();
  changed(): void {
    for (const check of [...this.checks]) check();
  }
  until(what: string, ready: () => boolean, describe: () => string): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.checks.delete(check);
        reject(new Error(`timed out after ${WAIT_MS} ms waiting for ${what}; ${describe()}`));
      }, WAIT_MS);
      const check = () => {
        if (!ready()) return;
        clearTimeout(timer);
        this.checks.delete(check);
        resolve();
      };
      this.checks.add(check);
    });
  }
}

interface Member {
  consumer: TransportConsumer;
  assignments: { assignment: TopicPartition[]; generation: number }[];
  revoked: { assignment: TopicPartition[]; generation: number }[];
  received: Message[];
}

const partitionsOf = (member: Member): number[] =>
  (member.assignments.at(-1)?.assignment ?? []).map((tp) => tp.partition).sort();
const generationOf = (member: Member): number => member.assignments.at(-1)?.generation ?? -1;

function member(
  transport: Transport,
  events: Events,
  groupId: string,
  topic: string,
  overrides: Partial<ConsumerOptions>,
): Member {
  const consumer = transport.createConsumer({
    groupId,
    clientId: uniqueName('rd-member'),
    autoOffsetReset: 'earliest',
    sessionTimeoutMs: 30_000,
    heartbeatIntervalMs: 500,
    rebalanceTimeoutMs: 30_000,
    requestTimeoutMs: 30_000,
    maxFetchBytes: 10_485_760,
    maxPollRecords: 500,
    ...overrides,
  });
  consumer.subscribe([topic]);
  const state: Member = { consumer, assignments: [], revoked: [], received: [] };
  void consumer.start({
    onBatch: (batch) => {
      state.received.push(...batch.messages);
      events.changed();
    },
    onAssigned: (assignment, generation) => {
      state.assignments.push({ assignment, generation });
      events.changed();
    },
    onRevoking: async (assignment, generation) => {
      state.revoked.push({ assignment, generation });
      events.changed();
    },
  });
  return state;
}

const describeMembers = (members: Record<string, Member>) => () =>
  Object.entries(members)
    .map(
      ([name, m]) =>
        `${name}: generation ${generationOf(m)} partitions ${partitionsOf(m)} revoked ${JSON.stringify(m.revoked)}`,
    )
    .join('; ');

if (librdkafkaOrSkip('librdkafka transport specifics')) {
  describe('librdkafka transport', () => {
    const rd = transport();
    let admin: TransportAdmin;
    const topics: string[] = [];
    const consumers: TransportConsumer[] = [];
    const producers: TransportProducer[] = [];

    before(() => {
      admin = rd.createAdmin();
    });
    after(async () => {
      await Promise.all(consumers.map((c) => c.stop().catch(() => {})));
      await Promise.all(producers.map((p) => p.disconnect().catch(() => {})));
      await admin.deleteTopics(topics).catch(() => {});
      await admin.close();
    });

    async function topic(role: string, partitions: number): Promise<string> {
      const name = uniqueName(`fg-rd-${role}`);
      await admin.createTopics([{ name, partitions, replicationFactor: 1 }]);
      topics.push(name);
      return name;
    }

    it('a static member restarted within the session timeout gets its partitions back without a rebalance', {
      timeout: 180_000,
    }, async () => {
      const name = await topic('static', 4);
      const group = uniqueName('fg-rd-static');
      const events = new Events();
      const a = member(rd, events, group, name, { groupInstanceId: 'worker-a' });
      consumers.push(a.consumer);
      await events.until('a owns all 4', () => partitionsOf(a).length === 4, describeMembers({ a }));
      const b = member(rd, events, group, name, { groupInstanceId: 'worker-b' });
      consumers.push(b.consumer);
      const settled = () =>
        generationOf(a) === generationOf(b) && partitionsOf(a).length === 2 && partitionsOf(b).length === 2;
      await events.until('a split of 2 and 2', settled, describeMembers({ a, b }));
      const generation = generationOf(b);
      const ofB = partitionsOf(b);
      const rebalancesOfA = a.assignments.length;

      await b.consumer.stop();
      const restarted = member(rd, events, group, name, { groupInstanceId: 'worker-b' });
      consumers.push(restarted.consumer);
      await events.until(
        'the restarted b to be assigned',
        () => restarted.assignments.length > 0,
        describeMembers({ a, restarted }),
      );
      assert.deepEqual(partitionsOf(restarted), ofB, 'the restarted member has its old partitions');
      assert.equal(generationOf(restarted), generation, 'in the same generation: no rebalance happened');
      assert.equal(a.assignments.length, rebalancesOfA, 'the other member saw no rebalance');
      assert.equal(a.revoked.length, 1, 'a gave up partitions only when b first joined');
    });

    it('calls onRevoking with the old generation before the partitions go, and commits in it succeed', {
      timeout: 180_000,
    }, async () => {
      const name = await topic('revoke', 2);
      const group = uniqueName('fg-rd-revoke');
      const events = new Events();
      const producer = rd.createProducer({
        clientId: 'rd-revoke',
        acks: -1,
        compression: 'none',
        requestTimeoutMs: 30_000,
        maxRequestSize: 1_048_576,
      });
      producers.push(producer);
      await producer.connect();
      await producer.sendBatch(
        [0, 1].map((partition) => ({ topic: name, partition, key: null, value: Buffer.from('x') })),
      );
      const commits: string[] = [];
      const consumer = rd.createConsumer({
        groupId: group,
        clientId: 'rd-revoke-a',
        autoOffsetReset: 'earliest',
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 500,
        rebalanceTimeoutMs: 30_000,
        requestTimeoutMs: 30_000,
        maxFetchBytes: 10_485_760,
        maxPollRecords: 500,
      });
      consumers.push(consumer);
      consumer.subscribe([name]);
      const a: Member = { consumer, assignments: [], revoked: [], received: [] };
      await consumer.start({
        onBatch: (batch) => {
          a.received.push(...batch.messages);
          events.changed();
        },
        onAssigned: (assignment, generation) => {
          a.assignments.push({ assignment, generation });
          events.changed();
        },
        onRevoking: async (assignment, generation) => {
          a.revoked.push({ assignment, generation });
          // The partitions are still ours: a commit of this generation goes through.
          await consumer.commit(assignment.map((tp) => ({ ...tp, offset: 1 })));
          commits.push(`generation ${generation}`);
          events.changed();
        },
      });
      await events.until('both messages', () => a.received.length >= 2, describeMembers({ a }));
      const first = generationOf(a);
      const b = member(rd, events, group, name, {});
      consumers.push(b.consumer);
      await events.until(
        'a split',
        () => generationOf(a) === generationOf(b) && partitionsOf(b).length === 1,
        describeMembers({ a, b }),
      );
      assert.deepEqual(
        a.revoked.map((r) => r.generation),
        [first],
        'onRevoking once, with the generation it had',
      );
      assert.deepEqual(commits, [`generation ${first}`]);
      const committed = await admin.committedOffsets(group, name);
      assert.deepEqual(
        committed.map((c) => c.offset),
        [1, 1],
        'the commit made in onRevoking was applied',
      );
    });

    it('a cooperative-sticky rebalance moves only the partitions that change owner', {
      timeout: 180_000,
    }, async () => {
      const strategy = process.env.FAUSTGEN_TEST_ASSIGNMENT_STRATEGY ?? 'cooperative-sticky';
      const cooperative = transport({ assignmentStrategy: strategy });
      const name = await topic('cooperative', 6);
      const group = uniqueName('fg-rd-cooperative');
      const events = new Events();
      const join = () => {
        const joined = member(cooperative, events, group, name, {});
        consumers.push(joined.consumer);
        return joined;
      };
      const revokedOf = (m: Member, from: number): number[] =>
        m.revoked
          .slice(from)
          .flatMap((r) => r.assignment.map((tp) => tp.partition))
          .sort();
      const a = join();
      await events.until('a owns all 6', () => partitionsOf(a).length === 6, describeMembers({ a }));
      const b = join();
      await events.until(
        'a split of 3 and 3',
        () =>
          generationOf(a) === generationOf(b) && partitionsOf(a).length === 3 && partitionsOf(b).length === 3,
        describeMembers({ a, b }),
      );
      assert.deepEqual(revokedOf(a, 0), partitionsOf(b), 'a gave up exactly the partitions b got');
      assert.deepEqual(b.revoked, [], 'b gave up nothing');

      const [keptByA, keptByB] = [partitionsOf(a), partitionsOf(b)];
      const [revokesOfA, revokesOfB] = [a.revoked.length, b.revoked.length];
      const c = join();
      const settled = () =>
        generationOf(a) === generationOf(c) &&
        generationOf(b) === generationOf(c) &&
        [a, b, c].every((m) => partitionsOf(m).length === 2);
      await events.until('a split of 2, 2 and 2', settled, describeMembers({ a, b, c }));
      const movedToC = partitionsOf(c);
      assert.deepEqual(
        [...revokedOf(a, revokesOfA), ...revokedOf(b, revokesOfB)].sort(),
        movedToC,
        'a and b gave up exactly the partitions c got',
      );
      assert.deepEqual(
        partitionsOf(a),
        keptByA.filter((p) => !movedToC.includes(p)),
        'a kept the rest of its partitions, never revoked',
      );
      assert.deepEqual(
        partitionsOf(b),
        keptByB.filter((p) => !movedToC.includes(p)),
        'b kept the rest of its partitions, never revoked',
      );
      assert.deepEqual(c.revoked, [], 'c gave up nothing');
    });

    it('a partition held back (onBatch still pending) when it is revoked is fetched again when it comes back', {
      timeout: 180_000,
    }, async () => {
      const held = await topic('held', 1);
      const other = await topic('held-other', 1);
      const group = uniqueName('fg-rd-held');
      const producer = rd.createProducer({
        clientId: 'rd-held',
        acks: -1,
        compression: 'none',
        requestTimeoutMs: 30_000,
        maxRequestSize: 1_048_576,
      });
      producers.push(producer);
      await producer.connect();
      await producer.sendBatch([{ topic: held, partition: 0, key: null, value: Buffer.from('x') }]);
      const events = new Events();
      const consumer = rd.createConsumer({
        groupId: group,
        clientId: 'rd-held-a',
        autoOffsetReset: 'earliest',
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 500,
        rebalanceTimeoutMs: 30_000,
        requestTimeoutMs: 30_000,
        maxFetchBytes: 10_485_760,
        maxPollRecords: 500,
      });
      consumers.push(consumer);
      consumer.subscribe([held]);
      const a: Member = { consumer, assignments: [], revoked: [], received: [] };
      const batches: number[] = [];
      await consumer.start({
        // The first generation's batch never makes room: the loop pauses the partition (holdBack).
        onBatch: (batch) => {
          batches.push(batch.generation);
          events.changed();
          return batch.generation === generationOf(a) && batches.length === 1
            ? new Promise<void>(() => {})
            : undefined;
        },
        onAssigned: (assignment, generation) => {
          a.assignments.push({ assignment, generation });
          events.changed();
        },
        onRevoking: async (assignment, generation) => {
          a.revoked.push({ assignment, generation });
          events.changed();
        },
      });
      await events.until('the first batch', () => batches.length === 1, describeMembers({ a }));
      const first = generationOf(a);
      // A member of another topic joins: an eager rebalance revokes the held-back partition and
      // gives it back to a in the next generation.
      const b = member(rd, events, group, other, {});
      consumers.push(b.consumer);
      await events.until(
        'a rebalance',
        () => generationOf(a) > first && generationOf(b) === generationOf(a),
        describeMembers({ a, b }),
      );
      assert.deepEqual(partitionsOf(a), [0], 'a has its partition back');
      await events.until(
        'the message again, in the new generation',
        () => batches.some((generation) => generation > first),
        () => `batches in generations ${JSON.stringify(batches)}; ${describeMembers({ a, b })()}`,
      );
    });

    it('concurrent sendBatch calls to a topic not sent to before land in the order of the calls', {
      timeout: 120_000,
    }, async () => {
      const name = await topic('send-order', 1);
      const producer = rd.createProducer({
        clientId: 'rd-send-order',
        acks: -1,
        compression: 'none',
        requestTimeoutMs: 30_000,
        maxRequestSize: 1_048_576,
      });
      producers.push(producer);
      await producer.connect();
      // As the ProducerBuffer does with several requests in flight: the first batches to a new
      // topic each wait for the metadata check, and must not overtake one another.
      const values = Array.from({ length: 40 }, (_, i) => `v${i}`);
      await Promise.all(
        values.map((value) =>
          producer.sendBatch([{ topic: name, partition: 0, key: null, value: Buffer.from(value) }]),
        ),
      );
      const events = new Events();
      const reader = member(rd, events, uniqueName('fg-rd-send-order'), name, {});
      consumers.push(reader.consumer);
      await events.until('40 messages', () => reader.received.length >= 40, describeMembers({ reader }));
      assert.deepEqual(
        reader.received.map((m) => m.value?.toString()),
        values,
      );
    });

    it('a seek made in onAssigned moves the partition (librdkafka would drop it as outdated)', {
      timeout: 120_000,
    }, async () => {
      const name = await topic('seek-assigned', 1);
      const producer = rd.createProducer({
        clientId: 'rd-seek-assigned',
        acks: -1,
        compression: 'none',
        requestTimeoutMs: 30_000,
        maxRequestSize: 1_048_576,
      });
      producers.push(producer);
      await producer.connect();
      await producer.sendBatch(
        Array.from({ length: 10 }, (_, i) => ({
          topic: name,
          partition: 0,
          key: null,
          value: Buffer.from(`m${i}`),
        })),
      );
      const events = new Events();
      const consumer = rd.createConsumer({
        groupId: uniqueName('fg-rd-seek-assigned'),
        clientId: 'rd-seek-assigned',
        autoOffsetReset: 'earliest',
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 500,
        rebalanceTimeoutMs: 30_000,
        requestTimeoutMs: 30_000,
        maxFetchBytes: 10_485_760,
        maxPollRecords: 500,
      });
      consumers.push(consumer);
      consumer.subscribe([name]);
      const received: Message[] = [];
      // As the table recovery does: seek each assigned partition as soon as it is assigned.
      await consumer.start({
        onAssigned: (assignment) => {
          for (const tp of assignment) consumer.seek(tp, 6);
        },
        onBatch: (batch) => {
          received.push(...batch.messages);
          events.changed();
        },
      });
      await events.until(
        'offsets 6-9',
        () => received.some((m) => m.offset === 9),
        () => JSON.stringify(received.map((m) => m.offset)),
      );
      assert.deepEqual(
        received.map((m) => m.offset),
        [6, 7, 8, 9],
      );
    });

    it('reports the position past a partition that holds only an aborted transaction', {
      timeout: 120_000,
    }, async () => {
      const name = await topic('markers', 1);
      const txn = rd.createTransactionalProducer({
        clientId: 'rd-markers',
        acks: -1,
        compression: 'none',
        requestTimeoutMs: 30_000,
        maxRequestSize: 1_048_576,
        transactionalId: uniqueName('fg-rd-markers-id'),
        transactionTimeoutMs: 30_000,
      });
      await txn.connect();
      try {
        await txn.sendBatch([{ topic: name, partition: 0, key: null, value: Buffer.from('aborted') }]);
        await txn.abort();
      } finally {
        await txn.disconnect();
      }
      const high = (await admin.topicOffsets(name))[0]?.high;
      assert.equal(high, 2, 'the aborted record and its marker');
      const events = new Events();
      const positions: number[] = [];
      const batches: number[] = [];
      const consumer = rd.createConsumer({
        groupId: uniqueName('fg-rd-markers'),
        clientId: 'rd-markers',
        autoOffsetReset: 'earliest',
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 500,
        rebalanceTimeoutMs: 30_000,
        requestTimeoutMs: 30_000,
        maxFetchBytes: 10_485_760,
        maxPollRecords: 500,
      });
      consumers.push(consumer);
      consumer.subscribe([name]);
      await consumer.start({
        onAssigned: () => {},
        onBatch: (batch) => {
          batches.push(...batch.messages.map((m) => m.offset));
          events.changed();
        },
        onPosition: (_tp, next) => {
          positions.push(next);
          events.changed();
        },
      });
      await events.until(
        'position 2',
        () => positions.includes(high),
        () => `positions ${positions}`,
      );
      assert.deepEqual(batches, [], 'no message is delivered');
    });

    for (const compression of ['lz4', 'zstd'] as const) {
      it(`produces ${compression}-compressed batches (the client must have the codec) and reads them back`, {
        timeout: 120_000,
      }, async () => {
        const name = await topic(compression, 1);
        const producer = rd.createProducer({
          clientId: `rd-${compression}`,
          acks: -1,
          compression,
          requestTimeoutMs: 30_000,
          maxRequestSize: 1_048_576,
        });
        producers.push(producer);
        await producer.connect();
        const values = Array.from({ length: 50 }, (_, i) => `${compression} value ${i} ${'z'.repeat(100)}`);
        await producer.sendBatch(
          values.map((v) => ({ topic: name, partition: 0, key: null, value: Buffer.from(v) })),
        );
        const events = new Events();
        const reader = member(rd, events, uniqueName(`fg-rd-${compression}`), name, {});
        consumers.push(reader.consumer);
        await events.until('50 messages', () => reader.received.length >= 50, describeMembers({ reader }));
        assert.deepEqual(
          reader.received.map((m) => m.value?.toString()),
          values,
        );
      });
    }

    it('a transaction makes sends and offsets visible together on commit, never on abort', {
      timeout: 120_000,
    }, async () => {
      const name = await topic('txn', 1);
      const group = uniqueName('fg-rd-txn');
      const txn = rd.createTransactionalProducer({
        clientId: 'rd-txn',
        acks: -1,
        compression: 'none',
        requestTimeoutMs: 30_000,
        maxRequestSize: 1_048_576,
        transactionalId: uniqueName('fg-rd-txn-id'),
        transactionTimeoutMs: 30_000,
      });
      await txn.connect();
      try {
        assert.equal(txn.inTransaction, false);
        await txn.sendBatch([{ topic: name, partition: 0, key: null, value: Buffer.from('aborted') }]);
        assert.equal(txn.inTransaction, true);
        await txn.abort();
        await txn.sendBatch([{ topic: name, partition: 0, key: null, value: Buffer.from('committed') }]);
        await txn.sendOffsets(group, [{ topic: name, partition: 0, offset: 7 }]);
        const metadata = await txn.commit();
        assert.deepEqual(
          metadata.map((m) => [m.topic, m.partition, m.offset]),
          [[name, 0, 2]],
          'commit() answers the metadata of the records it made visible (after the aborted one and its marker)',
        );
        assert.deepEqual(await txn.commit(), [], 'nothing more to commit');
        assert.equal(txn.inTransaction, false);
      } finally {
        await txn.disconnect();
      }
      assert.deepEqual(await admin.committedOffsets(group, name), [{ topic: name, partition: 0, offset: 7 }]);
      const events = new Events();
      const reader = member(rd, events, uniqueName('fg-rd-txn-reader'), name, {});
      consumers.push(reader.consumer);
      await events.until(
        'the committed message',
        () => reader.received.length >= 1,
        describeMembers({ reader }),
      );
      assert.deepEqual(
        reader.received.map((m) => m.value?.toString()),
        ['committed'],
        'a read_committed consumer sees only the committed transaction',
      );
    });
  });
}
