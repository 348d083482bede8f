import { DEAD_LETTER_HEADERS } from '../worker/dead-letter.js';
import type { Topic } from '../channels/topic.js';
import type { FailureStage } from '../streams/types.js';
import type { Headers, Message } from '../transport/types.js';
import type { DeadLetter, SentRecord } from './types.js';

type AnyTopic = Topic<unknown, unknown>;

/** Decodes a record with the topic's serdes (raw bytes when the app does not know the topic). */
export function decodeRecord(message: Message, topic: AnyTopic | undefined): SentRecord {
  const where = `${message.topic}[${message.partition}]@${message.offset}`;
  let key: unknown = message.key;
  let value: unknown = message.value;
  if (topic) {
    try {
      key = topic.keySerde.deserialize(message.key);
      value = topic.valueSerde.deserialize(message.value);
    } catch (error) {
      throw new Error(
        `record ${where} does not decode with topic ${topic.name}'s serdes: ${(error as Error).message} (read it with sentRaw())`,
        { cause: error },
      );
    }
  }
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key,
    value,
    headers: message.headers,
  };
}

const STAGES: readonly FailureStage[] = ['decode', 'handler', 'forward'];
const DEAD_LETTER_HEADER_NAMES = new Set<string>(Object.values(DEAD_LETTER_HEADERS));

/** Reads a dead-letter record: the reason and source from its headers, the payload decoded where it decodes. */
export function decodeDeadLetter(message: Message, source: AnyTopic | undefined): DeadLetter {
  const h = DEAD_LETTER_HEADERS;
  const text = (name: string) => message.headers[name]?.toString('utf8');
  const where = `dead letter ${message.topic}[${message.partition}]@${message.offset}`;
  const required = (name: string): string => {
    const value = text(name);
    if (value === undefined) throw new Error(`${where} has no ${name} header`);
    return value;
  };
  const stage = required(h.stage) as FailureStage;
  if (!STAGES.includes(stage)) throw new Error(`${where}: unknown failure stage ${stage}`);
  const headers: Headers = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (!DEAD_LETTER_HEADER_NAMES.has(name)) headers[name] = value;
  }
  return {
    reason: required(h.reason),
    errorType: required(h.errorType),
    stage,
    agent: text(h.agent),
    source: {
      topic: required(h.topic),
      partition: Number(required(h.partition)),
      offset: Number(required(h.offset)),
      timestamp: Number(required(h.timestamp)),
    },
    key: attempt(() => (source ? source.keySerde.deserialize(message.key) : message.key)),
    value: attempt(() => (source ? source.valueSerde.deserialize(message.value) : message.value)),
    rawKey: message.key,
    rawValue: message.value,
    headers,
    deadLetterTopic: message.topic,
    partition: message.partition,
    offset: message.offset,
  };
}

function attempt<T>(decode: () => T): T | undefined {
  try {
    return decode();
  } catch {
    return undefined;
  }
}

/** Header values as bytes. */
export function headerBytes(headers: Record<string, Buffer | string> | undefined): Headers | undefined {
  if (!headers) return undefined;
  const out: Headers = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = typeof value === 'string' ? Buffer.from(value) : value;
  }
  return out;
}
