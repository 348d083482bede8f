/**
 * The transport contract suite: node:test cases every Transport must pass (see
 * runtime/transport/types.ts). Broker-agnostic: the memory transport runs it in unit tests and
 * the kafka transport against a real broker, so every case uses topic and group names of its
 * own, waits on events (never on sleeps) and gives a real broker generous time to rebalance.
 *
 *   transportContract('memory', () => memoryTransport({...}));
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import type {
  ConsumerOptions,
  Headers,
  Message,
  MessageBatch,
  OutgoingMessage,
  ProducerOptions,
  TopicPartition,
  TransactionalProducer,
  Transport,
  TransportAdmin,
  TransportConsumer,
  TransportProducer,
} from '../../runtime/transport/types.js';

export interface TransportContractOptions {
  /** Longest wait for one awaited event (a delivery, an assignment); default 30 s. */
  waitTimeoutMs?: number;
  /** Timeout of each case; default 120 s. */
  testTimeoutMs?: number;
  /** Overrides for every consumer the suite creates (e.g. session and heartbeat timings). */
  consumerOptions?: Partial<ConsumerOptions>;
  /** Overrides for every producer the suite creates. */
  producerOptions?: Partial<ProducerOptions>;
  /** Delete each case's topics when it ends; default true. */
  deleteTopics?: boolean;
  /** Runs once after all cases (e.g. to destroy an in-memory broker). */
  teardown?: () => void | Promise<void>;
  /** Cases this transport cannot pass, by title, with the reason the runner prints. */
  skip?: Readonly<Record<string, string>>;
}

type MakeTransport = () => Transport | Promise<Transport>;

interface Settings {
  waitTimeoutMs: number;
  testTimeoutMs: number;
  consumerOptions: Partial<ConsumerOptions>;
  producerOptions: Partial<ProducerOptions>;
  deleteTopics: boolean;
}

