/**
 * Our OutgoingMessage[] <-> one kafkajs sendBatch request and its answer.
 *
 * kafkajs answers a produce request with one entry per topic-partition carrying the base offset
 * the broker gave that partition's record batch. Within a partition kafkajs keeps the messages in
 * the order we gave them (one record batch, offset deltas 0..n-1), so message i of a partition
 * landed at baseOffset + i.
 */
import type { Message as KafkaMessage, RecordMetadata as KafkaRecordMetadata, TopicMessages } from 'kafkajs';
import type { OutgoingMessage, RecordMetadata } from '../types.js';

export interface ProduceRequest {
  topicMessages: TopicMessages[];
  /** For each input message: its topic, partition, index within that partition, and timestamp. */
  placements: Placement[];
}

interface Placement {
  topic: string;
  partition: number;
  indexInPartition: number;
  timestamp: number;
}

const partitionKey = (topic: string, partition: number): string => `${partition}:${topic}`;

/** Groups messages by topic (input order kept) and stamps each with a timestamp (now when absent). */
export function buildProduceRequest(messages: readonly OutgoingMessage[], now: number): ProduceRequest {
  const byTopic = new Map<string, KafkaMessage[]>();
  const countPerPartition = new Map<string, number>();
  const placements: Placement[] = [];
  for (const message of messages) {
    if (!Number.isInteger(message.partition) || message.partition < 0) {
      throw new Error(
        `kafka:// producer: message to topic ${message.topic} has partition ${message.partition}; ` +
          'the runtime must choose a partition (>= 0)',
      );
    }
    const timestamp = message.timestamp ?? now;
    let topicMessages = byTopic.get(message.topic);
    if (!topicMessages) {
      topicMessages = [];
      byTopic.set(message.topic, topicMessages);
    }
    topicMessages.push({
      partition: message.partition,
      key: message.key,
      value: message.value,
      timestamp: String(timestamp),
      headers: message.headers,
    });
    const key = partitionKey(message.topic, message.partition);
    const indexInPartition = countPerPartition.get(key) ?? 0;
    countPerPartition.set(key, indexInPartition + 1);
    placements.push({ topic: message.topic, partition: message.partition, indexInPartition, timestamp });
  }
  return {
    topicMessages: [...byTopic].map(([topic, topicMessages]) => ({ topic, messages: topicMessages })),
    placements,
  };
}

/**
 * One RecordMetadata per input message, in input order. With acks=0 the broker answers nothing, so
 * offsets are -1. The timestamp is the broker's log-append time when the topic uses it, else ours.
 */
export function recordMetadata(
  request: ProduceRequest,
  response: readonly KafkaRecordMetadata[],
): RecordMetadata[] {
  const byPartition = new Map<string, KafkaRecordMetadata>();
  for (const entry of response) byPartition.set(partitionKey(entry.topicName, entry.partition), entry);
  return request.placements.map(({ topic, partition, indexInPartition, timestamp }) => {
    const entry = byPartition.get(partitionKey(topic, partition));
    if (response.length > 0 && !entry) {
      throw new Error(`kafka:// producer: the broker's answer has no entry for ${topic}[${partition}]`);
    }
    const baseOffset = entry?.baseOffset === undefined ? -1 : Number(entry.baseOffset);
    const appendTime = entry?.logAppendTime === undefined ? -1 : Number(entry.logAppendTime);
    return {
      topic,
      partition,
      offset: baseOffset < 0 ? -1 : baseOffset + indexInPartition,
      timestamp: appendTime >= 0 ? appendTime : timestamp,
    };
  });
}
