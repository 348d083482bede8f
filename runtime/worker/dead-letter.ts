import { runForEvent } from '../streams/context.js';
import type { Event } from '../streams/event.js';
import type { Logger } from '../core/logging/index.js';
import type { FailureStage } from '../streams/types.js';
import { RecordTooLargeError } from '../transport/producer-buffer.js';
import { fitDeadLetter, TRUNCATION_HEADERS } from './dead-letter-fit.js';
import type { AppProducer } from './producer.js';

/** Header names carried by dead-lettered records, next to the original headers. */
export const DEAD_LETTER_HEADERS = {
  reason: 'faustgen-error',
  errorType: 'faustgen-error-type',
  stage: 'faustgen-error-stage',
  topic: 'faustgen-source-topic',
  partition: 'faustgen-source-partition',
  offset: 'faustgen-source-offset',
  timestamp: 'faustgen-source-timestamp',
  agent: 'faustgen-agent',
  ...TRUNCATION_HEADERS,
} as const;

export const deadLetterTopicName = (appId: string, topic: string): string => `${appId}-${topic}-deadletter`;

const MAX_REASON = 2000;

/** Why an event failed, short enough for a header: decode/validation errors carry their own `reason`. */
export function failureReason(error: unknown): string {
  const reason =
    typeof error === 'object' && error !== null && 'reason' in error && typeof error.reason === 'string'
      ? error.reason
      : error instanceof Error
        ? error.message
        : String(error);
  return reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON)}...` : reason;
}

export interface DeadLetterOptions {
  appId: string;
  producer: AppProducer;
  logger: Logger;
  /** Whether failed events of this topic go to a dead-letter topic (else: logged and skipped). */
  enabledFor: (topic: string) => boolean;
  onDeadLetter?: (topic: string, stage: FailureStage) => void;
}

/**
 * Sends an event that cannot be processed, with its original key, value and headers plus the
 * reason, to `<appId>-<topic>-deadletter`, then acks it: neither lost nor a poison pill.
 */
export class DeadLetters {
  constructor(private readonly options: DeadLetterOptions) {}

  async publish(
    event: Event<unknown, unknown>,
    error: unknown,
    stage: FailureStage,
    agent?: string,
  ): Promise<void> {
    const { message } = event;
    const reason = failureReason(error);
    const where = `${message.topic}[${message.partition}]@${message.offset}`;
    this.options.onDeadLetter?.(message.topic, stage);
    if (!event.fromTopic || !this.options.enabledFor(message.topic)) {
      // Channel events have no Kafka record to keep; topics with deadLetter: false log and skip (Faust).
      this.options.logger.error(`skipping event ${where} after ${stage} failure: ${reason}`, {
        agent,
        stage,
      });
      event.ack();
      return;
    }
    const target = deadLetterTopicName(this.options.appId, message.topic);
    const headers: Record<string, Buffer> = { ...message.headers };
    const h = DEAD_LETTER_HEADERS;
    headers[h.reason] = Buffer.from(reason);
    headers[h.errorType] = Buffer.from(error instanceof Error ? error.name : typeof error);
    headers[h.stage] = Buffer.from(stage);
    headers[h.topic] = Buffer.from(message.topic);
    headers[h.partition] = Buffer.from(String(message.partition));
    headers[h.offset] = Buffer.from(String(message.offset));
    headers[h.timestamp] = Buffer.from(String(message.timestamp));
    if (agent) headers[h.agent] = Buffer.from(agent);
    const { producer, logger } = this.options;
    const record = fitDeadLetter(
      { topic: target, key: message.key, value: message.value, headers },
      producer.maxRequestSize,
    );
    const truncated = record.headers[h.truncated] ? ` (truncated: ${record.headers[h.truncated]})` : '';
    logger.warn(`event ${where} failed at ${stage}; sent to ${target}${truncated}: ${reason}`, { agent });
    try {
      await runForEvent(event, () =>
        producer.send(target, record.key, record.value, { headers: record.headers }),
      );
    } catch (failure) {
      // Not even a truncated copy fits (e.g. onProduceMessage added much): log it, never loop on it.
      if (!(failure instanceof RecordTooLargeError)) throw failure;
      logger.error(
        `skipping event ${where} after ${stage} failure: ${reason}; its dead letter: ${failure.message}`,
        {
          agent,
          stage,
        },
      );
    }
    event.ack();
  }
}
