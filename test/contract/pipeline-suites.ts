/**
 * End-to-end pipeline, commit and dead-letter behaviour of the runtime, written once and run on
 * both transports: memory:// (unit) and the real Kafka broker (integration).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { App, DEAD_LETTER_HEADERS, deadLetterTopicName, type Event } from '../../runtime/index.js';
import { model } from '../../runtime/models/index.js';
import { createTransport } from '../../runtime/transport/registry.js';
import { eventually as until } from '../support/memory-app.js';

export interface SuiteOptions {
  /** A broker URL for one test (memory:// tests get a fresh in-process broker each). */
  brokerUrl: () => string;
  /** How long to wait for a pipeline to drain. */
  timeoutMs: number;
  /** Words sent through the pipeline (the acceptance test uses 100,000). */
  words: number;
}

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

/** Fast settings for tests: short commit interval and session timeouts. */
const fast = (broker: string) => ({
  broker,
  topicPartitions: 4,
  brokerCommitInterval: 0.2,
  // Long enough that a loaded 2-core machine does not drop the member mid-test.
  brokerSessionTimeout: 30,
  brokerHeartbeatInterval: 1,
  brokerRebalanceTimeout: 10,
  shutdownTimeout: 5,
  logLevel: 'warn' as const,
  webEnabled: false,
});

/** Deterministic pseudo-random lower-case words of 1 to 10 letters. */
export function makeWords(count: number, seed = 42): string[] {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state;
  };
  const words: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = 1 + (next() % 10);
    let word = '';
    for (let j = 0; j < length; j++) word += String.fromCharCode(97 + (next() % 26));
    words.push(word);
  }
  return words;
}

