/**
 * Exactly-once v2 (KIP-447) on librdkafka, against the real broker: a transactional producer
 * whose offsets carry its group member's metadata commits while the member is in the group's
 * generation, and is refused once an assignment left the member behind (a zombie), although no
 * other producer fenced its transactional id. The control shows that without the member's
 * metadata (the group id only, EOS v1) the same zombie commits.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { librdkafkaTransport } from '../../runtime/transport/librdkafka/index.js';
import type {
  Message,
  TopicPartition,
  TransactionalProducer,
  TransportAdmin,
  TransportConsumer,
} from '../../runtime/transport/types.js';
import { brokerUrl, requireBroker } from '../support/broker.js';
import { librdkafkaOrSkip } from '../support/librdkafka.js';
import { eventually } from '../support/memory-app.js';
import { uniqueName } from '../support/names.js';

const WAIT_MS = 60_000;

before(() => requireBroker());

const rd = librdkafkaTransport({
  urls: [brokerUrl()],
  clientId: 'faustgen-eos-v2',
  connectionTimeoutMs: 3_000,
  requestTimeoutMs: 30_000,
});

interface Member {
  consumer: TransportConsumer;
  assignments: { assignment: TopicPartition[]; generation: number }[];
  /** Set while the member is held inside its revoke callback; calling it lets the rebalance go on. */
  releaseRevoke?: () => void;
}

/**
 * A group member whose revoke callback does not return until released: held there past the
 * rebalance timeout (6 s), the coordinator completes the rebalance without it, as it would for
 * a worker stuck in a long pause: a zombie that still believes it owns its partitions.
 */
function member(groupId: string, topic: string, holdRevoke: boolean): Member {
  const consumer = rd.createConsumer({
    groupId,
    clientId: uniqueName('eos-v2-member'),
    autoOffsetReset: 'earliest',
    sessionTimeoutMs: 6_000,
    heartbeatIntervalMs: 500,
    rebalanceTimeoutMs: 6_000,
    requestTimeoutMs: 30_000,
    maxFetchBytes: 1_048_576,
    maxPollRecords: 100,
  });
  consumer.subscribe([topic]);
  const state: Member = { consumer, assignments: [] };
  void consumer.start({
    onBatch: () => {},
    onAssigned: (assignment, generation) => {
      state.assignments.push({ assignment, generation });
    },
    onRevoking: () =>
      holdRevoke
        ? new Promise<void>((resolve) => {
            state.releaseRevoke = resolve;
          })
        : Promise.resolve(),
  });
  return state;
}

const partitionsOf = (m: Member) => (m.assignments.at(-1)?.assignment ?? []).length;
const generationOf = (m: Member) => m.assignments.at(-1)?.generation ?? -1;

