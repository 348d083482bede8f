import { randomUUID } from 'node:crypto';
import type { LifecycleHooks } from '../../core/lifecycle.js';
import type { Settings } from '../../core/settings/index.js';
import type { Event } from '../../streams/event.js';
import type { ProduceOptions, SendReceipt } from '../../channels/types.js';
import type { Logger } from '../../core/logging/index.js';
import type { OutgoingRecord } from '../../streams/types.js';
import type {
  ConsumerPurpose,
  Headers,
  Message,
  TransportAdmin,
  TransportConsumer,
} from '../../transport/types.js';
import { Arrivals } from './arrivals.js';
import { AskTimeoutError } from './errors.js';
import { replyAddressOf, requestHeaders } from './headers.js';
import { PendingReplies } from './pending.js';
import { ReplyConsumer } from './reply-consumer.js';
import { encodeResponse } from './response.js';

/**
 * How long ask() waits for a reply when no `timeout` is given: 60 s, or `replyExpires` when that
 * is shorter (a reply older than that may be gone). Faust waits without bound; a caller that
 * wants that passes `timeout: Infinity`.
 */
export const DEFAULT_ASK_TIMEOUT_SECONDS = 60;

/** The longest finite timeout a Node.js timer can wait (2^31-1 ms, about 24.8 days). */
const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** What RPC needs from its app. */
export interface RpcHost {
  readonly appId: string;
  readonly conf: Readonly<Settings>;
  readonly logger: Logger;
  readonly engine: {
    readonly transportAdmin: TransportAdmin;
    consumer(purpose: ConsumerPurpose): TransportConsumer;
  };
  /** Starts the app as a client (producer and replies) unless it already runs. */
  maybeStartClient(): Promise<void>;
  produce(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    options: ProduceOptions,
  ): Promise<SendReceipt>;
}

/** The agent a request goes to: its name and how to send to its topic or channel. */
export interface RpcTarget<K, V> {
  readonly name: string;
  send(record: OutgoingRecord<K, V>): Promise<unknown>;
}

export interface CastOptions<K> {
  key?: K | null;
  partition?: number;
  /** Milliseconds since the epoch. */
  timestamp?: number;
  headers?: Headers;
}

export interface AskOptions<K> extends CastOptions<K> {
  /** Seconds to wait for the reply (default: see DEFAULT_ASK_TIMEOUT_SECONDS; Infinity: no limit). */
  timeout?: number;
}

export interface MapOptions<K> {
  /** The key of every request (Faust's `map(values, key=)`). */
  key?: K | null;
  /** Seconds each request waits for its reply, counted from when it is sent. */
  timeout?: number;
}

export interface KvMapOptions {
  /** Seconds each request waits for its reply, counted from when it is sent. */
  timeout?: number;
}

type Items<T> = Iterable<T> | AsyncIterable<T>;

/**
 * Agent RPC for one app (Faust's `agent.ask/cast/map/kvmap/join/kvjoin`, `faust/agents/replies.py`).
 *
 * Caller side: a request is the value sent to the agent's topic, unwrapped, with the headers
 * `Faust-Ag-ReplyTo` (this instance's reply topic, `replyTo`) and `Faust-Ag-CorrelationId` (a
 * uuid4). The reply topic and its consumer start on the first ask(), or with the app when
 * `replyCreateTopic` is set; an app that is not started is started as a client.
 *
 * Agent side: the first value an agent yields while a request event is its current event is the
 * reply, sent as a `@ReqRepResponse` record with a null key to the topic in the request's header.
 * Later yields for the same event go only to the sinks.
 */
export class AgentRpc {
  private readonly pending = new PendingReplies();
  private replies: ReplyConsumer | undefined;
  private stopped = false;
  /** Request messages already answered (the first yield replies; a redelivery is a new message). */
  private readonly answered = new WeakSet<Message>();

  constructor(private readonly host: RpcHost) {}

  /** This instance's reply topic (fixed from the first use on). */
  get replyTo(): string {
    return this.replies?.topic ?? this.host.conf.replyTo;
  }

  /** Requests waiting for their replies now. */
  get waiting(): number {
    return this.pending.size;
  }

