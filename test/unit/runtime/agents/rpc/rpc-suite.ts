/**
 * Agent RPC end to end, written once and run on memory:// (unit) and on the real broker
 * (integration): a caller app and a worker app with the same definition, as two processes of
 * one service would be; the caller is never started by hand (ask() starts it as a client).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import {
  type Agent,
  App,
  AskTimeoutError,
  CORRELATION_ID_HEADER,
  model,
  type ProducedMessage,
  REPLY_TO_HEADER,
  type Stream,
} from '../../../../../runtime/index.js';
import {
  encodeResponse,
  PendingReplies,
  ReplyConsumer,
  replyTopicSpec,
} from '../../../../../runtime/agents/rpc/index.js';
import { Connections } from '../../../../../runtime/worker/connections.js';
import { createTransport } from '../../../../../runtime/transport/registry.js';

export interface RpcSuiteOptions {
  /** A broker URL for one test (memory:// tests get a fresh in-process broker each). */
  brokerUrl: () => string;
  /** Upper bound for one test. */
  timeoutMs: number;
}

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const fast = (broker: string) => ({
  broker,
  topicPartitions: 4,
  brokerCommitInterval: 0.2,
  brokerSessionTimeout: 6,
  brokerHeartbeatInterval: 1,
  brokerRebalanceTimeout: 10,
  shutdownTimeout: 5,
  logLevel: 'warn' as const,
  webEnabled: false,
});

interface Numbered {
  n: number;
}

/** An agent that answers {n} with {n: 2n}. */
function defineDouble(app: App): Agent<Buffer, Numbered, Numbered> {
  return app.agent<Buffer, Numbered, Numbered>(undefined, { name: 'double' }, async function* (stream) {
    for await (const { n } of stream) yield { n: n * 2 };
  });
}