export function transportContract(
  name: string,
  makeTransport: MakeTransport,
  opts: TransportContractOptions = {},
) {
  const settings: Settings = {
    waitTimeoutMs: opts.waitTimeoutMs ?? 30_000,
    testTimeoutMs: opts.testTimeoutMs ?? 120_000,
    consumerOptions: opts.consumerOptions ?? {},
    producerOptions: opts.producerOptions ?? {},
    deleteTopics: opts.deleteTopics ?? true,
  };
  const scenario = (title: string, body: (h: Harness) => Promise<void>) =>
    it(title, { timeout: settings.testTimeoutMs, skip: opts.skip?.[title] }, () =>
      withHarness(makeTransport, settings, title, body),
    );

  describe(`transport contract: ${name}`, () => {
    if (opts.teardown) after(opts.teardown);

    scenario('round-trips keys, values, headers, timestamps and offsets', async (h) => {
      const topic = await h.createTopic('roundtrip', 1);
      const producer = await h.producer();
      const before = Date.now();
      const metadata = await producer.sendBatch([
        out(topic, 0, 'k1', 'v1', { trace: 'abc', empty: '' }, 1_600_000_000_000),
        out(topic, 0, null, 'v2'),
        out(topic, 0, 'k3', null, { a: '1', b: '2' }, 1_700_000_000_123),
      ]);
      const afterSend = Date.now();
      assert.deepEqual(
        metadata.map((m) => [m.topic, m.partition, m.offset]),
        [
          [topic, 0, 0],
          [topic, 0, 1],
          [topic, 0, 2],
        ],
      );
      assert.equal(metadata[0]!.timestamp, 1_600_000_000_000);
      assertBetween(metadata[1]!.timestamp, before, afterSend, 'broker-assigned timestamp in metadata');
      assert.equal(metadata[2]!.timestamp, 1_700_000_000_123);

      const probe = h.consumer(h.group('roundtrip'), [topic]);
      assert.deepEqual(probe.consumer.assignment(), [], 'assignment() is empty before the first rebalance');
      await probe.start();
      await h.waitUntil('3 messages', () => probe.received().length >= 3);
      const got = probe.received();
      assert.deepEqual(got.map(view), [
        { topic, partition: 0, offset: 0, key: 'k1', value: 'v1', headers: { trace: 'abc', empty: '' } },
        { topic, partition: 0, offset: 1, key: null, value: 'v2', headers: {} },
        { topic, partition: 0, offset: 2, key: 'k3', value: null, headers: { a: '1', b: '2' } },
      ]);
      assert.equal(got[0]!.timestamp, 1_600_000_000_000);
      assertBetween(got[1]!.timestamp, before, afterSend, 'broker-assigned timestamp of a consumed message');
      assert.equal(got[2]!.timestamp, 1_700_000_000_123);
      assert.equal(probe.events[0]?.kind, 'assigned', 'onAssigned comes before the first batch');
      assert.deepEqual(probe.consumer.assignment(), [{ topic, partition: 0 }]);
      for (const batch of probe.batches) {
        const last = batch.messages.at(-1)!;
        assert.ok(
          batch.highWatermark >= last.offset + 1,
          `highWatermark ${batch.highWatermark} covers the batch`,
        );
      }
    });

    scenario('keeps per-partition order across requests', async (h) => {
      const topic = await h.createTopic('order', 3);
      const producer = await h.producer();
      for (let request = 0; request < 6; request++) {
        const messages: OutgoingMessage[] = [];
        for (let i = request * 10; i < request * 10 + 10; i++)
          messages.push(out(topic, i % 3, `k${i}`, `${i}`));
        await producer.sendBatch(messages);
      }
      const probe = h.consumer(h.group('order'), [topic]);
      await probe.start();
      await h.waitUntil('60 messages', () => probe.received().length >= 60);
      assert.equal(probe.received().length, 60, 'each message is delivered once');
      for (let partition = 0; partition < 3; partition++) {
        const messages = probe.received().filter((m) => m.partition === partition);
        assert.deepEqual(
          messages.map((m) => m.offset),
          range(0, 20),
          `offsets of partition ${partition}`,
        );
        assert.deepEqual(
          messages.map((m) => Number(m.value!.toString())),
          range(0, 20).map((n) => n * 3 + partition),
          `values of partition ${partition} in production order`,
        );
      }
    });

    scenario('resumes a group from its committed offset after a restart (at-least-once)', async (h) => {
      const topic = await h.createTopic('restart', 1);
      const group = h.group('restart');
      const producer = await h.producer();
      await producer.sendBatch(range(0, 10).map((i) => out(topic, 0, `k${i}`, `m${i}`)));

      const first = h.consumer(group, [topic]);
      await first.start();
      await h.waitUntil('10 messages', () => first.received().length >= 10);
      await first.consumer.commit([{ topic, partition: 0, offset: 6 }]);
      assert.deepEqual(await h.admin.committedOffsets(group, topic), [{ topic, partition: 0, offset: 6 }]);
      await first.consumer.stop();
      await first.consumer.stop();
      assert.equal(first.stoppedCalls, 1, 'onStopped is called once; stop() is idempotent');
      assert.equal(first.stopError, undefined);
      await assert.rejects(
        first.consumer.commit([{ topic, partition: 0, offset: 8 }]),
        'a stopped consumer cannot commit',
      );

      const second = h.consumer(group, [topic]);
      await second.start();
      await h.waitUntil('offset 9 again', () => second.received().some((m) => m.offset === 9));
      assert.deepEqual(
        second.received().map((m) => m.offset),
        [6, 7, 8, 9],
        'resumes at the committed offset and re-reads what was not committed',
      );
      assert.deepEqual(await h.admin.committedOffsets(group, topic), [{ topic, partition: 0, offset: 6 }]);
    });

    scenario('autoOffsetReset: earliest reads from the start, latest only what comes after', async (h) => {
      const topic = await h.createTopic('reset', 1);
      const producer = await h.producer();
      await producer.sendBatch(range(0, 3).map((i) => out(topic, 0, null, `old${i}`)));

      const earliest = h.consumer(h.group('earliest'), [topic], { autoOffsetReset: 'earliest' });
      await earliest.start();
      await h.waitUntil('3 old messages', () => earliest.received().length >= 3);
      assert.deepEqual(
        earliest.received().map((m) => m.offset),
        [0, 1, 2],
      );

      const latest = h.consumer(h.group('latest'), [topic], { autoOffsetReset: 'latest' });
      await latest.start();
      await h.waitUntil('an assignment', () => latest.assignment().length === 1);
      // A real broker may resolve "latest" a little after onAssigned: probe until one arrives.
      const deadline = Date.now() + settings.waitTimeoutMs;
      for (let probe = 0; latest.received().length === 0; probe++) {
        assert.ok(Date.now() < deadline, 'a message produced after the assignment reaches a latest consumer');
        await producer.sendBatch([out(topic, 0, null, `new${probe}`)]);
        await h.waitUntil('a new message', () => latest.received().length > 0, 1_000).catch(() => {});
      }
      assert.ok(
        latest.received().every((m) => m.offset >= 3 && m.value!.toString().startsWith('new')),
        `latest consumer saw only new messages, got ${latest.received().map((m) => m.offset)}`,
      );
    });

    scenario('splits partitions within a group and hands them all to the survivor', async (h) => {
      const topic = await h.createTopic('split', 4);
      const group = h.group('split');
      const producer = await h.producer();
      const all = range(0, 4).map((partition) => ({ topic, partition }));
      const produceRound = () =>
        producer.sendBatch(
          all.flatMap(({ partition }) => [
            out(topic, partition, null, 'x'),
            out(topic, partition, null, 'y'),
          ]),
        );

      const a = h.consumer(group, [topic]);
      await a.start();
      await h.waitUntil('all 4 partitions', () => a.assignment().length === 4);
      await produceRound();
      await h.waitUntil('8 messages', () => a.received().length >= 8);
      await a.consumer.commit(all.map((tp) => ({ ...tp, offset: 2 })));

      const b = h.consumer(group, [topic]);
      await b.start();
      const settled = () =>
        a.generation() === b.generation() &&
        a.assignment().length > 0 &&
        b.assignment().length > 0 &&
        a.assignment().length + b.assignment().length === 4;
      await h.waitUntil('a split of the partitions', settled);
      const mine = (p: Probe) => p.assignment().map((tp) => tp.partition);
      assert.deepEqual([...mine(a), ...mine(b)].sort(), [0, 1, 2, 3], 'disjoint and complete');
      const shared = a.generation();

      await produceRound();
      const gotNewRound = (p: Probe) => () =>
        mine(p).every((partition) => p.offsetsIn(shared, partition).includes(3));
      await h.waitUntil('offsets 2-3 of every partition', () => gotNewRound(a)() && gotNewRound(b)());
      for (const p of [a, b]) {
        for (const partition of mine(p)) assert.deepEqual(p.offsetsIn(shared, partition), [2, 3]);
        assert.ok(
          p.receivedIn(shared).every((m) => mine(p).includes(m.partition)),
          'a member only gets its own partitions',
        );
      }
      await a.consumer.commit(mine(a).map((partition) => ({ topic, partition, offset: 4 })));
      await b.consumer.commit(mine(b).map((partition) => ({ topic, partition, offset: 3 })));
      const fromB = mine(b);

      await b.consumer.stop();
      assert.equal(b.stoppedCalls, 1);
      await h.waitUntil(
        'all 4 partitions again',
        () => a.generation() > shared && a.assignment().length === 4,
      );
      const final = a.generation();
      await h.waitUntil('the uncommitted offset 3 of the former partitions of b', () =>
        fromB.every((partition) => a.offsetsIn(final, partition).includes(3)),
      );
      await producer.sendBatch(all.map(({ partition }) => out(topic, partition, null, 'z')));
      await h.waitUntil('offset 4 everywhere', () =>
        all.every(({ partition }) => a.offsetsIn(final, partition).includes(4)),
      );
      for (const { partition } of all) {
        const expected = fromB.includes(partition) ? [3, 4] : [4];
        assert.deepEqual(a.offsetsIn(final, partition), expected, `partition ${partition} after b left`);
      }
    });

    scenario('pause stops delivery of a partition and resume restarts it', async (h) => {
      const topic = await h.createTopic('pause', 2);
      const producer = await h.producer();
      const probe = h.consumer(h.group('pause'), [topic]);
      await probe.start();
      await h.waitUntil('2 partitions', () => probe.assignment().length === 2);
      await producer.sendBatch([out(topic, 0, null, 'a0'), out(topic, 1, null, 'b0')]);
      await h.waitUntil('one message per partition', () => probe.received().length >= 2);

      probe.consumer.pause([{ topic, partition: 0 }]);
      await producer.sendBatch([out(topic, 0, null, 'a1'), out(topic, 0, null, 'a2')]);
      await producer.sendBatch([out(topic, 1, null, 'b1')]);
      await h.waitUntil('partition 1 offset 1', () => probe.offsetsOf(1).includes(1));
      assert.deepEqual(probe.offsetsOf(0), [0], 'nothing from the paused partition');

      probe.consumer.resume([{ topic, partition: 0 }]);
      await h.waitUntil('partition 0 offsets 1-2', () => probe.offsetsOf(0).includes(2));
      assert.deepEqual(probe.offsetsOf(0), [0, 1, 2]);
      assert.deepEqual(probe.offsetsOf(1), [0, 1]);
    });

    scenario('seek sets where the next fetch of a partition starts', async (h) => {
      const topic = await h.createTopic('seek', 1);
      const producer = await h.producer();
      await producer.sendBatch(range(0, 10).map((i) => out(topic, 0, null, `m${i}`)));
      const probe = h.consumer(h.group('seek'), [topic]);
      await probe.start();
      await h.waitUntil('10 messages', () => probe.received().length >= 10);
      probe.consumer.seek({ topic, partition: 0 }, 3);
      await h.waitUntil('offsets 3-9 again', () => probe.received().length >= 17);
      assert.deepEqual(
        probe.received().map((m) => m.offset),
        [...range(0, 10), ...range(3, 10)],
      );
    });

    scenario('rejects a commit for a partition the member no longer owns', async (h) => {
      const topic = await h.createTopic('fenced', 2);
      const group = h.group('fenced');
      const producer = await h.producer();
      await producer.sendBatch([out(topic, 0, null, 'p0'), out(topic, 1, null, 'p1')]);
      const a = h.consumer(group, [topic]);
      await a.start();
      await h.waitUntil('both messages', () => a.received().length >= 2);
      await a.consumer.commit([
        { topic, partition: 0, offset: 1 },
        { topic, partition: 1, offset: 1 },
      ]);

      const b = h.consumer(group, [topic]);
      await b.start();
      const split = () =>
        a.generation() === b.generation() && a.assignment().length === 1 && b.assignment().length === 1;
      await h.waitUntil('one partition each', split);
      const lost = b.assignment()[0]!.partition;
      const kept = a.assignment()[0]!.partition;
      await assert.rejects(
        a.consumer.commit([{ topic, partition: lost, offset: 1 }]),
        'a commit for a partition that moved to another member is rejected',
      );
      await a.consumer.commit([{ topic, partition: kept, offset: 1 }]);
      await b.consumer.commit([{ topic, partition: lost, offset: 1 }]);
      const committed = sortByPartition(await h.admin.committedOffsets(group, topic));
      assert.deepEqual(
        committed.map((c) => c.offset),
        [1, 1],
      );
    });

    scenario('admin reports topic offsets and committed offsets', async (h) => {
      const topic = await h.createTopic('offsets', 3);
      const group = h.group('offsets');
      assert.deepEqual(sortByPartition(await h.admin.topicOffsets(topic)), [
        { partition: 0, low: 0, high: 0 },
        { partition: 1, low: 0, high: 0 },
        { partition: 2, low: 0, high: 0 },
      ]);
      const producer = await h.producer();
      await producer.sendBatch([
        out(topic, 0, null, 'a'),
        out(topic, 0, null, 'b'),
        out(topic, 2, null, 'c'),
      ]);
      assert.deepEqual(sortByPartition(await h.admin.topicOffsets(topic)), [
        { partition: 0, low: 0, high: 2 },
        { partition: 1, low: 0, high: 0 },
        { partition: 2, low: 0, high: 1 },
      ]);
      assert.deepEqual(sortByPartition(await h.admin.committedOffsets(group, topic)), [
        { topic, partition: 0, offset: -1 },
        { topic, partition: 1, offset: -1 },
        { topic, partition: 2, offset: -1 },
      ]);
      const probe = h.consumer(group, [topic]);
      await probe.start();
      await h.waitUntil('3 messages', () => probe.received().length >= 3);
      await probe.consumer.commit([{ topic, partition: 0, offset: 2 }]);
      assert.deepEqual(sortByPartition(await h.admin.committedOffsets(group, topic)), [
        { topic, partition: 0, offset: 2 },
        { topic, partition: 1, offset: -1 },
        { topic, partition: 2, offset: -1 },
      ]);
    });

    scenario('createTopics is idempotent; listTopics, partitionCount and deleteTopics agree', async (h) => {
      const topic = await h.createTopic('admin', 2);
      await h.admin.createTopics([{ name: topic, partitions: 2, replicationFactor: 1 }]);
      await h.admin.createTopics([{ name: topic, partitions: 5, replicationFactor: 1 }]);
      assert.equal(await h.admin.partitionCount(topic), 2, 'an existing topic is left as it is');
      assert.ok((await h.admin.listTopics()).includes(topic));
      const missing = h.topicName('never-created');
      assert.equal(await h.admin.partitionCount(missing), undefined);
      assert.ok(!(await h.admin.listTopics()).includes(missing));

      await h.admin.deleteTopics([topic]);
      await eventually(settings.waitTimeoutMs, 'the deleted topic to disappear', async () => {
        return (
          !(await h.admin.listTopics()).includes(topic) && (await h.admin.partitionCount(topic)) === undefined
        );
      });
    });

    scenario(
      'transactions: records and offsets appear together at commit; an aborted one never',
      async (h) => {
        const topic = await h.createTopic('txn-out', 1);
        const source = await h.createTopic('txn-in', 1);
        const group = h.group('txn-app');
        const producer = await h.transactionalProducer(h.topicName('txn-id'));
        assert.equal(producer.inTransaction, false);
        await producer.sendBatch([out(topic, 0, 'k', 'a'), out(topic, 0, 'k', 'b')]);
        await producer.sendOffsets(group, [{ topic: source, partition: 0, offset: 5 }]);
        assert.equal(producer.inTransaction, true);
        const first = await producer.commit();
        assert.deepEqual(
          first.map((m) => [m.topic, m.partition]),
          [
            [topic, 0],
            [topic, 0],
          ],
        );
        assert.ok(first[1]!.offset > first[0]!.offset, 'offsets of the committed records, in send order');
        // Kafka writes a transaction's markers after commit() returns: its offsets show a moment later.
        const committedIs = (offset: number) =>
          eventually(settings.waitTimeoutMs, `committed offset ${offset}`, async () => {
            const [committed] = await h.admin.committedOffsets(group, source);
            return committed?.offset === offset;
          });
        await committedIs(5);
        await producer.sendBatch([out(topic, 0, 'k', 'aborted')]);
        await producer.sendOffsets(group, [{ topic: source, partition: 0, offset: 9 }]);
        await producer.abort();
        assert.equal(producer.inTransaction, false);
        assert.deepEqual(
          await h.admin.committedOffsets(group, source),
          [{ topic: source, partition: 0, offset: 5 }],
          'the aborted offsets were not committed',
        );
        await producer.sendBatch([out(topic, 0, 'k', 'c')]);
        await producer.sendOffsets(group, [{ topic: source, partition: 0, offset: 7 }]);
        await producer.commit();
        await committedIs(7);
        assert.deepEqual(await producer.commit(), [], 'commit without an open transaction is a no-op');
        const reader = h.consumer(h.group('txn-reader'), [topic]);
        await reader.start();
        await h.waitUntil('the committed records', () =>
          reader.received().some((m) => m.value?.toString() === 'c'),
        );
        assert.deepEqual(
          reader.received().map((m) => m.value!.toString()),
          ['a', 'b', 'c'],
          'a consumer reads committed records only (read_committed)',
        );
      },
    );

    scenario('transactions: a newer producer with the same id fences the older one', async (h) => {
      const topic = await h.createTopic('txn-fence', 1);
      const id = h.topicName('txn-fence-id');
      const zombie = await h.transactionalProducer(id);
      await zombie.sendBatch([out(topic, 0, null, 'zombie')]);
      const owner = await h.transactionalProducer(id);
      await assert.rejects(zombie.commit(), 'the fenced producer cannot commit');
      await owner.sendBatch([out(topic, 0, null, 'owner')]);
      await owner.commit();
      const reader = h.consumer(h.group('txn-fence-reader'), [topic]);
      await reader.start();
      await h.waitUntil("the owner's record", () => reader.received().length > 0);
      assert.deepEqual(
        reader.received().map((m) => m.value!.toString()),
        ['owner'],
        "the zombie's open transaction was aborted when the owner registered",
      );
    });

    scenario('refuses to produce to a topic that does not exist, naming it', async (h) => {
      const producer = await h.producer();
      const missing = h.topicName('missing');
      await assert.rejects(producer.sendBatch([out(missing, 0, null, 'lost')]), (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.ok(error.message.includes(missing), `the error names the topic: ${error.message}`);
        return true;
      });
      assert.equal(await h.admin.partitionCount(missing), undefined, 'the topic was not auto-created');
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Harness: one transport, admin and set of clients per case, torn down whatever happens.

async function withHarness(
  makeTransport: MakeTransport,
  settings: Settings,
  title: string,
  body: (h: Harness) => Promise<void>,
): Promise<void> {
  const transport = await makeTransport();
  const h = new Harness(transport, settings, slug(title));
  try {
    await body(h);
    h.assertProtocolKept();
  } finally {
    await h.close();
  }
}

class Harness {
  readonly admin: TransportAdmin;
  private readonly suffix = randomBytes(4).toString('hex');
  private readonly topics: string[] = [];
  private readonly producers: (TransportProducer | TransactionalProducer)[] = [];
  private readonly probes: Probe[] = [];
  /** Re-checks of pending waits; any probe's event runs them all, so a wait may span consumers. */
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly transport: Transport,
    private readonly settings: Settings,
    private readonly label: string,
  ) {
    this.admin = transport.createAdmin();
  }

  topicName(role: string): string {
    return `fg-contract-${this.label}-${role}-${this.suffix}`;
  }

  group(role: string): string {
    return `fg-contract-${this.label}-${role}-${this.suffix}`;
  }

  async createTopic(role: string, partitions: number): Promise<string> {
    const name = this.topicName(role);
    await this.admin.createTopics([{ name, partitions, replicationFactor: 1 }]);
    this.topics.push(name);
    return name;
  }

  private producerOptions(): ProducerOptions {
    return {
      clientId: `fg-contract-${this.label}`,
      acks: -1,
      compression: 'none',
      requestTimeoutMs: 30_000,
      maxRequestSize: 1_048_576,
      ...this.settings.producerOptions,
    };
  }

  async producer(): Promise<TransportProducer> {
    const producer = this.transport.createProducer(this.producerOptions());
    this.producers.push(producer);
    await producer.connect();
    return producer;
  }

  /** A connected transactional producer (its id fences earlier producers with the same id). */
  async transactionalProducer(transactionalId: string): Promise<TransactionalProducer> {
    const producer = this.transport.createTransactionalProducer({
      ...this.producerOptions(),
      transactionalId,
      transactionTimeoutMs: 60_000,
    });
    this.producers.push(producer);
    await producer.connect();
    return producer;
  }

  consumer(groupId: string, topics: string[], overrides: Partial<ConsumerOptions> = {}): Probe {
    const consumer = this.transport.createConsumer({
      groupId,
      clientId: `fg-contract-${this.label}-${this.probes.length}`,
      autoOffsetReset: 'earliest',
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
      rebalanceTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      maxFetchBytes: 10_485_760,
      maxPollRecords: 500,
      ...this.settings.consumerOptions,
      ...overrides,
    });
    consumer.subscribe(topics);
    const probe = new Probe(consumer, () => {
      for (const check of [...this.listeners]) check();
    });
    this.probes.push(probe);
    return probe;
  }

  /** Resolves once `ready()` holds (checked now and after every handler call of any consumer). */
  waitUntil(what: string, ready: () => boolean, timeoutMs = this.settings.waitTimeoutMs): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      const check = () => {
        try {
          if (!ready()) return;
          done();
          resolve();
        } catch (error) {
          done();
          reject(error);
        }
      };
      const timer = setTimeout(() => {
        done();
        const state = this.probes.map((probe, index) => `consumer ${index}: ${probe.describe()}`).join('; ');
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${state}`));
      }, timeoutMs);
      this.listeners.add(check);
    });
  }

  /** Invariants every case gets checked for free. */
  assertProtocolKept(): void {
    for (const probe of this.probes) assert.deepEqual(probe.violations, [], 'delivery protocol violations');
  }

  async close(): Promise<void> {
    const errors: unknown[] = [];
    const attempt = async (work: () => Promise<unknown>) => {
      try {
        await work();
      } catch (error) {
        errors.push(error);
      }
    };
    await Promise.all(this.probes.map((probe) => attempt(() => probe.consumer.stop())));
    await Promise.all(this.producers.map((producer) => attempt(() => producer.disconnect())));
    if (this.settings.deleteTopics && this.topics.length > 0)
      await attempt(() => this.admin.deleteTopics(this.topics));
    await attempt(() => this.admin.close());
    if (errors.length > 0) throw new AggregateError(errors, `cleanup of ${this.label} failed`);
  }
}

interface ProbeEvent {
  kind: 'assigned' | 'batch';
  generation: number;
}

/** A consumer with handlers that record everything and let a case wait for a condition. */
class Probe {
  readonly batches: MessageBatch[] = [];
  readonly events: ProbeEvent[] = [];
  readonly violations: string[] = [];
  stoppedCalls = 0;
  stopError: Error | undefined;
  private lastAssigned: { assignment: TopicPartition[]; generation: number } | undefined;

  constructor(
    readonly consumer: TransportConsumer,
    private readonly changed: () => void,
  ) {}

  start(): Promise<void> {
    return this.consumer.start({
      onBatch: (batch) => this.onBatch(batch),
      onAssigned: (assignment, generation) => {
        this.lastAssigned = { assignment: assignment.map((tp) => ({ ...tp })), generation };
        this.events.push({ kind: 'assigned', generation });
        this.changed();
      },
      onStopped: (error) => {
        this.stoppedCalls++;
        this.stopError = error;
        this.changed();
      },
    });
  }

  /** The assignment of the last onAssigned. */
  assignment(): TopicPartition[] {
    return this.lastAssigned?.assignment ?? [];
  }

  generation(): number {
    return this.lastAssigned?.generation ?? -1;
  }

  received(): Message[] {
    return this.batches.flatMap((batch) => batch.messages);
  }

  receivedIn(generation: number): Message[] {
    return this.batches.filter((batch) => batch.generation === generation).flatMap((batch) => batch.messages);
  }

  offsetsOf(partition: number): number[] {
    return this.received()
      .filter((m) => m.partition === partition)
      .map((m) => m.offset);
  }

  offsetsIn(generation: number, partition: number): number[] {
    return this.receivedIn(generation)
      .filter((m) => m.partition === partition)
      .map((m) => m.offset);
  }

  private onBatch(batch: MessageBatch): void {
    const where = `batch ${batch.topic}[${batch.partition}] gen ${batch.generation}`;
    if (!this.lastAssigned) this.violations.push(`${where} before any onAssigned`);
    else if (batch.generation !== this.lastAssigned.generation) {
      this.violations.push(`${where} after onAssigned of generation ${this.lastAssigned.generation}`);
    } else if (
      !this.lastAssigned.assignment.some((tp) => tp.topic === batch.topic && tp.partition === batch.partition)
    ) {
      this.violations.push(`${where} for a partition not in the assignment`);
    }
    if (batch.messages.length === 0) this.violations.push(`${where} is empty`);
    batch.messages.forEach((message, index) => {
      if (message.topic !== batch.topic || message.partition !== batch.partition) {
        this.violations.push(`${where} holds a message of ${message.topic}[${message.partition}]`);
      }
      const previous = batch.messages[index - 1];
      if (previous && message.offset <= previous.offset)
        this.violations.push(`${where} is not in offset order`);
    });
    this.batches.push(batch);
    this.events.push({ kind: 'batch', generation: batch.generation });
    this.changed();
  }

  describe(): string {
    const perPartition = new Map<string, number[]>();
    for (const m of this.received()) {
      const key = `${m.topic}[${m.partition}]`;
      perPartition.set(key, [...(perPartition.get(key) ?? []), m.offset]);
    }
    return (
      `generation ${this.generation()}, assignment ${JSON.stringify(this.assignment())}, ` +
      `received ${JSON.stringify(Object.fromEntries(perPartition))}, stopped ${this.stoppedCalls}`
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

function out(
  topic: string,
  partition: number,
  key: string | null,
  value: string | null,
  headers?: Record<string, string>,
  timestamp?: number,
): OutgoingMessage {
  const message: OutgoingMessage = {
    topic,
    partition,
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.from(value),
  };
  if (headers) {
    const encoded: Headers = {};
    for (const [name, text] of Object.entries(headers)) encoded[name] = Buffer.from(text);
    message.headers = encoded;
  }
  if (timestamp !== undefined) message.timestamp = timestamp;
  return message;
}

function view(message: Message) {
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString(),
    value: message.value === null ? null : message.value.toString(),
    headers: Object.fromEntries(
      Object.entries(message.headers).map(([name, value]) => [name, value.toString()]),
    ),
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function sortByPartition<T extends { partition: number }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.partition - b.partition);
}

function assertBetween(value: number, low: number, high: number, what: string): void {
  assert.ok(value >= low && value <= high, `${what}: ${value} is not within [${low}, ${high}]`);
}

function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
}

/** For admin state a real broker propagates asynchronously: retries until true or the deadline. */
async function eventually(timeoutMs: number, what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
