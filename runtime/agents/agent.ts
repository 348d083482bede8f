import type { Channel } from '../channels/channel.js';
import type { Event, EventOrigin } from '../streams/event.js';
import type { Topic } from '../channels/topic.js';
import type { Logger } from '../core/logging/index.js';
import type { Sensors } from '../core/sensor.js';
import { Stream } from '../streams/stream.js';
import type { EventSource, OutgoingRecord, SendTarget, StreamHost, StreamState } from '../streams/types.js';
import type { TopicPartition } from '../transport/types.js';
import { currentEvent, runInActor } from '../streams/context.js';
import {
  type AgentRpc,
  type AskOptions,
  type CastOptions,
  type KvMapOptions,
  keyed,
  type MapOptions,
} from './rpc/index.js';
import { RestartBudget, type SupervisorStrategy } from './supervisor.js';

/** Where yielded values go: an agent, a topic, a channel, or a function. */
export type Sink<Y> =
  | { readonly name: string; send(message: { value: Y }): Promise<unknown> }
  | ((value: Y) => unknown);

export interface AgentOptions<Y = unknown> {
  /** Defaults to the handler's function name. */
  name?: string;
  /** Actors reading one shared queue (Faust's concurrency). */
  concurrency?: number;
  /** Receive every value the handler yields. */
  sink?: Sink<Y>[];
  /** One actor per assigned partition (requires concurrency 1). */
  isolatedPartitions?: boolean;
  supervisorStrategy?: SupervisorStrategy;
  /** Restarts allowed within restartWindow seconds before the agent gives up (100 per 1 s). */
  maxRestarts?: number;
  restartWindow?: number;
}

export interface AgentContext<App = unknown> {
  app: App;
  agent: Agent<unknown, unknown, unknown>;
  logger: Logger;
  /** The event being processed: topic, partition, offset, timestamp, headers. */
  readonly event: EventOrigin | undefined;
}

export type AgentHandler<K, V, Y, App = unknown> = (
  stream: Stream<K, V>,
  ctx: AgentContext<App>,
) => Promise<void> | AsyncIterable<Y>;

export interface AgentHost<App = unknown> extends StreamHost {
  readonly app: App;
  readonly logger: Logger;
  /** The agent gave up (restart budget exhausted): the worker must stop. */
  crash(error: Error): void;
  /** Told of every event an actor takes and is done with (the Monitor among them). */
  readonly sensors?: Sensors;
  /** Agent RPC: requests, and replies to what the agent yields (rpc/rpc.ts). */
  readonly rpc: AgentRpc;
}

type AgentSource<K, V> = Topic<K, V> | Channel<K, V>;

interface Actor {
  index: number;
  partition: number | undefined;
  state: StreamState;
  running: Promise<void>;
  stopped: boolean;
  source: EventSource<unknown, unknown>;
  /** Reads of the next event under way (the test driver's "waiting for input"). */
  pulling: number;
  finished: boolean;
  /** The event taken last while sensors listen, and when (performance.now ms). */
  taken?: EventOrigin;
  takenAt?: number;
}

/** What an actor is doing, as the test driver sees it. */
export interface ActorActivity {
  actor: number;
  /** waiting: asks for its next event with none in hand; busy: anything else; finished: its handler returned. */
  state: 'waiting' | 'busy' | 'finished';
  inflight: EventOrigin[];
}

/**
 * An agent: a handler run by supervised actors over a stream of a topic or channel.
 * Events on which the handler throws are dead-lettered with the error, then the actor restarts.
 */
export class Agent<K = unknown, V = unknown, Y = unknown> implements SendTarget<K, V> {
  readonly name: string;
  readonly concurrency: number;
  readonly isolatedPartitions: boolean;
  private readonly sinks: Sink<Y>[];
  private readonly budget: RestartBudget;
  private readonly strategy: SupervisorStrategy;
  private actors: Actor[] = [];
  private sharedSource: EventSource<unknown, unknown> | undefined;
  private running = false;
  private processed = 0;
  private readonly yieldObservers = new Set<(value: Y) => void>();