export function rpcSuites(transport: string, options: RpcSuiteOptions): void {
  const apps: App[] = [];
  const replyTopics = new Map<string, Set<string>>();

  after(async () => {
    for (const app of apps) await app.stop().catch(() => undefined);
    // The reply topics are per app instance: remove them so the shared broker does not collect them.
    for (const [url, topics] of replyTopics) {
      const admin = createTransport([url], {
        clientId: 'rpc-suite-cleanup',
        connectionTimeoutMs: 5000,
        requestTimeoutMs: 10_000,
      }).createAdmin();
      await admin.deleteTopics([...topics]).catch(() => undefined);
      await admin.close();
    }
  });

  function forgetReplyTopicAfterwards(url: string, caller: App): void {
    const topics = replyTopics.get(url) ?? new Set<string>();
    topics.add(caller.rpc.replyTo);
    replyTopics.set(url, topics);
  }

  /** A worker (started) and a caller (not started) of one app definition on one broker. */
  async function pair<T>(
    define: (app: App) => T,
    hooks: { worker?: (app: App) => void; caller?: (app: App) => void } = {},
  ): Promise<{ worker: App; caller: App; w: T; c: T; url: string }> {
    const url = options.brokerUrl();
    const id = unique('rpc');
    const worker = new App(id, fast(url));
    const caller = new App(id, fast(url));
    apps.push(worker, caller);
    forgetReplyTopicAfterwards(url, caller);
    const w = define(worker);
    const c = define(caller);
    hooks.worker?.(worker);
    hooks.caller?.(caller);
    await worker.start();
    await worker.whenReady();
    return { worker, caller, w, c, url };
  }

  describe(`agent RPC on ${transport}`, { timeout: options.timeoutMs }, () => {
    it('ask() starts the caller as a client and resolves with the value the agent yields', async () => {
      const { caller, c } = await pair(defineDouble);
      assert.equal(caller.engine.running, false, 'the caller is not started before ask()');
      const reply = await c.ask({ n: 21 }, { timeout: 30 });
      assert.deepEqual(reply, { n: 42 });
      assert.equal(caller.engine.running, true, 'ask() started the caller');
      assert.deepEqual(await c.ask({ n: -4 }, { timeout: 30 }), { n: -8 });
      assert.equal(caller.rpc.waiting, 0);
    });

    it('sends the request unwrapped with Faust headers, and the reply as a @ReqRepResponse with a null key', async () => {
      const requests: ProducedMessage[] = [];
      const replies: ProducedMessage[] = [];
      const { caller, c } = await pair(defineDouble, {
        worker: (app) => app.onProduceMessage.connect((m) => void replies.push(m)),
        caller: (app) => app.onProduceMessage.connect((m) => void requests.push(m)),
      });
      await c.ask({ n: 5 }, { key: Buffer.from('k1'), timeout: 30 });
      assert.equal(requests.length, 1);
      const request = requests[0]!;
      assert.equal(request.topic, `${caller.appId}-double`);
      assert.equal(request.key?.toString(), 'k1');
      assert.equal(request.value?.toString(), '{"n":5}', 'the request value is not wrapped');
      const replyTo = request.headers[REPLY_TO_HEADER]?.toString();
      const correlationId = request.headers[CORRELATION_ID_HEADER]?.toString() ?? '';
      assert.equal(replyTo, caller.rpc.replyTo);
      assert.match(replyTo ?? '', /^f-reply-[0-9a-f-]{36}$/);
      assert.match(correlationId, UUID);
      const reply = replies.find((m) => m.topic === replyTo);
      assert.ok(reply, `the worker produced no reply to ${replyTo}`);
      assert.equal(reply.key, null);
      assert.equal(
        reply.value?.toString(),
        `{"key":null,"value":{"n":10},"correlation_id":"${correlationId}","__faust":{"ns":"@ReqRepResponse"}}`,
      );
    });

    it('join() over 1,000 values returns 1,000 replies in input order', async () => {
      // Four actors on four partitions: replies arrive out of input order.
      const { c } = await pair((app) =>
        app.agent<string, number, string>(
          app.topic(`${app.appId}-square`, { keyType: 'string', valueType: 'number', partitions: 4 }),
          { name: 'square', concurrency: 4 },
          async function* (stream) {
            for await (const n of stream) yield `${n}^2=${n * n}`;
          },
        ),
      );
      const values = Array.from({ length: 1000 }, (_, i) => i);
      const results = await c.kvjoin(
        values.map((n) => [`key-${n}`, n] as const),
        { timeout: 60 },
      );
      assert.equal(results.length, 1000);
      assert.deepEqual(
        results,
        values.map((n) => `${n}^2=${n * n}`),
      );
      const joined = await c.join([7, 8, 9], { key: 'same-key', timeout: 30 });
      assert.deepEqual(joined, ['7^2=49', '8^2=64', '9^2=81']);
    });

    it('map() yields replies in arrival order', async () => {
      // Two actors on one queue: 'slow' waits until 'fast' was answered, so its reply comes second.
      const define = (app: App) => {
        let fastAnswered: () => void = () => {};
        const answered = new Promise<void>((resolve) => {
          fastAnswered = resolve;
        });
        return app.agent<Buffer, string, string>(
          undefined,
          { name: 'gate', concurrency: 2 },
          async function* (stream) {
            for await (const word of stream) {
              if (word.startsWith('slow')) await answered;
              yield `${word}!`;
              if (word.startsWith('fast')) fastAnswered();
            }
          },
        );
      };
      const { c } = await pair(define);
      const arrived: string[] = [];
      for await (const reply of c.map(['slow', 'fast'], { key: Buffer.from('k'), timeout: 30 })) {
        arrived.push(reply);
      }
      assert.deepEqual(arrived, ['fast!', 'slow!']);
    });

    it('join() keeps input order when replies arrive out of order', async () => {
      const define = (app: App) => {
        let fastAnswered: () => void = () => {};
        const answered = new Promise<void>((resolve) => {
          fastAnswered = resolve;
        });
        return app.agent<Buffer, string, string>(
          undefined,
          { name: 'gate', concurrency: 2 },
          async function* (stream) {
            for await (const word of stream) {
              if (word === 'slow') await answered;
              yield `${word}!`;
              if (word === 'fast') fastAnswered();
            }
          },
        );
      };
      const { c } = await pair(define);
      assert.deepEqual(await c.join(['slow', 'fast'], { key: Buffer.from('k'), timeout: 30 }), [
        'slow!',
        'fast!',
      ]);
    });

    it('kvmap() and kvjoin() send each key with its value', async () => {
      const define = (app: App) =>
        app.agent<string, number, string>(
          app.topic(`${app.appId}-kv`, { keyType: 'string', valueType: 'number', partitions: 4 }),
          { name: 'kv' },
          async function* (stream: Stream<string, number>) {
            for await (const [key, value] of stream.items()) yield `${key}=${value}`;
          },
        );
      const { c } = await pair(define);
      const items = [['a', 1] as const, ['b', 2] as const, ['c', 3] as const];
      assert.deepEqual(await c.kvjoin(items, { timeout: 30 }), ['a=1', 'b=2', 'c=3']);
      const mapped: string[] = [];
      async function* generated() {
        for (const item of items) yield item;
      }
      for await (const reply of c.kvmap(generated(), { timeout: 30 })) mapped.push(reply);
      assert.deepEqual(mapped.sort(), ['a=1', 'b=2', 'c=3']);
    });

    it('ask() of an agent that no worker runs fails with an AskTimeoutError naming the agent and the request', async () => {
      const { worker, url } = await pair(defineDouble);
      // A caller of the same app that declares one more agent, which the running worker lacks.
      const caller = new App(worker.id, fast(url));
      apps.push(caller);
      forgetReplyTopicAfterwards(url, caller);
      defineDouble(caller);
      const nobody = caller.agent<Buffer, string, string>(
        undefined,
        { name: 'nobody' },
        async function* () {},
      );
      assert.deepEqual(await caller.getAgent('double')?.ask({ n: 1 }, { timeout: 30 }), { n: 2 });
      const error = await nobody.ask('hello?', { timeout: 0.5 }).then(
        () => assert.fail('ask() resolved'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof AskTimeoutError, `not an AskTimeoutError: ${String(error)}`);
      assert.equal(error.agent, 'nobody');
      assert.match(error.correlationId, UUID);
      assert.equal(error.replyTo, caller.rpc.replyTo);
      assert.match(error.message, /^agent nobody: no reply to request [0-9a-f-]{36} within 0\.5 s/);
      assert.ok(error.message.includes(error.correlationId));
      assert.equal(caller.rpc.waiting, 0, 'the timed-out request is no longer waiting');
    });

    it('join() names the first request without a reply and where it was in the input', async () => {
      const { caller, c } = await pair((app) =>
        app.agent<Buffer, number, number>(undefined, { name: 'evens' }, async function* (stream) {
          for await (const n of stream) if (n % 2 === 0) yield n;
        }),
      );
      // Started first: with 1 s per request, the caller's own start (its reply consumer joining,
      // slower on librdkafka) must not be what times out.
      assert.equal(await c.ask(0, { key: Buffer.from('k'), timeout: 30 }), 0);
      const error = await c.join([0, 2, 3, 4], { key: Buffer.from('k'), timeout: 1 }).then(
        () => assert.fail('join() resolved'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof AskTimeoutError, `not an AskTimeoutError: ${String(error)}`);
      assert.equal(error.agent, 'evens');
      assert.equal(error.batch?.position, 2, 'the value 3 at position 2 got no reply');
      assert.match(error.message, /value #2 of the input/);
      assert.equal(caller.rpc.waiting, 0);
    });

    it('answers only the first yield of a request; cast() sends no reply headers', async () => {
      const seen: { value: string; replyTo: boolean }[] = [];
      const yields: string[] = [];
      const define = (app: App) =>
        app.agent<Buffer, string, string>(
          undefined,
          { name: 'chatty', sink: [(value: string) => void yields.push(value)] },
          async function* (stream, ctx) {
            for await (const value of stream) {
              seen.push({ value, replyTo: ctx.event?.headers[REPLY_TO_HEADER] !== undefined });
              yield `${value}-first`;
              yield `${value}-second`;
            }
          },
        );
      const replies: ProducedMessage[] = [];
      const { caller, worker, c } = await pair(define, {
        worker: (app) => app.onProduceMessage.connect((m) => void replies.push(m)),
      });
      assert.equal(await c.ask('q', { timeout: 30 }), 'q-first');
      await c.cast('fire', { key: Buffer.from('k') });
      await until(() => yields.length === 4);
      await worker.engine.producer.flush();
      assert.deepEqual(yields, ['q-first', 'q-second', 'fire-first', 'fire-second'], 'sinks get every yield');
      assert.deepEqual(seen, [
        { value: 'q', replyTo: true },
        { value: 'fire', replyTo: false },
      ]);
      assert.equal(
        replies.filter((m) => m.topic === caller.rpc.replyTo).length,
        1,
        'one reply for one request',
      );
    });

    it('a reply naming a registered model comes back as that model, validated', async () => {
      const Result = model<{ total: number }>(
        unique('Result'),
        {
          type: 'object',
          properties: { total: { type: 'number' } },
          required: ['total'],
          additionalProperties: false,
        },
        { namespace: unique('rpc.Result') },
      );
      const { c } = await pair((app) =>
        app.agent<Buffer, number[], unknown>(undefined, { name: 'sum' }, async function* (stream) {
          for await (const numbers of stream) {
            yield Result.toRepresentation({ total: numbers.reduce((a, b) => a + b, 0) });
          }
        }),
      );
      assert.deepEqual(await c.ask([1, 2, 3], { timeout: 30 }), { total: 6 });
    });

    it('leaving map() early forgets the requests still waiting', async () => {
      const { caller, c } = await pair(defineDouble);
      const values = Array.from({ length: 50 }, (_, n) => ({ n }));
      let first: Numbered | undefined;
      for await (const reply of c.map(values, { timeout: 30 })) {
        first = reply;
        break;
      }
      assert.ok(first && first.n % 2 === 0);
      assert.equal(caller.rpc.waiting, 0);
    });

    it('reads replies written before its consumer started, and after a restart only new ones', async () => {
      const url = options.brokerUrl();
      const conf = new App(unique('rpc-early'), fast(url)).conf;
      const transport = createTransport([url], {
        clientId: 'rpc-suite',
        connectionTimeoutMs: 5000,
        requestTimeoutMs: 10_000,
      });
      const admin = transport.createAdmin();
      const producer = transport.createProducer({
        clientId: 'rpc-suite',
        acks: -1,
        compression: 'none',
        requestTimeoutMs: 10_000,
        maxRequestSize: 1_000_000,
      });
      await producer.connect();
      const topic = unique('f-reply-test');
      const logger = new App(unique('rpc-early'), fast(url)).logger;
      const reply = (correlationId: string, value: unknown) =>
        producer.sendBatch([{ topic, partition: 0, key: null, value: encodeResponse(value, correlationId) }]);
      const consumers: ReplyConsumer[] = [];
      const consumerOf = (pending: PendingReplies) => {
        const connections = new Connections(conf, logger);
        const consumer = new ReplyConsumer({
          topic,
          conf,
          logger,
          admin: () => admin,
          consumer: (purpose) => connections.consumer(purpose),
          pending,
        });
        consumers.push(consumer);
        return consumer;
      };
      try {
        await admin.createTopics([replyTopicSpec(topic, conf)]);
        const first = new PendingReplies();
        const early = first.expect('early', 'agent-x', 30_000, () => new Error('early: no reply'));
        // The reply is in the topic before the consumer exists: 'latest' would skip it.
        await reply('early', 'before the consumer');
        const consumer = consumerOf(first);
        await consumer.start();
        assert.equal(await early, 'before the consumer');
        await consumer.stop();

        // The same reply topic again (a fixed replyTo): it resumes after what it read.
        const second = new PendingReplies();
        const stale = second.expect('early', 'agent-x', Infinity, () => new Error('unused'));
        const later = second.expect('later', 'agent-x', 30_000, () => new Error('later: no reply'));
        const restarted = consumerOf(second);
        await restarted.start();
        await reply('later', 'after the restart');
        assert.equal(await later, 'after the restart');
        assert.ok(second.has('early'), 'the reply read before the restart was read again');
        await restarted.stop();
        await assert.rejects(
          stale,
          /^ReplyLostError: agent agent-x: request early gets no reply: the app stopped/,
        );
        assert.equal(second.size, 0);
      } finally {
        for (const consumer of consumers) await consumer.stop();
        await producer.disconnect();
        await admin.deleteTopics([topic]).catch(() => undefined);
        await admin.close();
      }
    });

    it('a worker asks an agent over a channel in its own process', async () => {
      const url = options.brokerUrl();
      const app = new App(unique('rpc-self'), fast(url));
      apps.push(app);
      forgetReplyTopicAfterwards(url, app);
      const channel = app.channel<unknown, string>();
      const upper = app.agent<unknown, string, string>(channel, { name: 'upper' }, async function* (stream) {
        for await (const text of stream) yield text.toUpperCase();
      });
      await app.start();
      assert.equal(await upper.ask('shout', { timeout: 30 }), 'SHOUT');
      assert.deepEqual(await upper.join(['a', 'b'], { timeout: 30 }), ['A', 'B']);
      // The engine does not end channels at stop: end this one so the agent finishes.
      channel.close();
      await app.stop();
    });

    it('creates the reply topic at start with replyCreateTopic, else on the first ask()', async () => {
      const url = options.brokerUrl();
      const admin = createTransport([url], {
        clientId: 'rpc-suite',
        connectionTimeoutMs: 5000,
        requestTimeoutMs: 10_000,
      }).createAdmin();
      try {
        const eager = new App(unique('rpc-eager'), { ...fast(url), replyCreateTopic: true });
        const lazy = new App(unique('rpc-lazy'), fast(url));
        for (const app of [eager, lazy]) {
          apps.push(app);
          forgetReplyTopicAfterwards(url, app);
        }
        const double = defineDouble(lazy);
        await eager.startClient();
        await lazy.startClient();
        assert.equal(await admin.partitionCount(eager.rpc.replyTo), 1);
        assert.equal(await admin.partitionCount(lazy.rpc.replyTo), undefined);
        const worker = new App(lazy.id, fast(url));
        apps.push(worker);
        defineDouble(worker);
        await worker.start();
        assert.deepEqual(await double.ask({ n: 3 }, { timeout: 30 }), { n: 6 });
        assert.equal(await admin.partitionCount(lazy.rpc.replyTo), 1);
      } finally {
        await admin.close();
      }
    });

    it('rejects a timeout that is not a positive number of seconds', async () => {
      const { c } = await pair(defineDouble);
      await assert.rejects(
        c.ask({ n: 1 }, { timeout: 0 }),
        /agent double: timeout must be a number of seconds > 0/,
      );
      await assert.rejects(c.join([{ n: 1 }], { timeout: -1 }), RangeError);
    });
  });
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}
