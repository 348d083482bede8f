/** Turning kafkajs errors into messages that say which broker and what went wrong. */
import { describeBrokerUrls } from './brokers.js';

interface KafkaJSErrorLike {
  name?: string;
  message?: string;
  type?: string;
  code?: string;
  cause?: unknown;
}

function causes(error: unknown): KafkaJSErrorLike[] {
  const chain: KafkaJSErrorLike[] = [];
  let current: unknown = error;
  while (current && typeof current === 'object' && chain.length < 10) {
    chain.push(current as KafkaJSErrorLike);
    current = (current as KafkaJSErrorLike).cause;
  }
  return chain;
}

function rootMessage(error: unknown): string {
  const chain = causes(error);
  const root = chain[chain.length - 1];
  return root?.message ?? String(error);
}

const UNREACHABLE_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSBrokerNotFound',
  'KafkaJSConnectionClosedError',
]);
const AUTH_NAMES = new Set(['KafkaJSSASLAuthenticationError']);

/** Whether kafkajs gave up because no broker answered. */
export function isUnreachable(error: unknown): boolean {
  return causes(error).some(
    (e) => (e.name !== undefined && UNREACHABLE_NAMES.has(e.name)) || e.code === 'ECONNREFUSED',
  );
}

/**
 * The error a failed connect() rejects with, e.g. "Kafka broker kafka://127.0.0.1:1 is not reachable:
 * Connection error: connect ECONNREFUSED 127.0.0.1:1 (producer connect)"; likewise for a failed
 * authentication, or any other failure with the URLs.
 */
export function connectError(urls: readonly string[], what: string, error: unknown): Error {
  const where = describeBrokerUrls(urls);
  const plural = urls.length > 1 || where.includes(',');
  const reason = rootMessage(error);
  if (causes(error).some((e) => e.name !== undefined && AUTH_NAMES.has(e.name))) {
    return new Error(`Kafka ${what}: authentication with ${where} failed: ${reason}`, { cause: error });
  }
  if (isUnreachable(error)) {
    const subject = plural ? `brokers ${where} are` : `broker ${where} is`;
    return new Error(`Kafka ${subject} not reachable: ${reason} (${what})`, { cause: error });
  }
  return new Error(`Kafka ${what} at ${where} failed: ${reason}`, { cause: error });
}

/** Wraps a failed operation's error with what was being done: "kafka:// admin createTopics(t1): ...". */
export function operationError(what: string, error: unknown): Error {
  return new Error(`${what}: ${rootMessage(error)}`, { cause: error });
}
