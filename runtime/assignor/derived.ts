/**
 * The cluster assignment of a group that does not run faustgen's protocol (librdkafka, whose
 * assignors are built in: the group uses `range`), derived from what every member can read alike:
 * the group's members, their partitions and their URLs (DescribeGroups). Every worker runs the
 * same derivation over the same input, so every worker gets the same answer with no leader.
 *
 * Actives are the group's own. Table topics, which the group does not subscribe, follow the source
 * topics they are co-partitioned with, and standbys come from the planner: it is given each
 * member's partitions as its previous ones, which it keeps (a balanced, co-partitioned assignment,
 * as range's is, stays as it is), and then places standbys. Nothing a single member knows alone
 * (its earlier standbys, its local state) goes in, or two members could disagree; so standbys are
 * not sticky across rebalances here.
 *
 * Table topics and standbyReplicas are this worker's: every worker of an app declares the same.
 */
import { createHash } from 'node:crypto';
import type { GroupSnapshotMember, JoinedGroup } from '../transport/group-protocol.js';
import type { TopicPartition } from '../transport/types.js';
import { ClusterAssignment, type MemberAssignment } from './cluster-assignment.js';
import { addPartition, planAssignment } from './plan.js';
import type { TableTopic, TopicPartitions } from './types.js';

export interface DerivationInput {
  /** This member's join: its member id, generation, partitions and subscribed topics. */
  readonly joined: JoinedGroup;
  /** The group's assignment protocol, e.g. 'range' (for the assignment id and messages). */
  readonly protocol: string;
  readonly members: readonly GroupSnapshotMember[];
  readonly tables: readonly TableTopic[];
  readonly standbyReplicas: number;
  /** This worker's URL, for its own entry when the group does not show it. */
  readonly selfUrl: string | undefined;
}

export interface Derivation {
  readonly cluster: ClusterAssignment;
  /** What the worker should log once (e.g. an assignment the planner would not have made). */
  readonly warnings: string[];
}

/**
 * The cluster assignment, or why the group does not show this join's assignment (yet): another
 * assignment for this member (a newer rebalance), or parts of two generations.
 */
export function deriveCluster(input: DerivationInput): Derivation | string {
  const { joined } = input;
  const described = new Map<string, TopicPartitions>();
  const holder = new Map<string, string>();
  for (const member of [...input.members].sort((a, b) => byId(a.memberId, b.memberId))) {
    if (!member.partitions) return `the group does not show member ${member.memberId}'s partitions`;
    for (const { topic, partition } of member.partitions) {
      const key = slot(topic, partition);
      const other = holder.get(key);
      if (other !== undefined) {
        return `members ${other} and ${member.memberId} both hold ${topic}[${partition}] (parts of different rebalances)`;
      }
      holder.set(key, member.memberId);
    }
    described.set(member.memberId, toTopicPartitions(member.partitions));
  }
  const self = input.members.find((member) => member.memberId === joined.memberId);
  if (!self) return `this member (${joined.memberId}) is not in the group yet`;
  if (!sameSlots(self.partitions!, joined.assignment)) {
    return 'the group shows another assignment for this member (a newer rebalance)';
  }

  const topics = [...new Set([...joined.topics, ...[...holder.keys()].map(topicOf)])].sort();
  const counts = partitionCounts(input.members);
  const gap = firstGap(counts, holder);
  if (gap) return `nobody holds ${gap.topic}[${gap.partition}] (the group is not settled)`;
  const plan = planAssignment({
    members: [...described].map(([memberId, actives]) => ({
      memberId,
      topics,
      tables: input.tables,
      previous: { actives, standbys: {} },
    })),
    partitionCount: (topic) => counts.get(topic),
    standbyReplicas: input.standbyReplicas,
  });
  const warnings = [...plan.warnings];
  const members: MemberAssignment[] = [...described].map(([memberId, actives]) => {
    const planned = plan.members.get(memberId)!;
    const moved = topics.filter((topic) => !sameList(planned.actives[topic], actives[topic]));
    if (moved.length > 0) {
      warnings.push(
        `the group's ${input.protocol} assignment gives member ${memberId} partitions of ${moved.join(', ')} that ` +
          'do not line up with the co-partitioned tables; its table partitions and standbys may not match what it consumes',
      );
    }
    const url = input.members.find((member) => member.memberId === memberId)!.url;
    // What the member consumes is the group's; the planner adds the table topics.
    const tableActives = Object.entries(planned.actives).filter(([topic]) => !topics.includes(topic));
    return {
      memberId,
      url: url ?? (memberId === joined.memberId ? input.selfUrl : undefined),
      actives: Object.fromEntries(
        [...tableActives, ...Object.entries(actives)].sort(([a], [b]) => byId(a, b)),
      ),
      standbys: planned.standbys,
    };
  });
  return {
    cluster: new ClusterAssignment(
      joined.generation,
      joined.memberId,
      assignmentId(input.protocol, described),
      members,
      true,
    ),
    warnings,
  };
}

const slot = (topic: string, partition: number): string => `${partition}\u0000${topic}`;
const topicOf = (key: string): string => key.slice(key.indexOf('\u0000') + 1);
const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function sameSlots(a: readonly TopicPartition[], b: readonly TopicPartition[]): boolean {
  const keys = new Set(a.map(({ topic, partition }) => slot(topic, partition)));
  return (
    keys.size === new Set(b.map(({ topic, partition }) => slot(topic, partition))).size &&
    b.every(({ topic, partition }) => keys.has(slot(topic, partition)))
  );
}

function sameList(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  const left = a ?? [];
  const right = b ?? [];
  return left.length === right.length && left.every((value, index) => value === right[index]);
}

/** A subscribed topic's partition count: a settled group assigns every partition, so the highest + 1. */
function partitionCounts(members: readonly GroupSnapshotMember[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const member of members) {
    for (const { topic, partition } of member.partitions ?? []) {
      counts.set(topic, Math.max(counts.get(topic) ?? 0, partition + 1));
    }
  }
  return counts;
}

function firstGap(
  counts: ReadonlyMap<string, number>,
  holder: ReadonlyMap<string, string>,
): TopicPartition | undefined {
  for (const [topic, count] of [...counts].sort(([a], [b]) => byId(a, b))) {
    for (let partition = 0; partition < count; partition++) {
      if (!holder.has(slot(topic, partition))) return { topic, partition };
    }
  }
  return undefined;
}

function toTopicPartitions(partitions: readonly TopicPartition[]): TopicPartitions {
  const result: TopicPartitions = {};
  for (const { topic, partition } of partitions) addPartition(result, topic, partition);
  for (const list of Object.values(result)) list.sort((a, b) => a - b);
  return Object.fromEntries(Object.entries(result).sort(([a], [b]) => byId(a, b)));
}

/** The same for every member reading the same group: the protocol and a digest of who holds what. */
function assignmentId(protocol: string, described: ReadonlyMap<string, TopicPartitions>): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([...described].sort(([a], [b]) => byId(a, b))))
    .digest('hex');
  return `${protocol}:${digest.slice(0, 16)}`;
}
