import { randomBytes } from 'node:crypto';

/**
 * A name no other test run uses, for topics and consumer groups on the shared broker:
 * `<prefix>-<base36 time>-<random hex>` (Kafka topic-name safe).
 */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
