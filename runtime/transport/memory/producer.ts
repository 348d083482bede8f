import type { OutgoingMessage, ProducerOptions, RecordMetadata, TransportProducer } from '../types.js';
import type { MemoryBroker } from './broker.js';

/**
 * Appends straight into the broker's partition logs. acks and compression do not apply in
 * memory; every request is durable once sendBatch resolves. Like a Kafka client, it refuses to
 * send before connect() and after disconnect().
 */
export class MemoryProducer implements TransportProducer {
  private connected = false;
  private readonly name: string;

  constructor(
    private readonly broker: MemoryBroker,
    options: ProducerOptions,
  ) {
    this.name = `memory producer ${options.clientId}`;
  }

  async connect(): Promise<void> {
    this.broker.assertAlive(this.name);
    this.connected = true;
  }

  async sendBatch(messages: OutgoingMessage[]): Promise<RecordMetadata[]> {
    if (!this.connected)
      throw new Error(`${this.name}: sendBatch() while not connected (call connect() first)`);
    return this.broker.produce(messages, this.name);
  }

  async disconnect(): Promise<void> {
    this.connected = false;
  }
}
