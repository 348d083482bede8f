/**
 * The user data of the `faustgen` group protocol: JSON, versioned. A reader accepts any version
 * >= 1 and reads the fields it knows (later versions only add fields), so workers of different
 * faustgen releases can share a group during a rolling upgrade.
 *
 * Subscription (sent by every member when it joins): its web URL, the table topics it keeps, its
 * previous assignment (for stickiness) and the table partitions it has local state for.
 * Assignment (sent by the leader to each member): the member's actives and standbys over all
 * topics, table topics included, its URL, and the id of the leader's computation, so a reader of
 * the whole group can tell that every member's part comes from the same assignment.
 */
import type { TableTopic, TopicPartitions } from './types.js';

export const PROTOCOL_NAME = 'faustgen';
/** The Kafka-level protocol version (int16 in the member metadata and assignment). */
export const PROTOCOL_VERSION = 1;
const DATA_VERSION = 1;

export interface SubscriptionData {
  url: string | undefined;
  tables: TableTopic[];
  previous: { actives: TopicPartitions; standbys: TopicPartitions };
  warm: TopicPartitions;
}

export interface AssignmentData {
  /** The leader's computation this part belongs to. */
  assignmentId: string;
  url: string | undefined;
  actives: TopicPartitions;
  standbys: TopicPartitions;
}

export class ProtocolDataError extends Error {
  override readonly name = 'ProtocolDataError';
}

export function encodeSubscription(data: SubscriptionData): Buffer {
  return Buffer.from(
    JSON.stringify({
      v: DATA_VERSION,
      url: data.url ?? null,
      tables: data.tables.map(({ topic, partitions, global }) => ({ topic, partitions, global })),
      previous: { actives: data.previous.actives, standbys: data.previous.standbys },
      warm: data.warm,
    }),
  );
}

export function decodeSubscription(bytes: Buffer): SubscriptionData {
  const data = parseVersioned(bytes, 'subscription');
  const previous = data.previous === undefined ? {} : expectObject(data.previous, 'subscription.previous');
  return {
    url: optionalString(data.url, 'subscription.url'),
    tables: expectArray(data.tables ?? [], 'subscription.tables').map((entry, index) => {
      const where = `subscription.tables[${index}]`;
      const table = expectObject(entry, where);
      const topic = table.topic;
      const partitions = table.partitions;
      if (typeof topic !== 'string' || topic === '')
        throw new ProtocolDataError(`${where}.topic is not a topic name`);
      if (!Number.isSafeInteger(partitions) || (partitions as number) <= 0) {
        throw new ProtocolDataError(`${where}.partitions is not a positive integer`);
      }
      return { topic, partitions: partitions as number, global: table.global === true };
    }),
    previous: {
      actives: topicPartitions(previous.actives ?? {}, 'subscription.previous.actives'),
      standbys: topicPartitions(previous.standbys ?? {}, 'subscription.previous.standbys'),
    },
    warm: topicPartitions(data.warm ?? {}, 'subscription.warm'),
  };
}

export function encodeAssignment(data: AssignmentData): Buffer {
  return Buffer.from(
    JSON.stringify({
      v: DATA_VERSION,
      id: data.assignmentId,
      url: data.url ?? null,
      actives: data.actives,
      standbys: data.standbys,
    }),
  );
}

export function decodeAssignment(bytes: Buffer): AssignmentData {
  const data = parseVersioned(bytes, 'assignment');
  if (typeof data.id !== 'string' || data.id === '') throw new ProtocolDataError('assignment.id is missing');
  return {
    assignmentId: data.id,
    url: optionalString(data.url, 'assignment.url'),
    actives: topicPartitions(data.actives ?? {}, 'assignment.actives'),
    standbys: topicPartitions(data.standbys ?? {}, 'assignment.standbys'),
  };
}

function parseVersioned(bytes: Buffer, what: string): Record<string, unknown> {
  if (bytes.length === 0) throw new ProtocolDataError(`${what} user data is empty (not a faustgen member?)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new ProtocolDataError(`${what} user data is not JSON: ${(error as Error).message}`);
  }
  const data = expectObject(parsed, what);
  if (!Number.isSafeInteger(data.v) || (data.v as number) < 1) {
    throw new ProtocolDataError(`${what} user data has no valid version (v: ${JSON.stringify(data.v)})`);
  }
  return data;
}

function expectObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolDataError(`${where} is not an object`);
  }
  return value as Record<string, unknown>;
}

function expectArray(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new ProtocolDataError(`${where} is not a list`);
  return value;
}

function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ProtocolDataError(`${where} is not a string`);
  return value;
}

function topicPartitions(value: unknown, where: string): TopicPartitions {
  const result: TopicPartitions = {};
  for (const [topic, partitions] of Object.entries(expectObject(value, where))) {
    result[topic] = expectArray(partitions, `${where}.${topic}`).map((partition) => {
      if (!Number.isSafeInteger(partition) || (partition as number) < 0) {
        throw new ProtocolDataError(`${where}.${topic} holds ${JSON.stringify(partition)}, not a partition`);
      }
      return partition as number;
    });
  }
  return result;
}
