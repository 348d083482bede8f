/**
 * kafkajs log entries -> the transport's `log` callback.
 *
 * kafkajs is chatty at INFO (every join, pause and resume) and reports the normal motions of a
 * consumer group (rebalances, a member re-joining after losing its session) at WARN and ERROR.
 * Those go to `debug`, so a healthy worker's log stays quiet; what remains at warn/error is worth
 * reading. Set KAFKAJS_LOG_LEVEL=debug to see kafkajs's protocol-level messages too.
 */
import type { LogEntry, logCreator } from 'kafkajs';
import kafkajs from './kafkajs.js';
import type { TransportOptions } from '../types.js';

const { logLevel: KafkaLogLevel } = kafkajs;

export type TransportLog = NonNullable<TransportOptions['log']>;
export type TransportLogLevel = Parameters<TransportLog>[0];

const REBALANCE_NOISE =
  /rebalanc|re-?join|joined the group|not aware of this member|resync group|not aware of all assigned partitions|Filtering out batch/i;
/**
 * kafkajs warns when an idempotent (transactional) producer's retries are bounded; faustgen bounds
 * them on purpose: a send that fails aborts its transaction, which is then processed again.
 */
const BOUNDED_RETRIES = /Limiting retries for the idempotent producer/;
/** ERRORs that callers see as a rejected promise or an onStopped(error) anyway. */
const SURFACED_ELSEWHERE =
  /Failed to connect to (seed )?broker|Connection error|Crash:|Restarting the consumer/i;

/** Which level a kafkajs entry is logged at (see the module comment). */
export function transportLogLevel(
  level: number,
  namespace: string,
  message: string,
  error?: unknown,
): TransportLogLevel {
  if (level >= KafkaLogLevel.INFO) return 'debug';
  const text = `${message} ${typeof error === 'string' ? error : ''}`;
  if (REBALANCE_NOISE.test(text) || BOUNDED_RETRIES.test(text)) return 'debug';
  if (level === KafkaLogLevel.WARN) return 'warn';
  if (namespace === 'Connection' || SURFACED_ELSEWHERE.test(text)) return 'warn';
  return 'error';
}

/** kafkajs's own level names, as KAFKAJS_LOG_LEVEL takes them. */
function envLogLevel(): number | undefined {
  const name = (process.env.KAFKAJS_LOG_LEVEL ?? '').toUpperCase();
  return name in KafkaLogLevel ? KafkaLogLevel[name as keyof typeof KafkaLogLevel] : undefined;
}

export interface KafkaLogging {
  /** kafkajs's own filter. */
  logLevel: number;
  logCreator: logCreator;
}

/**
 * kafkajs logging for one client: entries up to INFO (or KAFKAJS_LOG_LEVEL) go to `log`, mapped as
 * above; nothing when `log` is absent. A `tap` sees every entry kafkajs makes, DEBUG included
 * (kafkajs tells some facts, such as a consumer's group generation, only in its debug log).
 */
export function kafkaLogging(log: TransportLog | undefined, tap?: (entry: LogEntry) => void): KafkaLogging {
  const forwardUpTo = log ? (envLogLevel() ?? KafkaLogLevel.INFO) : KafkaLogLevel.NOTHING;
  return {
    logLevel: tap ? KafkaLogLevel.DEBUG : forwardUpTo,
    logCreator:
      () =>
      (entry: LogEntry): void => {
        tap?.(entry);
        if (!log || entry.level > forwardUpTo) return;
        const { message, timestamp: _timestamp, logger: _logger, ...extra } = entry.log;
        const target = transportLogLevel(entry.level, entry.namespace, message, extra.error);
        const prefix = entry.namespace ? `kafkajs ${entry.namespace}` : 'kafkajs';
        log(target, `${prefix}: ${message}`, extra);
      },
  };
}