if (librdkafkaOrSkip('exactly-once v2 group fencing')) {
  describe('exactly-once v2 on librdkafka: transactions fenced by the group generation', () => {
    let admin: TransportAdmin;
    const topics: string[] = [];
    const consumers: TransportConsumer[] = [];
    const producers: TransactionalProducer[] = [];
    const releases: Member[] = [];

    before(() => {
      admin = rd.createAdmin();
    });
    after(async () => {
      for (const m of releases) m.releaseRevoke?.();
      await Promise.all(producers.map((p) => p.disconnect().catch(() => {})));
      await Promise.all(consumers.map((c) => c.stop().catch(() => {})));
      await admin.deleteTopics(topics).catch(() => {});
      await admin.close();
    });

    async function topic(role: string): Promise<string> {
      const name = uniqueName(`fg-eos2-${role}`);
      await admin.createTopics([{ name, partitions: 2, replicationFactor: 1 }]);
      topics.push(name);
      return name;
    }

    async function producer(groupMember: TransportConsumer | undefined): Promise<TransactionalProducer> {
      const txn = rd.createTransactionalProducer({
        clientId: 'eos-v2',
        acks: -1,
        compression: 'none',
        requestTimeoutMs: 30_000,
        maxRequestSize: 1_048_576,
        transactionalId: uniqueName('fg-eos2-worker'),
        transactionTimeoutMs: 30_000,
        ...(groupMember ? { groupMember } : {}),
      });
      producers.push(txn);
      await txn.connect();
      return txn;
    }

    /** Every record of a topic a read_committed reader sees up to the high watermarks. */
    async function committedValues(name: string): Promise<string[]> {
      const reader = rd.createConsumer({
        groupId: uniqueName('fg-eos2-reader'),
        clientId: 'eos-v2-reader',
        autoOffsetReset: 'earliest',
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 1_000,
        rebalanceTimeoutMs: 10_000,
        requestTimeoutMs: 30_000,
        maxFetchBytes: 1_048_576,
        maxPollRecords: 0,
      });
      consumers.push(reader);
      const highs = new Map((await admin.topicOffsets(name)).map((p) => [p.partition, p.high]));
      const positions = new Map<number, number>();
      const seen: Message[] = [];
      reader.subscribe([name]);
      await reader.start({
        onBatch: (batch) => {
          seen.push(...batch.messages);
          positions.set(batch.partition, batch.messages.at(-1)!.offset + 1);
        },
        onAssigned: () => {},
        onPosition: ({ partition }, next) => {
          positions.set(partition, Math.max(positions.get(partition) ?? 0, next));
        },
      });
      await eventually(
        `the committed records of ${name}`,
        () => [...highs].every(([p, high]) => (positions.get(p) ?? 0) >= high),
        WAIT_MS,
      );
      await reader.stop();
      return seen.map((m) => m.value!.toString()).sort();
    }

    /**
     * a owns both partitions and commits a transaction in its generation; b joins while a is held
     * in its revoke callback; once b owns both partitions in a later generation, a (the zombie)
     * sends one more record and offsets in a transaction. Resolves with whether that commit passed.
     */
    async function zombieScenario(withMetadata: boolean) {
      const input = await topic('in');
      const output = await topic('out');
      const group = uniqueName('fg-eos2-group');
      const a = member(group, input, true);
      consumers.push(a.consumer);
      releases.push(a);
      await eventually('a owns both partitions', () => partitionsOf(a) === 2, WAIT_MS);
      const txn = await producer(withMetadata ? a.consumer : undefined);
      await txn.sendBatch([{ topic: output, partition: 0, key: null, value: Buffer.from('member') }]);
      await txn.sendOffsets(group, [{ topic: input, partition: 0, offset: 2 }]);
      await txn.commit();

      const b = member(group, input, false);
      consumers.push(b.consumer);
      await eventually(
        'b owns both partitions in a later generation, without a',
        () => partitionsOf(b) === 2 && generationOf(b) > generationOf(a),
        WAIT_MS,
        () => `a: ${JSON.stringify(a.assignments)}; b: ${JSON.stringify(b.assignments)}`,
      );
      assert.ok(a.releaseRevoke, 'a is held in its revoke callback: it has not given its partitions up');
      let zombieCommitted = true;
      try {
        await txn.sendBatch([{ topic: output, partition: 0, key: null, value: Buffer.from('zombie') }]);
        await txn.sendOffsets(group, [{ topic: input, partition: 0, offset: 5 }]);
        await txn.commit();
      } catch {
        zombieCommitted = false;
        await txn.abort().catch(() => {});
      }
      const offsets = await admin.committedOffsets(group, input);
      return {
        zombieCommitted,
        committed: offsets.find((o) => o.partition === 0)?.offset,
        output: await committedValues(output),
      };
    }

    it('a member’s transaction commits in its generation; after a rebalance left it behind, its commit is refused', {
      timeout: 240_000,
    }, async () => {
      const result = await zombieScenario(true);
      assert.equal(result.zombieCommitted, false, 'the zombie’s commit was refused');
      assert.equal(result.committed, 2, 'the group keeps the offset its member committed');
      assert.deepEqual(result.output, ['member'], 'the zombie’s record never becomes visible');
    });

    it('control: with the group id only (EOS v1 metadata) the same zombie commits', {
      timeout: 240_000,
    }, async () => {
      const result = await zombieScenario(false);
      assert.equal(result.zombieCommitted, true);
      assert.equal(result.committed, 5);
      assert.deepEqual(result.output, ['member', 'zombie']);
    });
  });
}
