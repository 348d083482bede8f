/**
 * How a worker on librdkafka learns the whole group: librdkafka's assignors are built in, so
 * faustgen's protocol (runtime/assignor) cannot carry URLs and standbys in the members' user data.
 * Instead every member reads the group with the admin's DescribeGroups, on the consumer's own
 * handle (no extra connection): members, their partitions and their client ids. A member's URL
 * travels in its client id, `<clientId>;url=<canonicalUrl>` (group.instance.id would be the other
 * place, but it allows only [a-zA-Z0-9._-]). The assignor derives the rest (assignor/derived.ts).
 */
import type { GroupReader, GroupSnapshot, GroupSnapshotMember } from '../group-protocol.js';
import type { TopicPartition } from '../types.js';
import { call } from './config.js';
import { type KafkaJavascript, type RdError, type RdKafkaConsumer, loadKafkaJavascript } from './native.js';

const URL_MARK = ';url=';

/** The client id a consumer of the group joins with: the configured one, and the member's URL. */
export function memberClientId(clientId: string, url: string | undefined): string {
  return url ? `${clientId}${URL_MARK}${url}` : clientId;
}

/** The URL a member's client id carries (undefined: none, e.g. a worker without a web server). */
export function urlOfClientId(clientId: string): string | undefined {
  const at = clientId.indexOf(URL_MARK);
  if (at < 0) return undefined;
  const url = clientId.slice(at + URL_MARK.length);
  return url === '' ? undefined : url;
}

/** librdkafka's rd_kafka_consumer_group_state_t. */
const STATES: Record<number, GroupSnapshot['state']> = {
  1: 'rebalancing', // PreparingRebalance
  2: 'rebalancing', // CompletingRebalance
  3: 'stable',
  5: 'empty',
};

/** The part of a described group (native AdminClient.describeGroups) read here. */
export interface RdGroupDescription {
  groupId: string;
  error?: { message: string; code?: number };
  state: number;
  partitionAssignor: string;
  members: {
    memberId: string;
    clientId: string;
    assignment?: { topicPartitions: TopicPartition[] };
    targetAssignment?: { topicPartitions: TopicPartition[] };
  }[];
}

/** The group as the assignor reads it. */
export function snapshotOfDescription(description: RdGroupDescription): GroupSnapshot {
  if (description.error) {
    throw new Error(`describing group ${description.groupId} failed: ${description.error.message}`);
  }
  const members: GroupSnapshotMember[] = description.members.map((member) => {
    const url = urlOfClientId(member.clientId);
    const partitions = (member.assignment?.topicPartitions ?? []).map(({ topic, partition }) => ({
      topic,
      partition,
    }));
    return { memberId: member.memberId, userData: Buffer.alloc(0), partitions, ...(url ? { url } : {}) };
  });
  // A KIP-848 member still moving to its target assignment: not settled, whatever the state says.
  const reconciling = description.members.some(
    (member) =>
      member.targetAssignment !== undefined &&
      !sameAssignment(member.targetAssignment.topicPartitions, member.assignment?.topicPartitions ?? []),
  );
  return {
    state: reconciling ? 'rebalancing' : (STATES[description.state] ?? 'unknown'),
    protocol: description.partitionAssignor,
    members,
  };
}

function sameAssignment(a: readonly TopicPartition[], b: readonly TopicPartition[]): boolean {
  const keys = new Set(a.map(({ topic, partition }) => `${partition}:${topic}`));
  return a.length === b.length && b.every(({ topic, partition }) => keys.has(`${partition}:${topic}`));
}

interface RdAdminClient {
  describeGroups(
    groupIds: string[],
    options: { timeout?: number },
    cb: (error: RdError | null | undefined, result: { groups: RdGroupDescription[] }) => void,
  ): void;
}

type WithAdminClient = KafkaJavascript & {
  AdminClient: { createFrom(client: RdKafkaConsumer): RdAdminClient };
};

/**
 * A GroupReader over the consumer's handle: `handle()` gives the connected consumer (undefined
 * before it connects or after it closed: the read fails, and the assignor tries again).
 */
export function rdGroupReader(
  handle: () => RdKafkaConsumer | undefined,
  groupId: string,
  timeoutMs: number,
): GroupReader {
  let admin: { consumer: RdKafkaConsumer; client: RdAdminClient } | undefined;
  return async () => {
    const consumer = handle();
    if (!consumer?.isConnected()) throw new Error(`the consumer of group ${groupId} is not connected`);
    if (admin?.consumer !== consumer) {
      const { AdminClient } = loadKafkaJavascript() as WithAdminClient;
      admin = { consumer, client: AdminClient.createFrom(consumer) };
    }
    const { client } = admin;
    const result = await call<{ groups: RdGroupDescription[] }>((done) =>
      client.describeGroups([groupId], { timeout: timeoutMs }, done),
    );
    const description = result.groups.find((group) => group.groupId === groupId);
    if (!description) return { state: 'unknown', members: [] };
    return snapshotOfDescription(description);
  };
}
