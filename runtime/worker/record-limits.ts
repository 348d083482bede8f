/**
 * The size limits a worker lives with, checked against the settings at start-up:
 * producerMaxRequestSize (one produce request, so also the largest record, dead letters
 * included) against the broker's message.max.bytes (the largest record batch it accepts). A
 * record between the two would pass the producer and be refused by the broker for good, which
 * stops the worker; so a larger producerMaxRequestSize is warned about. LMDB's key limit (1,978
 * bytes) depends on no setting; table writes check it (runtime/tables/limits.ts).
 */
import type { Logger } from '../core/logging/index.js';
import type { TransportAdmin } from '../transport/types.js';

export interface RecordLimitFacts {
  producerMaxRequestSize: number;
  /** The broker's message.max.bytes, when known. */
  brokerMessageMaxBytes: number | undefined;
}

/** What is wrong with the limits, or undefined. */
export function recordLimitProblem(facts: RecordLimitFacts): string | undefined {
  const { producerMaxRequestSize, brokerMessageMaxBytes } = facts;
  if (brokerMessageMaxBytes === undefined || producerMaxRequestSize <= brokerMessageMaxBytes)
    return undefined;
  return (
    `producerMaxRequestSize is ${producerMaxRequestSize} bytes but the broker accepts at most ` +
    `${brokerMessageMaxBytes} (message.max.bytes): a record between the two is refused by the broker ` +
    `and stops the worker; set producerMaxRequestSize to at most ${brokerMessageMaxBytes}`
  );
}

/** Asks the broker for message.max.bytes and warns when producerMaxRequestSize exceeds it; never throws. */
export async function checkRecordLimits(options: {
  admin: TransportAdmin;
  producerMaxRequestSize: number;
  logger: Logger;
}): Promise<void> {
  const { admin, producerMaxRequestSize, logger } = options;
  if (!admin.brokerConfig) return;
  let brokerMessageMaxBytes: number | undefined;
  try {
    const value = await admin.brokerConfig('message.max.bytes');
    brokerMessageMaxBytes = value === undefined ? undefined : Number(value);
  } catch (error) {
    logger.debug(`could not read the broker's message.max.bytes: ${(error as Error).message}`);
    return;
  }
  if (brokerMessageMaxBytes !== undefined && !Number.isFinite(brokerMessageMaxBytes)) return;
  const problem = recordLimitProblem({ producerMaxRequestSize, brokerMessageMaxBytes });
  if (problem) logger.warn(problem);
  else
    logger.debug(
      `record limits: producerMaxRequestSize ${producerMaxRequestSize}, broker message.max.bytes ${brokerMessageMaxBytes}`,
    );
}
