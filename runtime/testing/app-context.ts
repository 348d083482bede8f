import { randomBytes } from 'node:crypto';
import { Agent } from '../agents/agent.js';
import type { App } from '../app/app.js';
import { deadLetterTopicName } from '../worker/dead-letter.js';
import { Channel } from '../channels/channel.js';
import { Topic } from '../channels/topic.js';
import { destroyMemoryBroker, getMemoryBroker, type MemoryBroker } from '../transport/memory/index.js';
import type { Message } from '../transport/types.js';
import { ProduceJournal } from './journal.js';
import { decodeDeadLetter, decodeRecord, headerBytes } from './records.js';
import { Quiescence, waitUntil } from './settle.js';
import type {
  CommittedOffset,
  DeadLetter,
  PutBytesOptions,
  PutOptions,
  PutResult,
  SentRecord,
  TestContextOptions,
  YieldRecord,
} from './types.js';

const DEFAULT_SETTLE_TIMEOUT_MS = 30_000;

// biome-ignore lint/suspicious/noExplicitAny: an agent reading K and V, whatever it yields
type AgentOf<K, V> = Agent<K, V, any>;
// biome-ignore lint/suspicious/noExplicitAny: an agent yielding Y, whatever it reads
type YieldingAgent<Y> = Agent<any, any, Y>;

/** What put() can write to: a topic (or its name), a channel, or an agent (its source). */
export type PutTarget<K, V> = Topic<K, V> | Channel<K, V> | AgentOf<K, V> | string;

type TopicRef<K = unknown, V = unknown> = Topic<K, V> | string;

/** The open test context of each app: an app runs one worker at a time. */
const openContexts = new WeakMap<App, AppTestContext>();
let contextSequence = 0;

/**
 * The settings a test context runs with, on top of the app's: a private memory:// broker, tables
 * in memory (recovered from that broker's changelogs, so nothing leaks from disk or from another
 * context), a commit after every processed event (so committed() is exact), sends without
 * linger, the app's own topics declared, reads from the earliest offset, no web server (parallel
 * contexts would compete for its port).
 */
export function testSettings(brokerUrl: string): Record<string, unknown> {
  return {
    broker: brokerUrl,
    store: 'memory://',
    brokerCommitEvery: 1,
    producerLinger: 0,
    topicAllowDeclare: true,
    consumerAutoOffsetReset: 'earliest',
    webEnabled: false,
  };
}

/**
 * Starts `app` as a worker on a private in-process broker and returns its test context (what
 * `app.testContext()` does). One context per app at a time; after `stop()` the app is as it was
 * and may be given another context.
 */
export async function openAppTestContext(
  app: App,
  options: TestContextOptions = {},
): Promise<AppTestContext> {
  if (openContexts.has(app)) {
    throw new Error(`app ${app.appId} already has an open test context: stop it first (await ctx.stop())`);
  }
  if (app.running) {
    throw new Error(`app ${app.appId} is running: stop it before giving it a test context`);
  }
  const brokerUrl = `memory://faustgen-test-${app.appId}-${++contextSequence}-${randomBytes(3).toString('hex')}`;
  const context = new AppTestContext(app, brokerUrl, options.settleTimeoutMs ?? DEFAULT_SETTLE_TIMEOUT_MS, {
    ...testSettings(brokerUrl),
    ...options.settings,
  });
  openContexts.set(app, context);
  try {
    await context.start();
  } catch (error) {
    await context.stop().catch(() => undefined);
    throw error;
  }
  return context;
}

/**
 * A running app on its own in-process broker, driven by a test: put records in, wait until the
 * app processed them, read what its agents yielded, sent, committed and dead-lettered. Nothing
 * in it depends on a test runner. Get one with `app.testContext()`.
 */
export class AppTestContext {
  private readonly broker: MemoryBroker;
  private readonly journal = new ProduceJournal();
  private readonly quiescence: Quiescence;
  private readonly yields: YieldRecord[] = [];
  private readonly detach: (() => void)[] = [];
  private tail: Promise<void> = Promise.resolve();
  private closed = false;
  private stopping: Promise<void> | undefined;

  /** @internal Use app.testContext() or openAppTestContext(). */
  constructor(
    readonly app: App,
    /** The private broker this context runs on. */
    readonly brokerUrl: string,
    private readonly settleTimeoutMs: number,
    /** The run's settings: the private broker, fast commits (see testSettings). */
    private readonly settings: Record<string, unknown> = testSettings(brokerUrl),
  ) {
    // Made here, before the app's transport asks for it, with the app's (current) logger.
    this.broker = getMemoryBroker(brokerUrl, (level, message, extra) => app.logger[level](message, extra));
    this.quiescence = new Quiescence(app, this.broker);
  }

