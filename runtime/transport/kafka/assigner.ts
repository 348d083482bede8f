/**
 * Runs a GroupAssignor as a kafkajs PartitionAssigner, and gives it a GroupReader built on the
 * consumer's own cluster connection (DescribeGroups at the group coordinator), so no extra admin
 * client is needed. kafkajs calls the factory once per consumer, when the consumer is created.
 */
import type { Assigner, Cluster, GroupMember, PartitionAssigner } from 'kafkajs';
import kafkajs from './kafkajs.js';
import type { GroupAssignor, GroupReader, GroupSnapshot } from '../group-protocol.js';

const { MemberAssignment, MemberMetadata } = kafkajs.AssignerProtocol;

export function kafkajsPartitionAssigner(assignor: GroupAssignor): PartitionAssigner {
  return ({ cluster, groupId }) => {
    assignor.attachGroupReader(describeGroupReader(cluster, groupId));
    const assigner: Assigner = {
      name: assignor.protocol,
      version: assignor.version,
      protocol({ topics }) {
        return {
          name: assignor.protocol,
          metadata: MemberMetadata.encode({
            version: assignor.version,
            topics,
            userData: assignor.subscription(topics),
          }),
        };
      },
      async assign({ members }) {
        const subscriptions = members.map((member) => decodeMember(member));
        await knowTopics(
          cluster,
          subscriptions.flatMap((member) => member.topics),
        );
        const assignments = assignor.assign(subscriptions, (topic) => {
          const partitions = cluster.findTopicPartitionMetadata(topic);
          return partitions.length > 0 ? partitions.length : undefined;
        });
        return assignments.map(({ memberId, partitions, userData }) => {
          const assignment: Record<string, number[]> = {};
          for (const { topic, partition } of partitions) addPartition(assignment, topic, partition);
          return {
            memberId,
            memberAssignment: MemberAssignment.encode({ version: assignor.version, assignment, userData }),
          };
        });
      },
    };
    return assigner;
  };
}

function decodeMember(member: GroupMember): { memberId: string; topics: string[]; userData: Buffer } {
  const metadata = MemberMetadata.decode(member.memberMetadata);
  if (!metadata) throw new Error(`assignor: member ${member.memberId} sent no subscription metadata`);
  return { memberId: member.memberId, topics: metadata.topics, userData: metadata.userData };
}

/** The leader refreshed metadata of its own subscription; other members may subscribe to more. */
async function knowTopics(cluster: Cluster, topics: string[]): Promise<void> {
  const unknown = [...new Set(topics)].filter(
    (topic) => cluster.findTopicPartitionMetadata(topic).length === 0,
  );
  if (unknown.length > 0) await cluster.addMultipleTargetTopics(unknown);
}

const STATES: Record<string, GroupSnapshot['state']> = {
  Stable: 'stable',
  PreparingRebalance: 'rebalancing',
  CompletingRebalance: 'rebalancing',
  Empty: 'empty',
};

interface DescribedMember {
  memberId: string;
  memberAssignment: Buffer;
}

/** DescribeGroups through the consumer's connection to the group coordinator. */
export function describeGroupReader(cluster: Cluster, groupId: string): GroupReader {
  return async () => {
    const coordinator = await cluster.findGroupCoordinator({ groupId });
    const response = (await coordinator.describeGroups({ groupIds: [groupId] })) as {
      groups: { groupId: string; state: string; members: DescribedMember[] }[];
    };
    const group = response.groups.find((candidate) => candidate.groupId === groupId);
    if (!group) return { state: 'unknown', members: [] };
    return {
      state: STATES[group.state] ?? 'unknown',
      members: group.members.map((member) => {
        const decoded =
          member.memberAssignment && member.memberAssignment.length > 0
            ? MemberAssignment.decode(member.memberAssignment)
            : null;
        return { memberId: member.memberId, userData: decoded?.userData ?? Buffer.alloc(0) };
      }),
    };
  };
}

function addPartition(target: Record<string, number[]>, topic: string, partition: number): void {
  const list = target[topic];
  if (list) list.push(partition);
  else target[topic] = [partition];
}
