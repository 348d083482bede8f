/** Turning kafkajs errors into messages that say which broker and what went wrong. */
import type { TransportOptions } from '../types.js';
import { describeBrokerUrls } from './brokers.js';
import { closedConnectionHint, securityFailure } from './security.js';

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

/** Whether kafkajs gave up because no broker answered. */
export function isUnreachable(error: unknown): boolean {
  return causes(error).some(
    (e) => (e.name !== undefined && UNREACHABLE_NAMES.has(e.name)) || e.code === 'ECONNREFUSED',
  );
}

/** Where a client connects, with the security settings it connects with. */
export type ConnectTarget = Pick<TransportOptions, 'urls' | 'sasl' | 'ssl'>;

/**
 * The error a failed connect() rejects with, e.g. "Kafka broker kafka://127.0.0.1:1 is not reachable:
 * Connection error: connect ECONNREFUSED 127.0.0.1:1 (producer connect)", or "Kafka producer connect:
 * SASL authentication failed for user alice (SCRAM-SHA-256) at kafka://127.0.0.1:9094: ..." and
 * likewise for a TLS handshake, or any other failure with the URLs.
 */
export function connectError(target: ConnectTarget, what: string, error: unknown): Error {
  const { urls } = target;
  const where = describeBrokerUrls(urls);
  const plural = urls.length > 1 || where.includes(',');
  const reason = rootMessage(error);
  const security = securityFailure(causes(error), target);
  if (security) {
    const hint = security.hint ? ` (${security.hint})` : '';
    return new Error(`Kafka ${what}: ${security.problem} at ${where}: ${security.reason}${hint}`, {
      cause: error,
    });
  }
  if (isUnreachable(error)) {
    const subject = plural ? `brokers ${where} are` : `broker ${where} is`;
    const hint = closedConnectionHint(causes(error), target);
    return new Error(`Kafka ${subject} not reachable: ${reason} (${what}${hint ? `; ${hint}` : ''})`, {
      cause: error,
    });
  }
  return new Error(`Kafka ${what} at ${where} failed: ${reason}`, { cause: error });
}

/**
 * Wraps a failed operation's error with what was being done: "kafka:// admin createTopics(t1): ...".
 * With the target, a closed connection gets a hint at the security settings (a SASL listener lets a
 * client without credentials connect, then closes the connection on its first request).
 */
export function operationError(what: string, error: unknown, target?: ConnectTarget): Error {
  const hint = target ? closedConnectionHint(causes(error), target) : undefined;
  return new Error(`${what}: ${rootMessage(error)}${hint ? ` (${hint})` : ''}`, { cause: error });
}