  /** @internal Starts the worker and waits until it is ready and quiet. */
  async start(): Promise<void> {
    this.detach.push(this.app.onProduceMessage.connect(this.journal.record));
    for (const agent of this.app.agents()) {
      const name = agent.name;
      this.detach.push(agent.observeYields((value) => this.yields.push({ agent: name, value })));
    }
    await this.app.start('worker', { settings: this.settings });
    await this.untilReady();
    await this.settle();
  }

  /**
   * Writes `value` (serialized with the topic's serdes) to a topic, channel or agent, then
   * waits until the app has processed everything queued so far (unless `wait: false`). Puts
   * run one after another, in call order, even when not awaited.
   */
  put<K, V>(target: PutTarget<K, V>, value: V, options: PutOptions<K> = {}): Promise<PutResult> {
    return this.exclusive('put', async () => {
      const first = this.yields.length;
      const landed = await this.write(target, value, options);
      if (options.wait !== false) await this.settle();
      return { ...landed, yielded: this.yields.slice(first) };
    });
  }

  /**
   * Writes raw bytes to a topic, past its serializers (a malformed or invalid record, to see it
   * dead-lettered); waits as put() does.
   */
  putBytes(
    topic: TopicRef,
    value: Buffer | string | null,
    options: PutBytesOptions = {},
  ): Promise<PutResult> {
    return this.exclusive('putBytes', async () => {
      const first = this.yields.length;
      const name = this.topicOf(topic, 'putBytes').name;
      const receipt = await this.app.produce(name, bytes(options.key), bytes(value), {
        partition: options.partition,
        timestamp: options.timestamp,
        headers: headerBytes(options.headers),
      });
      const metadata = await receipt.delivered;
      if (options.wait !== false) await this.settle();
      return {
        topic: metadata.topic,
        partition: metadata.partition,
        offset: metadata.offset,
        yielded: this.yields.slice(first),
      };
    });
  }

  /**
   * Runs one cleanup tick now, as a worker does every `tableCleanupInterval`: windowed tables close
   * the windows whose end + grace their partition's committed event time has reached (the highest
   * timestamp of the events processed there), call onWindowClose, and delete the windows whose
   * end + expires it has reached. Waits until the app is quiet first and until the closes are done.
   */
  tick(): Promise<void> {
    return this.exclusive('tick', async () => {
      await this.settle();
      await this.app.tables.cleanup();
      await this.settle();
    });
  }

  /**
   * Moves event time forward to `timestampMs` (milliseconds since the epoch, like put()'s
   * `timestamp`) in every partition, as if an event of that time had been processed in each, then
   * runs a cleanup tick (see tick()). Event time never goes back: an earlier time changes nothing.
   */
  advanceEventTime(timestampMs: number): Promise<void> {
    if (!Number.isFinite(timestampMs)) {
      return Promise.reject(
        new TypeError(`advanceEventTime(): expected milliseconds since the epoch, got ${timestampMs}`),
      );
    }
    return this.exclusive('advanceEventTime', async () => {
      await this.settle();
      await this.app.tables.advanceEventTime(timestampMs);
      await this.settle();
    });
  }

  /** Waits until the app has processed everything queued so far (see put()). */
  settle(): Promise<void> {
    if (this.closed) return Promise.reject(this.stoppedError('settle'));
    return this.quiescence.settle(this.settleTimeoutMs, () => this.failure());
  }

  /** The records on a topic, decoded with its serdes, in the order they were sent (put() included). */
  sent<K, V>(topic: Topic<K, V>): SentRecord<K, V>[];
  sent(topic: string): SentRecord[];
  sent(topic: TopicRef): SentRecord[] {
    const known = this.knownTopic(topic);
    return this.sentRaw(topic).map((message) => decodeRecord(message, known));
  }

  /** The records on a topic as bytes, in the order they were sent. */
  sentRaw(topic: TopicRef): Message[] {
    this.assertReadable('sentRaw');
    return this.journal.records(this.broker, nameOf(topic));
  }

  /** The values an agent's handler yielded (whether or not it has sinks), in order. */
  yielded<Y>(agent: YieldingAgent<Y>): Y[] {
    return this.yields.filter((record) => record.agent === agent.name).map((record) => record.value as Y);
  }

  /** Every value any agent yielded, in order. */
  allYielded(): YieldRecord[] {
    return [...this.yields];
  }

  /** The app's committed offsets of every partition of a topic (the next offset to read; -1: none). */
  committed(topic: TopicRef): CommittedOffset[] {
    this.assertReadable('committed');
    const name = nameOf(topic);
    const partitions = this.broker.partitionCount(name);
    if (partitions === undefined) throw new Error(`topic ${name} does not exist on the test broker`);
    const group = this.broker.findGroup(this.app.appId);
    return Array.from({ length: partitions }, (_, partition) => ({
      topic: name,
      partition,
      offset: group?.committedOffset(name, partition) ?? -1,
    }));
  }