  /**
   * The reply consumer's parts of the app's lifecycle (registered by the App). Each start of the
   * app begins afresh (a test driver starts one app several times, with new settings).
   */
  lifecycles(): LifecycleHooks[] {
    return [
      {
        // Every mode: ask() may start the reply consumer in an app started as a producer too.
        name: 'agent RPC',
        modes: ['worker', 'client', 'producer'],
        onStart: () => {
          this.stopped = false;
        },
        onStopped: async () => {
          this.stopped = true;
          const replies = this.replies;
          this.replies = undefined;
          await replies?.stop();
        },
      },
      {
        name: 'agent RPC reply topic',
        modes: ['worker', 'client'],
        onStart: async () => {
          if (this.host.conf.replyCreateTopic) await this.replyConsumer().start();
        },
      },
    ];
  }

  /** Sends a value to the agent without asking for a reply. */
  async cast<K, V>(agent: RpcTarget<K, V>, value: V, options: CastOptions<K> = {}): Promise<void> {
    this.assertRunning(agent.name, 'cast');
    await this.host.maybeStartClient();
    await agent.send({
      key: options.key,
      value,
      partition: options.partition,
      timestamp: options.timestamp,
      headers: options.headers,
    });
  }

  /**
   * Sends a request and resolves with the agent's reply; rejects with an AskTimeoutError naming the
   * agent and the correlation id when none comes within the timeout.
   */
  async ask<K, V, Y>(agent: RpcTarget<K, V>, value: V, options: AskOptions<K> = {}): Promise<Y> {
    const timeout = this.timeoutOf(options.timeout, agent.name);
    await this.ready(agent.name);
    const { correlationId, reply } = this.expect(agent.name, timeout);
    await this.send(agent, correlationId, value, options);
    return (await reply) as Y;
  }