  constructor(
    readonly source: AgentSource<K, V>,
    private readonly handler: AgentHandler<K, V, Y>,
    protected readonly host: AgentHost,
    options: AgentOptions<Y> & { name: string },
  ) {
    this.name = options.name;
    this.concurrency = options.concurrency ?? 1;
    this.isolatedPartitions = options.isolatedPartitions ?? false;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new Error(
        `agent ${this.name}: concurrency must be a positive integer, got ${options.concurrency}`,
      );
    }
    if (this.isolatedPartitions && this.concurrency !== 1) {
      throw new Error(
        `agent ${this.name}: isolatedPartitions requires concurrency 1 (got ${this.concurrency})`,
      );
    }
    if (this.isolatedPartitions && !('spec' in source)) {
      throw new Error(`agent ${this.name}: isolatedPartitions needs a topic as its source, not a channel`);
    }
    this.sinks = options.sink ?? [];
    this.strategy = options.supervisorStrategy ?? 'one_for_one';
    this.budget = new RestartBudget(options.maxRestarts ?? 100, (options.restartWindow ?? 1) * 1000);
  }

  /** Events that were handed to the handler (for monitoring). */
  get eventsProcessed(): number {
    return this.processed;
  }

  /** Sends a value to the agent's source topic or channel. */
  send(record: OutgoingRecord<K, V>): Promise<unknown> {
    return this.source.send(record);
  }

  // ---- RPC (Faust's cast/ask/map/kvmap/join/kvjoin): delegated to the app's AgentRpc -------------

  /** Sends a value to the agent without asking for a reply (starts the app as a client if needed). */
  cast(value: V, options?: CastOptions<K>): Promise<void> {
    return this.host.rpc.cast(this, value, options);
  }

  /**
   * Sends a request and resolves with the value the agent yields for it. Rejects with an
   * AskTimeoutError (naming this agent and the correlation id) when no reply comes within
   * `options.timeout` seconds (default DEFAULT_ASK_TIMEOUT_SECONDS).
   */
  ask(value: V, options?: AskOptions<K>): Promise<Y> {
    return this.host.rpc.ask<K, V, Y>(this, value, options);
  }

  /** Asks for every value (all with `options.key`) and yields the replies as they arrive. */
  map(
    values: Iterable<V> | AsyncIterable<V>,
    options: MapOptions<K> = {},
  ): AsyncGenerator<Y, void, undefined> {
    return this.host.rpc.kvmap<K, V, Y>(this, keyed(values, options.key), options);
  }

  /** Asks for every [key, value] pair and yields the replies as they arrive. */
  kvmap(
    items: Iterable<readonly [K | null | undefined, V]> | AsyncIterable<readonly [K | null | undefined, V]>,
    options?: KvMapOptions,
  ): AsyncGenerator<Y, void, undefined> {
    return this.host.rpc.kvmap<K, V, Y>(this, items, options);
  }

  /** Asks for every value (all with `options.key`) and resolves with the replies in input order. */
  join(values: Iterable<V> | AsyncIterable<V>, options: MapOptions<K> = {}): Promise<Y[]> {
    return this.host.rpc.kvjoin<K, V, Y>(this, keyed(values, options.key), options);
  }

  /** Asks for every [key, value] pair and resolves with the replies in input order. */
  kvjoin(
    items: Iterable<readonly [K | null | undefined, V]> | AsyncIterable<readonly [K | null | undefined, V]>,
    options?: KvMapOptions,
  ): Promise<Y[]> {
    return this.host.rpc.kvjoin<K, V, Y>(this, items, options);
  }

  /** The events the agent's actors hold right now (for blocking warnings and shutdown). */
  inflight(): { actor: number; event: EventOrigin }[] {
    return this.actors.flatMap((actor) =>
      actor.state.inflight.map((event) => ({ actor: actor.index, event })),
    );
  }

  /**
   * @internal What each actor is doing (test drivers settle when every one waits or finished).
   * `take()` holds a partial batch in flight while it waits, so it counts as busy.
   */
  actorActivity(): ActorActivity[] {
    return this.actors.map((actor) => ({
      actor: actor.index,
      state: actor.finished
        ? 'finished'
        : actor.pulling > 0 && actor.state.inflight.length === 0
          ? 'waiting'
          : 'busy',
      inflight: [...actor.state.inflight],
    }));
  }

  /** Calls `observer` with every value the handler yields, before the sinks get it; returns a function that stops it. */
  observeYields(observer: (value: Y) => void): () => void {
    this.yieldObservers.add(observer);
    return () => {
      this.yieldObservers.delete(observer);
    };
  }

  /** Starts the actors (all but isolated-partition ones, which start on assignment). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.actors = []; // a restarted app (the test driver's next context) forgets the stopped ones
    if (this.isolatedPartitions) {
      // Keeps the topic in the consumer's subscription; the actors' own sources come with assignments.
      this.sharedSource = (this.source as Topic<K, V>).openSource(new Set()) as EventSource<unknown, unknown>;
      return;
    }
    this.sharedSource = this.source.openSource() as EventSource<unknown, unknown>;
    for (let i = 0; i < this.concurrency; i++) this.spawn(i, undefined, this.sharedSource);
  }

  /** Isolated partitions: one actor per assigned partition of the source topic. */
  onAssigned(assignment: TopicPartition[]): void {
    if (!this.isolatedPartitions || !this.running) return;
    const topic = this.source as Topic<K, V>;
    const wanted = new Set(assignment.filter((tp) => tp.topic === topic.name).map((tp) => tp.partition));
    for (const actor of this.actors) {
      if (actor.partition !== undefined && !wanted.has(actor.partition)) this.retire(actor);
    }
    const have = new Set(this.actors.filter((a) => !a.stopped).map((a) => a.partition));
    for (const partition of wanted) {
      if (have.has(partition)) continue;
      const source = topic.openSource(new Set([partition])) as EventSource<unknown, unknown>;
      this.spawn(partition, partition, source);
    }
  }

  /** Waits for the actors to finish (their sources must have been closed), at most `timeoutMs`. */
  async stop(timeoutMs: number): Promise<boolean> {
    this.running = false;
    for (const actor of this.actors) actor.stopped = true;
    // Channel readers wait on the channel itself: end their waits (topic buffers are closed by the engine).
    this.sharedSource?.close?.();
    for (const actor of this.actors) if (actor.source !== this.sharedSource) actor.source.close?.();
    const all = Promise.all(this.actors.map((a) => a.running));
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      all.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return finished;
  }

  private retire(actor: Actor): void {
    actor.stopped = true;
    actor.source.close?.();
    this.actors = this.actors.filter((a) => a !== actor);
  }

  private spawn(index: number, partition: number | undefined, source: EventSource<unknown, unknown>): void {
    const state: StreamState = { inflight: [], acks: true, agent: this.name };
    const actor: Actor = {
      index,
      partition,
      state,
      stopped: false,
      source,
      running: Promise.resolve(),
      pulling: 0,
      finished: false,
    };
    actor.running = this.runSupervised(actor).finally(() => {
      actor.finished = true;
    });
    this.actors.push(actor);
  }

  private async runSupervised(actor: Actor): Promise<void> {
    for (;;) {
      let deadLettered = 0;
      try {
        await this.runOnce(actor, (n) => {
          deadLettered = n;
        });
        if (actor.taken) this.eventDone(actor);
        return;
      } catch (error) {
        if (actor.taken) this.eventDone(actor);
        if (actor.stopped || !this.running) return;
        const err = error instanceof Error ? error : new Error(String(error));
        if (deadLettered > 0 && this.strategy === 'one_for_one') {
          // The failure belongs to an event, which is now on its dead-letter topic: a data problem,
          // not a broken actor, so it does not use up the restart budget.
          continue;
        }
        if (this.strategy === 'crashing') {
          this.host.crash(new Error(`agent ${this.name} failed: ${err.message}`, { cause: err }));
          return;
        }
        if (this.strategy === 'forfeit') {
          this.host.logger.error(`agent ${this.name} actor ${actor.index} failed and is not restarted`, {
            error: err.message,
          });
          return;
        }
        if (!this.budget.take()) {
          this.host.logger.error(`agent ${this.name} crashed too often; giving up`, { error: err.message });
          this.host.crash(
            new Error(`agent ${this.name} exceeded its restart limit: ${err.message}`, { cause: err }),
          );
          return;
        }
        this.host.logger.warn(`agent ${this.name} actor ${actor.index} restarting after error`, {
          error: err.message,
        });
      }
    }
  }

  private async runOnce(actor: Actor, onDeadLettered: (count: number) => void): Promise<void> {
    const { state } = actor;
    const stream = this.makeStream(actor);
    const agent = this as unknown as Agent<unknown, unknown, unknown>;
    const ctx: AgentContext = {
      app: this.host.app,
      agent,
      logger: this.host.logger,
      get event() {
        return currentEvent();
      },
    };
    const scope = { agent: this.name, state, since: 0 };
    try {
      await runInActor(scope, async () => {
        const result = this.handler(stream, ctx as AgentContext<never>);
        if (isAsyncIterable(result)) {
          for await (const value of result) {
            for (const observe of this.yieldObservers) observe(value);
            await this.reply(state, value);
            await this.toSinks(value);
          }
        } else {
          await result;
        }
      });
    } catch (error) {
      const failed = state.inflight;
      state.inflight = [];
      let count = 0;
      for (const event of failed) {
        if (event.acked) continue;
        await this.host.deadLetter(event, error, 'handler', this.name);
        count++;
      }
      onDeadLettered(count);
      throw error;
    }
    if (state.acks) for (const event of state.inflight) event.ack();
    state.inflight = [];
    if (this.running && !actor.stopped)
      this.host.logger.info(`agent ${this.name} actor ${actor.index} finished`);
  }

  private makeStream(actor: Actor): Stream<K, V> {
    const source = actor.source as EventSource<K, V>;
    const sensors = this.host.sensors;
    const taken = (event: Event<K, V> | undefined) => {
      if (event) {
        this.processed++;
        if (sensors?.active) this.eventTaken(actor, event);
      }
      return event;
    };
    const counting: EventSource<K, V> = {
      name: source.name,
      next: () => {
        if (actor.taken) this.eventDone(actor);
        const next = source.next();
        if (!(next instanceof Promise)) return taken(next);
        actor.pulling++;
        return next.finally(() => actor.pulling--).then(taken);
      },
    };
    return new Stream<K, V>(counting, this.host, actor.state);
  }

  private eventTaken(actor: Actor, event: EventOrigin): void {
    actor.taken = event;
    actor.takenAt = performance.now();
    this.host.sensors!.onEventIn(this.name, event);
  }

  /** The actor asked for its next event, or its handler ended: it is done with the one it took. */
  private eventDone(actor: Actor): void {
    const event = actor.taken!;
    actor.taken = undefined;
    const sensors = this.host.sensors;
    if (sensors?.active) sensors.onEventOut(this.name, event, performance.now() - actor.takenAt!);
  }

  /** A yield while a request event is the current one answers that request (agent RPC). */
  private async reply(state: StreamState, value: Y): Promise<void> {
    const event = state.inflight[state.inflight.length - 1];
    if (event) await this.host.rpc.reply(this.name, event, value);
  }

  private async toSinks(value: Y): Promise<void> {
    for (const sink of this.sinks) {
      if (typeof sink === 'function') await sink(value);
      else await sink.send({ value });
    }
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
