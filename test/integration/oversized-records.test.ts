/**
 * Records that cannot be stored or dead-lettered as they are never stop a partition (issue 17,
 * parts 1 and 2), on the real broker with a table-counter worker (LMDB table `counts`): among good
 * records, one whose 200 KB key is longer than LMDB allows and one whose 1 MB value (not a number)
 * fails to decode and whose dead-letter copy is larger than producerMaxRequestSize. The worker
 * keeps running, both are in the dead-letter topic with their reason and source coordinates (the
 * second truncated, saying so), and every good record is counted.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Admin, Kafka } from 'kafkajs';
import { createTransport } from '../../runtime/transport/registry.js';
import { DEAD_LETTER_HEADERS } from '../../runtime/worker/dead-letter.js';
import { recordLimitProblem } from '../../runtime/worker/record-limits.js';
import {
  brokerUrl,
  connectAdmin,
  createKafka,
  isKafkaUrl,
  readTopic,
  replayChangelog,
  requireBroker,
  startTableCounter,
  uniqueName,
  untilFullyCommitted,
  type WorkerProcess,
} from '../support/index.js';

const skip = isKafkaUrl(brokerUrl()) ? false : 'the oversized-record tests need a real Kafka broker';
const PARTITIONS = 2;
const GOOD_PER_PARTITION = 500;
const LONG_KEY = 'k'.repeat(200_000);
/** Just under the broker's default message.max.bytes (1,048,588), so the broker takes it. */
const HUGE_VALUE = 'x'.repeat(1_000_000);

describe('oversized records among good ones', { skip, timeout: 240_000 }, () => {
  let admin: Admin;
  let kafka: Kafka;
  let worker: WorkerProcess | undefined;
  const dirs: string[] = [];

  before(async () => {
    await requireBroker();
    admin = await connectAdmin();
    kafka = createKafka();
  });

  after(async () => {
    await worker?.ensureStopped();
    await admin?.disconnect();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('a 200 KB key and a 1 MB value are dead-lettered; the worker goes on and counts every good record', async () => {
    const appId = uniqueName('oversized');
    const input = `${appId}-input`;
    await admin.createTopics({
      topics: [{ topic: input, numPartitions: PARTITIONS, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    const datadir = mkdtempSync(join(tmpdir(), 'faustgen-oversized-it-'));
    dirs.push(datadir);
    worker = startTableCounter({ appId, input, partitions: PARTITIONS, datadir });
    await worker.waitFor(/TABLES READY/, 60_000);

    // Per partition: good records, the bad one, more good records (they must not be stuck behind it).
    const good = (partition: number, from: number) =>
      Array.from({ length: GOOD_PER_PARTITION / 2 }, (_, i) => ({
        key: `p${partition}-k${(from + i) % 10}`,
        value: '1',
        partition,
      }));
    const producer = kafka.producer();
    await producer.connect();
    const bad = [
      { key: LONG_KEY, value: '1', partition: 0 },
      { key: 'huge', value: HUGE_VALUE, partition: 1 },
    ];
    const badOffsets: string[] = [];
    for (const record of bad) {
      await producer.send({ topic: input, messages: good(record.partition, 0), acks: -1 });
      const [sent] = await producer.send({ topic: input, messages: [record], acks: -1 });
      badOffsets.push(sent!.baseOffset!);
      await producer.send({
        topic: input,
        messages: good(record.partition, GOOD_PER_PARTITION / 2),
        acks: -1,
      });
    }
    await producer.disconnect();

    const story = () => worker!.output.slice(-4000);
    await untilFullyCommitted(admin, appId, input, 120_000, story, () => {
      const ended = worker!.ended();
      return ended && `the worker ${ended}`;
    });
    assert.equal(worker.child.exitCode, null, `the worker exited:\n${story()}`);

    const letters = await readTopic(kafka, admin, `${appId}-${input}-deadletter`);
    assert.equal(letters.length, 2, `dead letters: ${letters.length}`);
    const h = DEAD_LETTER_HEADERS;
    const header = (record: (typeof letters)[number], name: string) => record.headers[name]?.toString();
    const longKey = letters.find((r) => header(r, h.partition) === '0')!;
    assert.ok(longKey, 'the long key is dead-lettered');
    assert.equal(longKey.key?.length, LONG_KEY.length, 'the long key is kept whole (it fits a request)');
    assert.match(
      header(longKey, h.reason)!,
      /table counts: a key of 200\d{3} bytes is longer than its lmdb:\/\/ store allows \(1978 bytes\)/,
    );
    assert.equal(header(longKey, h.topic), input);
    assert.equal(header(longKey, h.offset), badOffsets[0]);
    assert.equal(header(longKey, h.truncated), undefined);

    const huge = letters.find((r) => header(r, h.partition) === '1')!;
    assert.ok(huge, 'the huge value is dead-lettered');
    assert.equal(header(huge, h.truncated), 'value');
    assert.equal(header(huge, h.valueSize), String(HUGE_VALUE.length));
    assert.equal(header(huge, h.keySize), '4');
    assert.equal(huge.key?.toString(), 'huge');
    assert.ok(
      huge.value!.length < HUGE_VALUE.length && huge.value!.length > 900_000,
      `${huge.value!.length} bytes kept`,
    );
    assert.equal(huge.value!.toString(), HUGE_VALUE.slice(0, huge.value!.length));
    assert.match(header(huge, h.reason)!, /./);
    assert.equal(header(huge, h.stage), 'decode');
    assert.equal(header(huge, h.topic), input);
    assert.equal(header(huge, h.offset), badOffsets[1]);

    // Every good record counted: each key's count reaches the number of its records.
    const counts = new Map(
      [...replayChangelog(await readTopic(kafka, admin, `${appId}-counts-changelog`)).values()].flatMap(
        (state) => [...state],
      ),
    );
    assert.equal(counts.size, PARTITIONS * 10);
    for (const [key, value] of counts) {
      assert.ok(Number(value) >= GOOD_PER_PARTITION / 10, `${key}: ${value} < ${GOOD_PER_PARTITION / 10}`);
    }
    worker.kill('SIGTERM');
    assert.equal((await worker.exited(20_000)).code, 0);
  });

  it("reads the broker's message.max.bytes, and names a producerMaxRequestSize above it", async () => {
    const transportAdmin = createTransport([brokerUrl()], {
      clientId: 'limits-test',
      connectionTimeoutMs: 5_000,
      requestTimeoutMs: 5_000,
    }).createAdmin();
    try {
      const value = await transportAdmin.brokerConfig!('message.max.bytes');
      const brokerMessageMaxBytes = Number(value);
      assert.ok(brokerMessageMaxBytes > 0, `message.max.bytes ${value}`);
      assert.equal(
        recordLimitProblem({ producerMaxRequestSize: brokerMessageMaxBytes, brokerMessageMaxBytes }),
        undefined,
      );
      assert.match(
        recordLimitProblem({ producerMaxRequestSize: brokerMessageMaxBytes + 1, brokerMessageMaxBytes }) ??
          '',
        new RegExp(`the broker accepts at most ${brokerMessageMaxBytes} \\(message.max.bytes\\)`),
      );
    } finally {
      await transportAdmin.close();
    }
  });
});
