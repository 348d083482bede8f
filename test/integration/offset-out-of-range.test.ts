/**
 * OffsetOutOfRange on the real broker (issue 10, part 3): a group whose committed offsets lie past
 * the partitions' ends. kafkajs alone logged "Offset out of range, resetting to default offset"
 * without offsets and committed the symbolic -2 to the group; the runtime must reset per
 * consumerAutoOffsetReset, log the offsets involved, never commit a negative offset, and process
 * every partition to its end. Workers are child processes (test/integration/apps/table-counter.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brokerUrl, isKafkaUrl, uniqueName, type WorkerProcess, workerFixture } from '../support/index.js';

const WORKER = new URL('./apps/table-counter.js', import.meta.url);
const skip = isKafkaUrl(brokerUrl()) ? false : 'offset-out-of-range tests need a real Kafka broker';
const EVENTS = 4_000;
const PARTITIONS = 4;
/** How far past each partition's end the group's offsets are set. */
const BEYOND = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an out-of-range committed offset on the real broker', { skip, timeout: 240_000 }, () => {
  const fixture = workerFixture();

  async function setUp(): Promise<{ appId: string; input: string; ends: Map<number, number> }> {
    const appId = uniqueName('out-of-range');
    const input = `${appId}-input`;
    await fixture.admin.createTopics({
      topics: [{ topic: input, numPartitions: PARTITIONS, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    const producer = fixture.kafka.producer();
    await producer.connect();
    const messages = Array.from({ length: EVENTS }, (_, i) => ({ key: `k${i % 200}`, value: '1' }));
    await producer.send({ topic: input, messages, acks: -1 });
    await producer.disconnect();
    const ends = new Map(
      (await fixture.admin.fetchTopicOffsets(input)).map(
        (p) => [p.partition, Number(p.high)] as [number, number],
      ),
    );
    // Offsets past every partition's end, as a recreated topic (or a truncated log) leaves them.
    await fixture.admin.setOffsets({
      groupId: appId,
      topic: input,
      partitions: [...ends].map(([partition, high]) => ({ partition, offset: String(high + BEYOND) })),
    });
    return { appId, input, ends };
  }

  function start(appId: string, input: string, extra: Record<string, string> = {}): WorkerProcess {
    return fixture.spawn(WORKER, ['worker'], {
      APP_ID: appId,
      IN_TOPIC: input,
      PARTITIONS: String(PARTITIONS),
      DATADIR: fixture.tempDir('faustgen-oor-it-'),
      FAUSTGEN_BROKER: brokerUrl(),
      ...extra,
    });
  }

  async function committed(groupId: string, topic: string): Promise<Map<number, number>> {
    const answer = await fixture.admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(answer[0]!.partitions.map((p) => [p.partition, Number(p.offset)]));
  }

  it("earliest: resets to each partition's start without committing -2, logs the offsets, processes everything", async () => {
    const { appId, input, ends } = await setUp();
    const worker = start(appId, input, { FAUSTGEN_CONSUMER_AUTO_OFFSET_RESET: 'earliest' });
    const negative: string[] = [];
    const deadline = Date.now() + 120_000;
    for (;;) {
      const offsets = await committed(appId, input);
      for (const [p, o] of offsets) if (o < 0 && o !== -1) negative.push(`${p}:${o}`);
      if ([...ends].every(([p, high]) => offsets.get(p) === high)) break;
      assert.ok(
        Date.now() < deadline,
        `not every partition committed to its end: ${JSON.stringify([...offsets])}\n${worker.output.slice(-3000)}`,
      );
      await sleep(100);
    }
    assert.deepEqual(negative, [], 'a symbolic offset was committed to the group');
    for (const [partition, high] of ends) {
      const named = new RegExp(
        `${input}\\[${partition}\\]: fetch offset ${high + BEYOND} is out of range \\(low 0, high ${high}, committed ${high + BEYOND}\\)`,
      );
      assert.match(worker.output, named, `the reset of partition ${partition} names its offsets`);
    }
    worker.kill('SIGTERM');
    assert.equal((await worker.exited(15_000)).code, 0);
  });

  it('none: the partitions stop with an error naming their offsets, and the worker reports them stalled', async () => {
    const { appId, input, ends } = await setUp();
    const worker = start(appId, input, {
      FAUSTGEN_CONSUMER_AUTO_OFFSET_RESET: 'none',
      FAUSTGEN_CONSUMER_STALL_TIMEOUT: '2',
    });
    for (const [partition, high] of ends) {
      await worker.waitFor(
        new RegExp(
          `${input}\\[${partition}\\]: fetch offset ${high + BEYOND} is out of range.*is \\\\?"none\\\\?": the partition stops`,
        ),
        60_000,
      );
    }
    for (const partition of ends.keys())
      await worker.waitFor(new RegExp(`${input}\\[${partition}\\] is stalled`), 30_000);
    // Nothing was committed over the operator's offsets.
    const offsets = await committed(appId, input);
    for (const [partition, high] of ends) assert.equal(offsets.get(partition), high + BEYOND);
    worker.kill('SIGTERM');
    assert.equal((await worker.exited(15_000)).code, 0);
  });
});
