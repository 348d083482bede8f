import type { Admin as KafkaAdmin } from 'kafkajs';
import type { OutgoingMessage, TransportOptions } from '../types.js';
import { connectError, operationError } from './errors.js';

/**
 * The first send to a topic checks that it exists: kafkajs would retry the missing topic's
 * metadata for as long as its retries last (about a minute) before failing.
 */
export class TopicCheck {
  private connected: Promise<void> | undefined;
  private readonly known = new Set<string>();

  constructor(
    private readonly transport: TransportOptions,
    private readonly admin: KafkaAdmin,
  ) {}

  /** Rejects, naming them, when topics not sent to before do not exist. */
  async require(messages: readonly OutgoingMessage[]): Promise<void> {
    const unseen = [...new Set(messages.map((m) => m.topic))].filter((topic) => !this.known.has(topic));
    if (unseen.length === 0) return;
    this.connected ??= this.admin.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw connectError(this.transport, 'producer topic check', error);
    });
    await this.connected;
    let existing: Set<string>;
    try {
      existing = new Set(await this.admin.listTopics());
    } catch (error) {
      throw operationError(`kafka:// producer: checking that ${unseen.join(', ')} exist failed`, error);
    }
    const missing = unseen.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      const subject = missing.length === 1 ? `topic ${missing[0]} does` : `topics ${missing.join(', ')} do`;
      throw new Error(`kafka:// producer: ${subject} not exist (the producer does not create topics)`);
    }
    for (const topic of unseen) this.known.add(topic);
  }

  async close(): Promise<void> {
    const connected = this.connected;
    this.connected = undefined;
    await connected?.then(() => this.admin.disconnect()).catch(() => {});
  }
}

/** Refuses, as the Java client's RecordTooLargeException, a message larger than one request may be. */
export function refuseOversized(
  messages: readonly OutgoingMessage[],
  maxRequestSize: number,
  estimate: (m: OutgoingMessage) => number,
): void {
  for (const message of messages) {
    const bytes = estimate(message);
    if (bytes > maxRequestSize) {
      throw new Error(
        `kafka:// producer: a message of ${bytes} bytes to ${message.topic}[${message.partition}] ` +
          `exceeds maxRequestSize ${maxRequestSize}`,
      );
    }
  }
}
