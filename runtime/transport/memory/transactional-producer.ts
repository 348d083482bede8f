import type {
  CommitOffset,
  OutgoingMessage,
  RecordMetadata,
  TransactionalProducer,
  TransactionalProducerOptions,
} from '../types.js';
import type { MemoryBroker } from './broker.js';

/**
 * Kafka transactions in memory: sends are held by the producer and appended, with the offsets
 * sent along, in one step at commit(); abort() forgets them. So a reader never sees part of a
 * transaction, and sees none of an aborted one. Offsets are assigned at
 * the commit, when commit() returns the metadata of every record.
 * A newer producer with the same transactional id fences this one: its commit() throws.
 */
export class MemoryTransactionalProducer implements TransactionalProducer {
  private epoch: number | undefined;
  private messages: OutgoingMessage[] = [];
  private readonly offsets = new Map<string, Map<string, CommitOffset>>();
  private open = false;
  private readonly name: string;

  constructor(
    private readonly broker: MemoryBroker,
    private readonly options: TransactionalProducerOptions,
  ) {
    this.name = `memory transactional producer ${options.transactionalId}`;
  }

  get inTransaction(): boolean {
    return this.open;
  }

  async connect(): Promise<void> {
    this.epoch = this.broker.initTransactions(this.options.transactionalId);
  }

  async sendBatch(messages: OutgoingMessage[]): Promise<void> {
    const epoch = this.requireConnected('sendBatch');
    this.broker.assertFenced(this.options.transactionalId, epoch);
    this.open = true;
    for (const message of messages) this.messages.push(message);
  }

  async sendOffsets(groupId: string, offsets: CommitOffset[]): Promise<void> {
    const epoch = this.requireConnected('sendOffsets');
    this.broker.assertFenced(this.options.transactionalId, epoch);
    this.open = true;
    let group = this.offsets.get(groupId);
    if (!group) {
      group = new Map();
      this.offsets.set(groupId, group);
    }
    for (const offset of offsets) group.set(`${offset.topic}\u0000${offset.partition}`, offset);
  }

  async commit(): Promise<RecordMetadata[]> {
    const epoch = this.requireConnected('commit');
    if (!this.open) return [];
    const offsets = new Map<string, CommitOffset[]>();
    for (const [groupId, group] of this.offsets) offsets.set(groupId, [...group.values()]);
    const messages = this.messages;
    this.reset();
    return this.broker.commitTransaction(this.options.transactionalId, epoch, messages, offsets);
  }

  async abort(): Promise<void> {
    this.requireConnected('abort');
    this.reset();
  }

  async disconnect(): Promise<void> {
    this.reset();
    this.epoch = undefined;
  }

  private reset(): void {
    this.open = false;
    this.messages = [];
    this.offsets.clear();
  }

  private requireConnected(operation: string): number {
    if (this.epoch === undefined) throw new Error(`${this.name}: ${operation}() while not connected`);
    return this.epoch;
  }
}
