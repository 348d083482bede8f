import type { Topic } from '../channels/topic.js';
import { javaPartition } from '../channels/partitioner.js';
import { HttpProblem } from './errors.js';
import type { RoutableTable } from './host.js';
import { type OwnershipSource, type OwnershipState, place } from './ownership.js';
import {
  FORWARDED_HEADER,
  type KeySource,
  type WebHandler,
  type WebReply,
  type WebRequest,
} from './types.js';

export type { RoutableTable };

export interface KeyRouteContext {
  state: OwnershipState;
  source: OwnershipSource;
  /** Sends the request to the owner and relays its answer. */
  forward(request: WebRequest, reply: WebReply, ownerUrl: string): Promise<WebReply>;
  /** Partition count of a topic (the broker's), for topic routes. */
  partitionCount(topic: string): Promise<number>;
  /**
   * Topics read by this app's streams with `partitions` partitions: where a table partition's
   * owner is found when the group's assignment does not list the changelog itself.
   */
  coPartitioned(partitions: number): readonly string[];
  /** Whether this worker consumes the partition now. */
  consumes(topic: string, partition: number): boolean;
  /** Counts answers by where they were served. */
  served(where: 'local' | 'forwarded'): void;
}

/** The key a request names, as a string taken from the URL (or the fixed key). */
export function requestKey(source: KeySource, request: WebRequest): unknown {
  if ('exactKey' in source) return source.exactKey;
  if ('matchInfo' in source) {
    const value = request.params[source.matchInfo];
    if (value === undefined || value === '') {
      throw new HttpProblem(400, `params.${source.matchInfo} is missing: the route needs the key there`);
    }
    return value;
  }
  const name = 'queryParam' in source ? source.queryParam : source.shardParam;
  const raw = request.query[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === '') {
    throw new HttpProblem(400, `querystring.${name} is missing: the route needs the key there`);
  }
  return value;
}

/** A key from the URL as the table's key type has it ('number' keys are numbers, models JSON). */
export function typedKey(keyType: unknown, key: unknown): unknown {
  if (typeof key !== 'string') return key;
  if (keyType === 'number') {
    const n = Number(key);
    if (key.trim() === '' || !Number.isFinite(n))
      throw new HttpProblem(400, `key ${JSON.stringify(key)} is not a number`);
    return n;
  }
  if (keyType === 'json' || (typeof keyType === 'object' && keyType !== null)) {
    try {
      return JSON.parse(key);
    } catch {
      return key;
    }
  }
  return key;
}

/** Where a table's key lives: the partition of the events that wrote it (see Collection.keyPartition). */
export function tablePartition(table: RoutableTable, key: unknown): number {
  return table.keyPartition(key);
}

function forwardedBy(request: WebRequest): string | undefined {
  const value = request.headers[FORWARDED_HEADER];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Wraps `handler` so it runs on the worker that owns the key's table partition: here when this
 * worker does, else forwarded there. Global tables are served wherever the request lands.
 */
export function tableRoute(
  context: KeyRouteContext,
  table: RoutableTable,
  source: KeySource,
  handler: WebHandler,
): WebHandler {
  return async (request, reply) => {
    const key = typedKey(table.options.keyType, requestKey(source, request));
    if (table.global) {
      context.state.assertServing();
      context.served('local');
      return handler(request, reply);
    }
    const partition = tablePartition(table, key);
    const placement = place(
      context.state,
      context.source,
      [table.changelogTopic, ...context.coPartitioned(table.partitions)],
      partition,
      () => table.activePartitions?.has(partition) ?? false,
      forwardedBy(request),
    );
    if (placement.kind === 'local') {
      context.served('local');
      return handler(request, reply);
    }
    context.served('forwarded');
    return context.forward(request, reply, placement.url);
  };
}

/** Like tableRoute, for the worker that consumes the key's partition of a topic. */
export function topicRoute(
  context: KeyRouteContext,
  topic: Topic<unknown, unknown>,
  source: KeySource,
  handler: WebHandler,
): WebHandler {
  return async (request, reply) => {
    const raw = requestKey(source, request);
    const keyType = (topic.options as { keyType?: unknown }).keyType;
    const bytes = topic.keySerde.serialize(typedKey(keyType, raw));
    if (bytes === null) throw new HttpProblem(400, `topic ${topic.name}: the key is empty`);
    const partition = javaPartition(bytes, await context.partitionCount(topic.name));
    const placement = place(
      context.state,
      context.source,
      topic.name,
      partition,
      () => context.consumes(topic.name, partition),
      forwardedBy(request),
    );
    if (placement.kind === 'local') {
      context.served('local');
      return handler(request, reply);
    }
    context.served('forwarded');
    return context.forward(request, reply, placement.url);
  };
}
