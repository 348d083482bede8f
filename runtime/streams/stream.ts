import type { Event } from './event.js';
import type { EventSource, SendTarget, StreamHost, StreamSourceFactory, StreamState } from './types.js';

type Awaitable<T> = T | Promise<T>;

const TIMED_OUT = Symbol('timed out');

/**
 * A stream of events as an async iterable, Faust style. Iterating yields values; `items()`
 * yields [key, value]; `events()` yields whole events. An event is acked when the consumer
 * asks for the next one (or when an operator drops it); the agent that runs the stream acks
 * or dead-letters the last one when its handler returns or throws.
 */
export class Stream<K = unknown, V = unknown> implements AsyncIterable<V> {
  constructor(
    readonly source: EventSource<K, V>,
    readonly host: StreamHost,
    readonly state: StreamState = { inflight: [], acks: true },
  ) {}

  /** The name of the topic or channel this stream reads. */
  get name(): string {
    return this.source.name;
  }

  /** The event being processed (the last one yielded). */
  get currentEvent(): Event<K, V> | undefined {
    return this.state.inflight[this.state.inflight.length - 1] as Event<K, V> | undefined;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<V> {
    return this.iterate((event) => event.value);
  }

  /** Yields [key, value] pairs. */
  items(): AsyncIterableIterator<[K, V]> {
    return this.iterate((event) => [event.key, event.value] as [K, V]);
  }

  /** Yields whole events (key, value, topic, partition, offset, timestamp, headers). */
  events(): AsyncIterableIterator<Event<K, V>> {
    return this.iterate((event) => event);
  }

  /** Yields [index, value] pairs, counting from `start`. */
  enumerate(start = 0): AsyncIterableIterator<[number, V]> {
    let index = start;
    return this.iterate((event) => [index++, event.value] as [number, V]);
  }

  /** Keeps the values for which `predicate` holds; dropped events are acked. */
  filter(predicate: (value: V, event: Event<K, V>) => Awaitable<boolean>): Stream<K, V> {
    const upstream = this.source;
    return this.derive({
      name: upstream.name,
      async next() {
        for (;;) {
          const event = await upstream.next();
          if (!event) return undefined;
          if (await predicate(event.value, event)) return event;
          event.ack();
        }
      },
    });
  }

  /** Transforms each value; the event keeps its key, origin and ack. */
  map<U>(transform: (value: V, event: Event<K, V>) => Awaitable<U>): Stream<K, U> {
    const upstream = this.source;
    return this.derive({
      name: upstream.name,
      async next() {
        const event = await upstream.next();
        if (!event) return undefined;
        return event.withValue(await transform(event.value, event));
      },
    });
  }

  /** Sends each value to the targets as it passes, then hands it on. */
  echo(...targets: SendTarget<K, V>[]): Stream<K, V> {
    const upstream = this.source;
    return this.derive({
      name: upstream.name,
      async next() {
        const event = await upstream.next();
        if (!event) return undefined;
        await Promise.all(targets.map((target) => target.send({ key: event.key, value: event.value })));
        return event;
      },
    });
  }

  /**
   * Forwards every value to a topic or channel and streams from it. Each source event is acked
   * once its forward is queued; the commit waits for the producer to flush it.
   */
  through<K2 = K, V2 = V>(target: SendTarget<K, V> & StreamSourceFactory): Stream<K2, V2> {
    const downstream = target.openSource() as EventSource<K2, V2>;
    const pump = this.pumpOnce(async (event) => {
      await target.send({ key: event.key, value: event.value, headers: event.headers });
    });
    return this.derive({
      name: downstream.name,
      next() {
        pump();
        return downstream.next();
      },
    });
  }

  /**
   * Repartitions the stream by a new key through the topic
   * `[<agent>-]<source>-<name>-repartition` (Faust's name), forwarding each event's original
   * value bytes and headers, and streams from it.
   */
  groupBy<K2>(
    keyOf: (value: V, event: Event<K, V>) => Awaitable<K2>,
    options: { name: string; partitions?: number },
  ): Stream<K2, V> {
    const agent = this.state.agent;
    const source = this.source.name;
    const prefix = agent && !source.startsWith(`${agent}-`) ? `${agent}-` : '';
    const target = this.host.repartitionTarget(
      `${prefix}${source}-${options.name}-repartition`,
      options.partitions,
    );
    const downstream = target.openSource() as EventSource<K2, V>;
    const host = this.host;
    const pump = this.pumpOnce(async (event) => {
      const key = await keyOf(event.value, event);
      await host.forwardRaw(target.name, event as Event<unknown, unknown>, key, target);
    });
    return new Stream<K2, V>(
      {
        name: downstream.name,
        next() {
          pump();
          return downstream.next();
        },
      },
      this.host,
      this.state,
    );
  }

  /**
   * Yields lists of at most `max` values, each flushed when full or `withinSeconds` after its
   * first value. A list's events are acked when the next list is asked for.
   */
  take(max: number, withinSeconds?: number): AsyncIterableIterator<V[]> {
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`take(max): max must be a positive integer, got ${max}`);
    const source = this.source;
    const state = this.state;
    let pending: Awaitable<Event<K, V> | undefined> | undefined;
    let ended = false;
    const iterator: AsyncIterableIterator<V[]> = {
      next: async () => {
        this.ackInflight();
        if (ended) return { done: true, value: undefined };
        const first = await (pending ?? source.next());
        pending = undefined;
        if (!first) {
          ended = true;
          return { done: true, value: undefined };
        }
        const batch: Event<K, V>[] = [first];
        state.inflight = batch as Event<unknown, unknown>[];
        const deadline = withinSeconds === undefined ? undefined : Date.now() + withinSeconds * 1000;
        while (batch.length < max) {
          const next = source.next();
          const result = deadline === undefined ? await next : await raceDeadline(next, deadline);
          if (result === TIMED_OUT) {
            pending = next;
            break;
          }
          if (!result) {
            ended = true;
            break;
          }
          batch.push(result);
        }
        return { done: false, value: batch.map((event) => event.value) };
      },
      return: async () => ({ done: true, value: undefined }),
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /** The same stream with automatic acks off: call `stream.ack(event)` when done with an event. */
  noack(): Stream<K, V> {
    this.state.acks = false;
    return this;
  }

  /** Acks an event (for streams after noack()). */
  ack(event: Event<K, V>): void {
    event.ack();
    const index = this.state.inflight.indexOf(event as Event<unknown, unknown>);
    if (index >= 0) this.state.inflight.splice(index, 1);
  }

  private derive<K2, V2>(source: EventSource<K2, V2>): Stream<K2, V2> {
    return new Stream<K2, V2>(source, this.host, this.state);
  }

  private ackInflight(): void {
    const inflight = this.state.inflight;
    if (inflight.length === 0) return;
    if (this.state.acks) for (const event of inflight) event.ack();
    inflight.length = 0; // reused: one array per stream, not one per event
  }

  private iterate<T>(project: (event: Event<K, V>) => T): AsyncIterableIterator<T> {
    const source = this.source;
    const state = this.state;
    const iterator: AsyncIterableIterator<T> = {
      next: async () => {
        this.ackInflight();
        const next = source.next();
        const event = next instanceof Promise ? await next : next;
        if (!event) return { done: true, value: undefined };
        state.inflight.push(event as Event<unknown, unknown>);
        return { done: false, value: project(event) };
      },
      // Breaking out of the loop or throwing leaves the current event to the agent, which acks
      // it (normal end) or dead-letters it (error).
      return: async () => ({ done: true, value: undefined }),
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /** Starts, once, a background loop moving this stream's events through `forward`. */
  private pumpOnce(forward: (event: Event<K, V>) => Promise<void>): () => void {
    let started = false;
    const source = this.source;
    const host = this.host;
    const agent = this.state.agent;
    return () => {
      if (started) return;
      started = true;
      void (async () => {
        for (;;) {
          const event = await source.next();
          if (!event) return;
          try {
            await forward(event);
            event.ack();
          } catch (error) {
            await host.deadLetter(event as Event<unknown, unknown>, error, 'forward', agent);
          }
        }
      })();
    };
  }
}

function raceDeadline<T>(promise: Awaitable<T>, deadline: number): Promise<T | typeof TIMED_OUT> {
  if (!(promise instanceof Promise)) return Promise.resolve(promise);
  const remaining = deadline - Date.now();
  if (remaining <= 0) return Promise.resolve(TIMED_OUT);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(TIMED_OUT), remaining);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