  /** Asks for each [key, value] and yields the replies as they arrive. */
  async *kvmap<K, V, Y>(
    agent: RpcTarget<K, V>,
    items: Items<readonly [K | null | undefined, V]>,
    options: KvMapOptions = {},
  ): AsyncGenerator<Y, void, undefined> {
    const timeout = this.timeoutOf(options.timeout, agent.name);
    await this.ready(agent.name);
    const arrivals = new Arrivals<Y>();
    const outstanding = new Set<string>();
    let abandoned = false;
    let current: Promise<void> | undefined;
    let sent = 0;
    let arrived = 0;
    void (async () => {
      let position = 0;
      for await (const [key, value] of items) {
        if (abandoned) return;
        const index = position++;
        const { correlationId, reply } = this.expect(agent.name, timeout);
        outstanding.add(correlationId);
        arrivals.expect();
        reply.then(
          (result) => {
            outstanding.delete(correlationId);
            arrived++;
            arrivals.push(result as Y);
          },
          (error: unknown) => {
            outstanding.delete(correlationId);
            arrivals.fail(inBatch(error, { position: index, arrived, sent }));
          },
        );
        current = this.send(agent, correlationId, value, { key });
        await current;
        sent++;
      }
    })().then(
      () => arrivals.close(),
      (error: unknown) => arrivals.fail(error),
    );
    try {
      for (;;) {
        const next = await arrivals.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      // Left early (break, or an error): stop sending, and forget the requests that still wait.
      abandoned = true;
      await current?.catch(() => undefined);
      for (const correlationId of outstanding) this.pending.cancel(correlationId);
    }
  }

  /** Asks for each [key, value] and resolves with the replies in input order. */
  async kvjoin<K, V, Y>(
    agent: RpcTarget<K, V>,
    items: Items<readonly [K | null | undefined, V]>,
    options: KvMapOptions = {},
  ): Promise<Y[]> {
    const timeout = this.timeoutOf(options.timeout, agent.name);
    await this.ready(agent.name);
    const replies: Promise<unknown>[] = [];
    const sentIds: string[] = [];
    let failure: { error: unknown } | undefined;
    let arrived = 0;
    try {
      for await (const [key, value] of items) {
        if (failure) break;
        const index = replies.length;
        const { correlationId, reply } = this.expect(agent.name, timeout);
        sentIds.push(correlationId);
        const settled = reply.then(
          (result) => {
            arrived++;
            return result;
          },
          (error: unknown) => {
            const told = inBatch(error, { position: index, arrived, sent: sentIds.length });
            failure ??= { error: told };
            throw told;
          },
        );
        settled.catch(() => {});
        replies.push(settled);
        await this.send(agent, correlationId, value, { key });
      }
      if (failure) throw failure.error;
      return (await Promise.all(replies)) as Y[];
    } catch (error) {
      for (const correlationId of sentIds) this.pending.cancel(correlationId);
      throw failure?.error ?? error;
    }
  }

  /**
   * Agent side: answers the request `event` with a value the agent yielded for it. Does nothing
   * when the event is not a request or was answered already. A reply that cannot be sent (its
   * topic is gone, the value is not JSON) is logged: the caller then times out.
   */
  async reply(agent: string, event: Event<unknown, unknown>, value: unknown): Promise<void> {
    const address = replyAddressOf(event.headers);
    if (!address || this.answered.has(event.message)) return;
    this.answered.add(event.message);
    const { replyTo, correlationId } = address;
    let bytes: Buffer;
    try {
      bytes = encodeResponse(value, correlationId);
    } catch (error) {
      this.host.logger.error(
        `agent ${agent}: cannot reply to request ${correlationId}: the yielded value cannot be written as JSON (${(error as Error).message})`,
      );
      return;
    }
    try {
      await this.host.produce(replyTo, null, bytes, {});
    } catch (error) {
      this.host.logger.warn(
        `agent ${agent}: cannot reply to request ${correlationId} on ${replyTo}: ${(error as Error).message}`,
      );
    }
  }

  private replyConsumer(): ReplyConsumer {
    this.replies ??= new ReplyConsumer({
      topic: this.host.conf.replyTo,
      conf: this.host.conf,
      logger: this.host.logger,
      admin: () => this.host.engine.transportAdmin,
      consumer: (purpose) => this.host.engine.consumer(purpose),
      pending: this.pending,
    });
    return this.replies;
  }

  /** The app runs (as a client at least) and its reply consumer reads the reply topic. */
  private async ready(agent: string): Promise<void> {
    this.assertRunning(agent, 'ask');
    await this.host.maybeStartClient();
    await this.replyConsumer().start();
  }

  /** Registers a request's wait for its reply (before it is sent, so no reply can come first). */
  private expect(agent: string, timeoutSeconds: number): { correlationId: string; reply: Promise<unknown> } {
    const correlationId = randomUUID();
    const replyTo = this.replyTo;
    const reply = this.pending.expect(
      correlationId,
      agent,
      timeoutSeconds * 1000,
      () => new AskTimeoutError(agent, correlationId, timeoutSeconds, replyTo),
    );
    return { correlationId, reply };
  }

  /** Sends a registered request; a failed send forgets it and rejects naming the agent. */
  private async send<K, V>(
    agent: RpcTarget<K, V>,
    correlationId: string,
    value: V,
    options: CastOptions<K>,
  ): Promise<void> {
    try {
      await agent.send({
        key: options.key,
        value,
        partition: options.partition,
        timestamp: options.timestamp,
        headers: requestHeaders({ replyTo: this.replyTo, correlationId }, options.headers),
      });
    } catch (error) {
      this.pending.cancel(correlationId);
      throw new Error(
        `agent ${agent.name}: cannot send request ${correlationId}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  private timeoutOf(option: number | undefined, agent: string): number {
    const seconds = option ?? Math.min(DEFAULT_ASK_TIMEOUT_SECONDS, this.host.conf.replyExpires);
    const valid =
      typeof seconds === 'number' && seconds > 0 && (seconds === Infinity || seconds <= MAX_TIMEOUT_SECONDS);
    if (!valid) {
      throw new RangeError(
        `agent ${agent}: timeout must be a number of seconds > 0 and <= ${MAX_TIMEOUT_SECONDS}, or Infinity; got ${String(option)}`,
      );
    }
    return seconds;
  }

  private assertRunning(agent: string, what: string): void {
    if (this.stopped) {
      throw new Error(`agent ${agent}: ${what}() after app ${this.host.appId} stopped`);
    }
  }
}

function inBatch(error: unknown, batch: { position: number; arrived: number; sent: number }): unknown {
  return error instanceof AskTimeoutError ? error.within(batch) : error;
}

/** `values` as [key, value] pairs that all carry `key` (map/join over kvmap/kvjoin). */
export async function* keyed<K, V>(
  values: Items<V>,
  key: K | null | undefined,
): AsyncGenerator<readonly [K | null | undefined, V], void, undefined> {
  for await (const value of values) yield [key, value] as const;
}
