import type { TopicPartition } from '../types.js';
import { compareTopicPartitions } from './topic-partition.js';

export interface AssignorMember {
  memberId: string;
  topics: ReadonlySet<string>;
}

/**
 * Kafka's range assignor: per topic, the members subscribed to it, sorted by member id, take
 * consecutive ranges of partitions; the first (partitions % members) members get one extra.
 * `partitionCount` returns undefined for a topic that does not exist (it gets no assignment).
 * Returns every member's assignment (possibly empty), each sorted by topic then partition.
 */
export function rangeAssign(
  members: readonly AssignorMember[],
  partitionCount: (topic: string) => number | undefined,
): Map<string, TopicPartition[]> {
  const result = new Map<string, TopicPartition[]>();
  for (const member of members) result.set(member.memberId, []);
  const topics = new Set<string>();
  for (const member of members) for (const topic of member.topics) topics.add(topic);
  for (const topic of [...topics].sort()) {
    const count = partitionCount(topic);
    if (count === undefined || count === 0) continue;
    const subscribers = members
      .filter((member) => member.topics.has(topic))
      .map((member) => member.memberId)
      .sort();
    const perMember = Math.floor(count / subscribers.length);
    const withExtra = count % subscribers.length;
    let next = 0;
    subscribers.forEach((memberId, index) => {
      const take = perMember + (index < withExtra ? 1 : 0);
      const owned = result.get(memberId)!;
      for (let i = 0; i < take; i++) owned.push({ topic, partition: next++ });
    });
  }
  for (const owned of result.values()) owned.sort(compareTopicPartitions);
  return result;
}
