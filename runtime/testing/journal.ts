import type { ProducedMessage } from '../worker/producer.js';
import type { MemoryBroker } from '../transport/memory/index.js';
import type { Message } from '../transport/types.js';

interface Entry {
  topic: string;
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
}

/**
 * The order in which the app sent its messages, across partitions. A partition log only orders
 * its own records; tests want "what was sent, in the order it was sent". The app's producer
 * appends a partition's messages in the order they were queued and the context's broker starts
 * empty, so the n-th message queued for a partition is at offset n (checked against the bytes:
 * should a send have been lost, the topic falls back to partition and offset order).
 */
export class ProduceJournal {
  private readonly entries: Entry[] = [];
  private readonly counts = new Map<string, number>();

  /** An onProduceMessage receiver. */
  readonly record = (message: ProducedMessage): void => {
    const { topic, partition, key, value } = message;
    const where = `${topic}\u0000${partition}`;
    const offset = this.counts.get(where) ?? 0;
    this.counts.set(where, offset + 1);
    this.entries.push({ topic, partition, offset, key, value });
  };

  /**
   * The records of a topic in the order they were sent; records that did not come through the
   * app's producer (none, normally) follow in partition and offset order.
   */
  records(broker: MemoryBroker, topic: string): Message[] {
    const partitions = broker.partitionCount(topic);
    if (partitions === undefined) {
      throw new Error(`topic ${topic} does not exist on the test broker ${broker.url}`);
    }
    const seen = new Set<string>();
    const out: Message[] = [];
    for (const entry of this.entries) {
      if (entry.topic !== topic) continue;
      const [message] = broker.readMessages(topic, entry.partition, entry.offset, 1);
      if (!message) continue; // not appended yet
      if (!sameBytes(message.key, entry.key) || !sameBytes(message.value, entry.value)) {
        return partitionOrder(broker, topic, partitions);
      }
      seen.add(`${entry.partition}:${entry.offset}`);
      out.push(message);
    }
    for (const message of partitionOrder(broker, topic, partitions)) {
      if (!seen.has(`${message.partition}:${message.offset}`)) out.push(message);
    }
    return out;
  }
}

function partitionOrder(broker: MemoryBroker, topic: string, partitions: number): Message[] {
  const out: Message[] = [];
  for (let partition = 0; partition < partitions; partition++) {
    out.push(...broker.readMessages(topic, partition));
  }
  return out;
}

function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}