  /** The records of a topic that went to its dead-letter topic, with why, in order. */
  deadLetters<K, V>(topic: Topic<K, V>): DeadLetter<K, V>[];
  deadLetters(topic: string): DeadLetter[];
  deadLetters(topic: TopicRef): DeadLetter[] {
    this.assertReadable('deadLetters');
    const deadLetterTopic = deadLetterTopicName(this.app.appId, nameOf(topic));
    if (this.broker.partitionCount(deadLetterTopic) === undefined) return [];
    const known = this.knownTopic(topic);
    return this.journal
      .records(this.broker, deadLetterTopic)
      .map((message) => decodeDeadLetter(message, known));
  }

  /**
   * Stops the app (gracefully: in-flight events finish, offsets commit), drops the private
   * broker and restores the app's settings. Results cannot be read afterwards. Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.closed = true;
      try {
        await this.app.stop();
      } finally {
        for (const detach of this.detach.splice(0)) detach();
        await destroyMemoryBroker(this.brokerUrl);
        openContexts.delete(this.app);
      }
    })();
    return this.stopping;
  }

  private async write<K, V>(
    target: PutTarget<K, V>,
    value: V,
    options: PutOptions<K>,
  ): Promise<Omit<PutResult, 'yielded'>> {
    const resolved = this.resolveTarget(target);
    const record = {
      key: options.key,
      value,
      partition: options.partition,
      timestamp: options.timestamp,
      headers: headerBytes(options.headers),
    };
    if (resolved instanceof Channel) {
      const { offset } = await resolved.send(record);
      return { topic: resolved.name, partition: 0, offset };
    }
    const metadata = await (await resolved.send(record)).delivered;
    return { topic: metadata.topic, partition: metadata.partition, offset: metadata.offset };
  }

  private resolveTarget<K, V>(target: PutTarget<K, V>): Topic<K, V> | Channel<K, V> {
    if (typeof target === 'string') return this.topicOf(target, 'put') as Topic<K, V>;
    if (target instanceof Agent) {
      if (this.app.getAgent(target.name) !== target) {
        throw new Error(`agent ${target.name} is not an agent of app ${this.app.appId}`);
      }
      return target.source;
    }
    if (target instanceof Topic) return this.topicOf(target, 'put') as Topic<K, V>;
    if (target instanceof Channel) return target;
    throw new TypeError(`put: expected a topic, topic name, channel or agent, got ${String(target)}`);
  }

  private topicOf(topic: TopicRef, what: string): Topic<unknown, unknown> {
    const known = this.app.getTopic(nameOf(topic));
    if (!known) {
      throw new Error(
        `${what}: app ${this.app.appId} has no topic ${nameOf(topic)} (declare it with app.topic())`,
      );
    }
    if (typeof topic !== 'string' && known !== (topic as Topic<unknown, unknown>)) {
      throw new Error(`${what}: topic ${topic.name} belongs to another app than ${this.app.appId}`);
    }
    return known;
  }

  private knownTopic(topic: TopicRef): Topic<unknown, unknown> | undefined {
    return typeof topic === 'string' ? this.app.getTopic(topic) : (topic as Topic<unknown, unknown>);
  }

  private exclusive<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(this.stoppedError(what));
    const result = this.tail.then(() => {
      const failure = this.failure();
      if (failure) throw failure;
      return run();
    });
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private untilReady(): Promise<void> {
    const { engine } = this.app;
    return waitUntil(() => (engine.ready ? [] : ['the worker is not ready (no partitions assigned yet)']), {
      timeoutMs: this.settleTimeoutMs,
      failure: () => this.failure(),
      what: `app ${this.app.appId}`,
    });
  }

  private failure(): Error | undefined {
    if (this.closed) return new Error(`the test context of app ${this.app.appId} was stopped`);
    const crash = this.app.crashError;
    if (crash) return new Error(`app ${this.app.appId} crashed: ${crash.message}`, { cause: crash });
    return undefined;
  }

  private stoppedError(what: string): Error {
    return new Error(`${what}: the test context of app ${this.app.appId} was stopped`);
  }

  private assertReadable(what: string): void {
    if (this.closed) {
      throw new Error(
        `${what}: the test context of app ${this.app.appId} was stopped; read results before stop()`,
      );
    }
  }
}

function nameOf(topic: TopicRef): string {
  return typeof topic === 'string' ? topic : topic.name;
}

function bytes(value: Buffer | string | null | undefined): Buffer | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? Buffer.from(value) : value;
}
