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

/** Groups messages by topic (input order kept) and stamps each with a timestamp (now when absent). */
export function buildProduceRequest(messages: readonly OutgoingMessage[], now: number): ProduceRequest {
  const byTopic = new Map<string, { messages: KafkaMessage[]; countPerPartition: Map<number, number> }>();
  const placements: Placement[] = [];
  const nowText = String(now);
  let last: { topic: string; messages: KafkaMessage[]; countPerPartition: Map<number, number> } | undefined;
  for (const message of messages) {
    const { topic, partition } = message;
    if (!Number.isInteger(partition) || partition < 0) {
      throw new Error(
        `kafka:// producer: message to topic ${topic} has partition ${partition}; ` +
          'the runtime must choose a partition (>= 0)',
      );
    }
    if (last?.topic !== topic) {
      let group = byTopic.get(topic);
      if (!group) {
        group = { messages: [], countPerPartition: new Map() };
        byTopic.set(topic, group);
      }
      last = { topic, ...group };
    }
    const timestamp = message.timestamp ?? now;
    last.messages.push({
      partition,
      key: message.key,
      value: message.value,
      timestamp: message.timestamp === undefined ? nowText : String(timestamp),
      headers: message.headers,
    });
    const indexInPartition = last.countPerPartition.get(partition) ?? 0;
    last.countPerPartition.set(partition, indexInPartition + 1);
    placements.push({ topic, partition, indexInPartition, timestamp });
  }
  return {
    topicMessages: [...byTopic].map(([topic, group]) => ({ topic, messages: group.messages })),
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
  const byTopic = new Map<string, Map<number, KafkaRecordMetadata>>();
  for (const entry of response) {
    let partitions = byTopic.get(entry.topicName);
    if (!partitions) {
      partitions = new Map();
      byTopic.set(entry.topicName, partitions);
    }
    partitions.set(entry.partition, entry);
  }
  return request.placements.map(({ topic, partition, indexInPartition, timestamp }) => {
    const entry = byTopic.get(topic)?.get(partition);
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
