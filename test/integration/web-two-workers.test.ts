/**
 * The web layer on the real broker: two worker processes of one app (own ports and data dirs)
 * with a table over a 4-partition topic. Every key answers the same, correct count on either
 * worker (forwarded to the owner when needed); while one worker restarts, answers are 503 or the
 * right count, never a wrong one. /metrics parses as Prometheus text. Bad requests get 4xx JSON.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import parsePrometheus from 'parse-prometheus-text-format';
import { javaPartition } from '../../runtime/channels/partitioner.js';
import {
  brokerUrl,
  freePort,
  getJson,
  isKafkaUrl,
  uniqueName,
  until,
  type WorkerProcess,
  workerFixture,
} from '../support/index.js';

const WORKER = new URL('./apps/web-counter.js', import.meta.url);
const skip = isKafkaUrl(brokerUrl()) ? undefined : 'the two-worker web test needs a real Kafka broker';
const PARTITIONS = 4;
const WORDS = Array.from({ length: 40 }, (_, i) => `word-${i}`);
/** word-i is sent i % 7 + 1 times. */
const expected = (index: number): number => (index % 7) + 1;

describe('web: two workers on the real broker', { skip, timeout: 300_000 }, () => {
  const fixture = workerFixture();
  const workers: WorkerProcess[] = [];
  const dirs: string[] = [];
  const appId = uniqueName('webcount');
  const topic = `${appId}-words`;
  const ports: number[] = [];
  const urls: string[] = [];

  function start(index: number): WorkerProcess {
    const worker = fixture.spawn(WORKER, ['worker'], {
      APP_ID: appId,
      WORDS_TOPIC: topic,
      WEB_PORT: String(ports[index]),
      DATA_DIR: dirs[index]!,
      PARTITIONS: String(PARTITIONS),
      FAUSTGEN_BROKER: brokerUrl(),
    });
    workers.push(worker);
    return worker;
  }

  async function ready(url: string): Promise<void> {
    await until(`${url} ready`, async () => (await getJson(`${url}/health/ready`)).status === 200, 90_000);
  }

  before(async () => {
    fixture.onCleanup(() => fixture.admin.deleteTopics({ topics: [topic] }));
    await fixture.admin.createTopics({
      topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    for (let i = 0; i < 2; i++) {
      ports.push(await freePort());
      urls.push(`http://127.0.0.1:${ports[i]}`);
      dirs.push(fixture.tempDir(`${appId}-w${i}-`));
    }
    start(0);
    start(1);
    await ready(urls[0]!);
    await ready(urls[1]!);
    // Both workers in the group: each owns some partitions.
    await until(
      'both workers own partitions',
      async () => {
        const router = (await getJson(`${urls[0]}/router`)).body as { workers: { url: string }[] };
        return router.workers.length === 2;
      },
      60_000,
    );
    const producer = fixture.kafka.producer();
    await producer.connect();
    const messages = WORDS.flatMap((word, index) =>
      Array.from({ length: expected(index) }, (_, n) => {
        const key = Buffer.from(JSON.stringify(word));
        return { key, value: JSON.stringify({ n }), partition: javaPartition(key, PARTITIONS) };
      }),
    );
    await producer.send({ topic, messages, acks: -1 });
    await producer.disconnect();
  });

  it('answers every key with the same correct count on either worker, forwarding to the owner', async () => {
    await until(
      'every word counted',
      async () => {
        for (const [index, word] of WORDS.entries()) {
          const answer = await getJson(`${urls[0]}/count/${word}`);
          if (answer.status !== 200 || answer.body.count !== expected(index)) return false;
        }
        return true;
      },
      90_000,
    );
    const before = await Promise.all(urls.map(async (url) => (await getJson(`${url}/served`)).body));
    for (const url of urls) {
      for (const [index, word] of WORDS.entries()) {
        const answer = await getJson(`${url}/count/${word}`);
        assert.equal(answer.status, 200, `${url}/count/${word}: ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body.count, expected(index), `${url}/count/${word}`);
        assert.equal(answer.body.word, word);
      }
    }
    const afterCounts = await Promise.all(urls.map(async (url) => (await getJson(`${url}/served`)).body));
    const forwarded = afterCounts.map((c, i) => (c.forwarded as number) - (before[i]!.forwarded as number));
    const local = afterCounts.map((c, i) => (c.local as number) - (before[i]!.local as number));
    console.log(
      `web: ${WORDS.length * 2} lookups; worker 0 served ${local[0]} locally and forwarded ${forwarded[0]}, ` +
        `worker 1 served ${local[1]} locally and forwarded ${forwarded[1]}`,
    );
    assert.ok(forwarded[0]! > 0 && forwarded[1]! > 0, 'each worker forwarded the keys it does not own');
    assert.equal(forwarded[0]! + forwarded[1]!, WORDS.length, 'every key is forwarded by exactly one worker');
  });

  it('both workers read the same assignment: each table partition active on one, standby on the other', async () => {
    type Partitions = Record<string, number[]>;
    interface RouterView {
      generation: number | null;
      complete: boolean;
      workers: { memberId: string; url: string | null; actives: Partitions; standbys: Partitions }[];
      tables: Record<string, { changelogTopic: string }>;
    }
    const read = async (url: string) => (await getJson(`${url}/router`)).body as unknown as RouterView;
    let views: RouterView[] = [];
    await until(
      'both workers show the same generation',
      async () => {
        views = await Promise.all(urls.map(read));
        return views.every((view) => view.complete && view.generation === views[0]!.generation);
      },
      60_000,
    );
    assert.deepEqual(views[1]!.workers, views[0]!.workers, 'both workers show the same members and parts');
    const workers = views[0]!.workers;
    assert.deepEqual(
      workers.map((worker) => worker.url).sort(),
      [...urls].sort(),
      'every worker has its URL',
    );
    const changelog = views[0]!.tables.counts!.changelogTopic;
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const holding = (kind: 'actives' | 'standbys') =>
        workers.filter((worker) => worker[kind][changelog]?.includes(partition)).map((worker) => worker.url);
      const [active, standby] = [holding('actives'), holding('standbys')];
      assert.equal(active.length, 1, `${changelog}[${partition}] active on one worker: ${active}`);
      assert.equal(standby.length, 1, `${changelog}[${partition}] standby on one worker: ${standby}`);
      assert.notEqual(
        standby[0],
        active[0],
        `${changelog}[${partition}]: the standby is on the other worker`,
      );
    }
  });

  it("runs topic routes on the worker that consumes the key's partition, asked on either worker", async () => {
    for (const word of WORDS) {
      const partition = javaPartition(Buffer.from(JSON.stringify(word)), PARTITIONS);
      const answers = await Promise.all(urls.map((url) => getJson(`${url}/consumer/${word}`)));
      for (const answer of answers) assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answers[0]!.body.servedBy, answers[1]!.body.servedBy, `${word}: one consumer`);
      assert.ok(
        (answers[0]!.body.partitions as number[]).includes(partition),
        `${word}: served by its consumer`,
      );
    }
  });

  it('serves /metrics in Prometheus text format', async () => {
    for (const url of urls) {
      const response = await fetch(`${url}/metrics`);
      assert.equal(response.status, 200);
      const families = parsePrometheus(await response.text());
      const names = new Set(families.map((family) => family.name));
      for (const name of ['faustgen_events_total', 'faustgen_consumer_lag', 'faustgen_table_keys']) {
        assert.ok(names.has(name), `${url}/metrics has ${name}`);
      }
      const lag = families.find((family) => family.name === 'faustgen_consumer_lag');
      assert.ok((lag?.metrics.length ?? 0) > 0, 'lag per assigned partition');
    }
  });

  it('answers bad requests with 4xx JSON and keeps serving', async () => {
    const url = urls[0]!;
    const unknown = await getJson(`${url}/nothing/here`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.statusCode, 404);
    const noKey = await getJson(`${url}/count/`);
    assert.ok(noKey.status >= 400 && noKey.status < 500, `missing key: ${noKey.status}`);
    assert.equal(typeof noKey.body.message, 'string');
    const big = await getJson(`${url}/count/word-1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ blob: 'x'.repeat(2 * 1024 * 1024) }),
    });
    assert.ok(big.status === 413 || big.status === 404, `oversized body: ${big.status}`);
    assert.equal(typeof big.body.statusCode, 'number');
    const ok = await getJson(`${url}/count/word-3`);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.count, expected(3));
  });

  it('while one worker restarts, answers are 503 or the right count, never a wrong one', async () => {
    const answers = { right: 0, unavailable: 0, other: [] as string[] };
    let polling = true;
    const poller = (async () => {
      let i = 0;
      while (polling) {
        const index = i++ % WORDS.length;
        try {
          const answer = await getJson(`${urls[0]}/count/${WORDS[index]}`);
          if (answer.status === 200 && answer.body.count === expected(index)) answers.right++;
          else if (answer.status === 503) {
            assert.ok(answer.headers.get('retry-after'), '503 carries Retry-After');
            answers.unavailable++;
          } else answers.other.push(`${answer.status} ${JSON.stringify(answer.body)}`);
        } catch (error) {
          answers.other.push(`request failed: ${(error as Error).message}`);
        }
      }
    })();
    const restarting = workers[1]!;
    restarting.kill('SIGTERM');
    await restarting.exited(30_000);
    start(1);
    await ready(urls[1]!);
    await until(
      'worker 0 serves every key again',
      async () => (await getJson(`${urls[0]}/health/ready`)).status === 200,
      60_000,
    );
    await new Promise((r) => setTimeout(r, 2000));
    polling = false;
    await poller;
    console.log(
      `web: during the restart ${answers.right} right answers, ${answers.unavailable} 503s, ${answers.other.length} others`,
    );
    assert.deepEqual(answers.other, [], 'no wrong answers');
    assert.ok(answers.right > 0);
    for (const url of urls) {
      for (const [index, word] of WORDS.entries()) {
        await until(
          `${url}/count/${word} after the restart`,
          async () => {
            const answer = await getJson(`${url}/count/${word}`);
            return answer.status === 200 && answer.body.count === expected(index);
          },
          30_000,
        );
      }
    }
  });
});
