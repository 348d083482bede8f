import type { TopicPartition } from '../types.js';

export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  return a.partition - b.partition;
}

/** A Map/Set key for a topic partition (Kafka topic names cannot contain NUL). */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export function formatTopicPartition(topic: string, partition: number): string {
  return `${topic}[${partition}]`;
}