export function pipelineSuites(transport: string, options: SuiteOptions): void {
  const apps: App[] = [];
  after(async () => {
    for (const app of apps) await app.stop().catch(() => undefined);
  });
  const track = (app: App) => {
    apps.push(app);
    return app;
  };

  describe(`runtime pipeline on ${transport}`, { timeout: options.timeoutMs + 60_000 }, () => {
    it(`counts every letter of ${options.words} words split by one agent and counted by another`, async () => {
      const appId = unique('words');
      const app = track(new App(appId, fast(options.brokerUrl())));
      const words = app.topic(`${appId}-words`, { keyType: 'string', valueType: 'string', partitions: 4 });
      const letters = app.topic(`${appId}-letters`, {
        keyType: 'string',
        valueType: 'string',
        partitions: 4,
      });
      const counts = new Map<string, number>();
      let counted = 0;
      app.agent(words, { name: 'split' }, async (stream) => {
        for await (const word of stream) {
          for (const letter of word) await letters.send({ key: letter, value: letter });
        }
      });
      app.agent(letters, { name: 'count' }, async (stream) => {
        for await (const letter of stream) {
          counts.set(letter, (counts.get(letter) ?? 0) + 1);
          counted++;
        }
      });
      let rebalances = 0;
      app.onRebalanceComplete.connect(() => {
        rebalances++;
      });
      await app.start();
      const input = makeWords(options.words);
      const expected = new Map<string, number>();
      let expectedTotal = 0;
      for (const word of input) {
        for (const letter of word) expected.set(letter, (expected.get(letter) ?? 0) + 1);
        expectedTotal += word.length;
      }
      const started = performance.now();
      for (const word of input) await words.send({ key: word, value: word });
      // Not `counted >= total`: after a rebalance, duplicates of some letters could reach the total
      // while others are still on their way.
      const allCounted = () => [...expected].every(([letter, n]) => (counts.get(letter) ?? 0) >= n);
      await until(
        'every letter counted',
        allCounted,
        options.timeoutMs,
        () => `(${counted}/${expectedTotal})`,
      );
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `# ${transport}: ${options.words} words, ${expectedTotal} letters in ${seconds.toFixed(1)} s`,
      );
      for (const [letter, n] of expected) {
        assert.ok(
          (counts.get(letter) ?? 0) >= n,
          `letter ${letter}: counted ${counts.get(letter)} < sent ${n}`,
        );
      }
      if (rebalances <= 1)
        assert.equal(counted, expectedTotal, 'one worker, no rebalance: every letter exactly once');
      else
        console.log(`# ${rebalances - 1} extra rebalances: ${counted - expectedTotal} letters counted twice`);
      await app.stop();
    });

    it('commits the offsets of processed events, only after they were processed', async () => {
      const appId = unique('commits');
      const url = options.brokerUrl();
      const app = track(new App(appId, fast(url)));
      const topic = app.topic(`${appId}-in`, { keyType: 'string', valueType: 'json', partitions: 4 });
      let processed = 0;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      app.agent(topic, { name: 'gated' }, async (stream) => {
        for await (const _value of stream) {
          if (processed === 99) await gate; // hold the 100th event
          processed++;
        }
      });
      await app.start();
      for (let i = 0; i < 400; i++) await topic.send({ key: `k${i % 4}`, value: { i }, partition: 0 });
      await until('99 processed', () => processed === 99, options.timeoutMs);
      await new Promise((r) => setTimeout(r, 800)); // several commit intervals
      const admin = createTransport([url], {
        clientId: 'test',
        connectionTimeoutMs: 5000,
        requestTimeoutMs: 5000,
      }).createAdmin();
      try {
        const held = await admin.committedOffsets(appId, topic.name);
        const p0 = held.find((c) => c.partition === 0)!;
        assert.ok(
          p0.offset <= 99,
          `committed ${p0.offset} while the event at offset 99 is still being processed`,
        );
        release();
        await until('400 processed', () => processed === 400, options.timeoutMs);
        await app.stop();
        const done = await admin.committedOffsets(appId, topic.name);
        assert.equal(
          done.find((c) => c.partition === 0)?.offset,
          400,
          'everything committed after a graceful stop',
        );
      } finally {
        // An open admin client keeps the test process alive after its last test.
        await admin.close();
      }
    });

    it('sends malformed and failing events to the dead-letter topic with their reason; the rest are processed', async () => {
      const appId = unique('dlq');
      const url = options.brokerUrl();
      const app = track(new App(appId, fast(url)));
      const Order = model<{ id: number; amount: number }>('Order', {
        type: 'object',
        properties: { id: { type: 'integer' }, amount: { type: 'number' } },
        required: ['id', 'amount'],
      });
      const orders = app.topic(`${appId}-orders`, { keyType: 'string', valueType: Order, partitions: 2 });
      const processed = new Set<number>();
      app.agent(orders, { name: 'orders' }, async (stream) => {
        for await (const order of stream) {
          if (order.id % 7 === 0) throw new Error(`order ${order.id} is cursed`);
          processed.add(order.id);
        }
      });
      // A reader of the dead-letter topic, as another app would be.
      const readerApp = track(new App(unique('dlq-reader'), fast(url)));
      const dlqName = deadLetterTopicName(appId, orders.name);
      const dead: Event<unknown, unknown>[] = [];
      const dlq = readerApp.topic(dlqName, {
        keySerializer: 'raw',
        valueType: 'bytes',
        valueSerializer: 'raw',
        partitions: 2,
      });
      readerApp.agent(dlq, { name: 'dead' }, async (stream) => {
        for await (const event of stream.events()) dead.push(event as Event<unknown, unknown>);
      });
      await app.start();
      await readerApp.start();
      const send = (value: Buffer, key: string) =>
        app.engine.producer.send(orders.name, Buffer.from(key), value, {});
      const good: number[] = [];
      const expectedDead = new Map<string, RegExp>();
      for (let id = 1; id <= 200; id++) {
        if (id % 50 === 0) {
          await send(Buffer.from(`{"id": ${id}, "amount": `), `bad-json-${id}`);
          expectedDead.set(`bad-json-${id}`, /JSON/i);
        } else if (id % 45 === 0) {
          await send(Buffer.from(JSON.stringify({ id, amount: 'lots' })), `bad-schema-${id}`);
          expectedDead.set(`bad-schema-${id}`, /amount/);
        } else {
          await orders.send({ key: `order-${id}`, value: { id, amount: id * 1.5 } });
          if (id % 7 === 0) expectedDead.set(`order-${id}`, new RegExp(`order ${id} is cursed`));
          else good.push(id);
        }
      }
      await until(
        'good orders processed',
        () => processed.size === good.length,
        options.timeoutMs,
        () => `(${processed.size}/${good.length})`,
      );
      await until(
        'dead letters',
        () => dead.length >= expectedDead.size,
        options.timeoutMs,
        () => `(${dead.length}/${expectedDead.size})`,
      );
      const byKey = new Map(dead.map((e) => [e.message.key?.toString() ?? '', e]));
      for (const [key, reason] of expectedDead) {
        const event = byKey.get(key);
        assert.ok(event, `dead letter for ${key} is missing`);
        const header = (name: string) => event.headers[name]?.toString();
        assert.match(header(DEAD_LETTER_HEADERS.reason) ?? '', reason, `reason for ${key}`);
        assert.equal(header(DEAD_LETTER_HEADERS.topic), orders.name);
        assert.ok(Number(header(DEAD_LETTER_HEADERS.offset)) >= 0);
        assert.equal(
          header(DEAD_LETTER_HEADERS.stage),
          key.startsWith('order-') ? 'handler' : 'decode',
          `stage for ${key}`,
        );
      }
      assert.equal(dead.length, expectedDead.size, 'nothing else was dead-lettered');
      // The worker keeps running: a new good order is processed.
      await orders.send({ key: 'order-1002', value: { id: 1002, amount: 1 } });
      await until('order 1002', () => processed.has(1002), options.timeoutMs);
      assert.equal(app.crashError, undefined);
      await app.stop();
      await readerApp.stop();
    });
  });
}
