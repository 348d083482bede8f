/**
 * kafkajs log entries -> the transport's `log` callback.
 *
 * kafkajs is chatty at INFO (every join, pause and resume) and reports the normal motions of a
 * consumer group (rebalances, a member re-joining after losing its session) at WARN and ERROR.
 * Those go to `debug`, so a healthy worker's log stays quiet; what remains at warn/error is worth
 * reading. Set KAFKAJS_LOG_LEVEL=debug to see kafkajs's protocol-level messages too.
 */
import kafkajs, { type LogEntry, type logCreator } from 'kafkajs';
import type { TransportOptions } from '../types.js';

const { logLevel: KafkaLogLevel } = kafkajs;

export type TransportLog = NonNullable<TransportOptions['log']>;
export type TransportLogLevel = Parameters<TransportLog>[0];

const REBALANCE_NOISE =
  /rebalanc|re-?join|joined the group|not aware of this member|resync group|not aware of all assigned partitions|Filtering out batch/i;
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
  if (REBALANCE_NOISE.test(text)) return 'debug';
  if (level === KafkaLogLevel.WARN) return 'warn';
  if (namespace === 'Connection' || SURFACED_ELSEWHERE.test(text)) return 'warn';
  return 'error';
}

/** A kafkajs logCreator that forwards to `log`; kafkajs logs nothing when `log` is absent. */
export function kafkaLogCreator(log: TransportLog | undefined): logCreator {
  return () =>
    ({ namespace, level, log: entry }: LogEntry) => {
      if (!log) return;
      const { message, timestamp: _timestamp, logger: _logger, ...extra } = entry;
      const target = transportLogLevel(level, namespace, message, extra.error);
      log(target, namespace ? `kafkajs ${namespace}: ${message}` : `kafkajs: ${message}`, extra);
    };
}

/** kafkajs's own level filter: INFO when someone listens (mapped down to debug), else nothing. */
export function kafkaLogLevel(log: TransportLog | undefined): number {
  return log ? KafkaLogLevel.INFO : KafkaLogLevel.NOTHING;
}
