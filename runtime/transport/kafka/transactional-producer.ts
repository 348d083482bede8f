/**
 * TransactionalProducer on a kafkajs transactional producer (idempotent, one request in flight,
 * as kafkajs requires). connect() begins and aborts an empty transaction, which makes kafkajs
 * send InitProducerId: the broker bumps the id's epoch, fencing older producers with the same
 * id, and aborts their open transaction (kafkajs retries while it is being aborted).
 * Offsets go to the group coordinator with sendOffsets (TxnOffsetCommit without group metadata:
 * kafkajs has no KIP-447), so fencing by transactional id is what keeps zombies out.
 */
import type { Producer as KafkaProducer, Transaction } from 'kafkajs';
import type {
  CommitOffset,
  OutgoingMessage,
  RecordMetadata,
  TransactionalProducer,
  TransactionalProducerOptions,
  TransportOptions,
} from '../types.js';
import { estimateRecordBytes } from '../producer-buffer.js';
import { createKafkaClient, OPERATION_RETRY } from './client.js';
import { kafkaCompression } from './compression.js';
import { connectError, operationError } from './errors.js';
import { buildProduceRequest, recordMetadata } from './produce-request.js';
import { explicitPartition } from './producer.js';
import { refuseOversized, TopicCheck } from './topic-check.js';

export class KafkaTransactionalProducer implements TransactionalProducer {
  private readonly producer: KafkaProducer;
  private readonly topics: TopicCheck;
  private readonly compression: ReturnType<typeof kafkaCompression>;
  private readonly name: string;
  private transaction: Promise<Transaction> | undefined;
  private sent: RecordMetadata[] = [];
  private connected = false;

  constructor(
    private readonly transport: TransportOptions,
    private readonly options: TransactionalProducerOptions,
  ) {
    this.compression = kafkaCompression(options.compression);
    this.name = `kafka:// transactional producer ${options.transactionalId}`;
    const client = createKafkaClient(transport, {
      clientId: options.clientId,
      requestTimeoutMs: options.requestTimeoutMs,
    });
    this.topics = new TopicCheck(transport, client.admin({ retry: OPERATION_RETRY }));
    this.producer = client.producer({
      createPartitioner: explicitPartition,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionalId: options.transactionalId,
      transactionTimeout: options.transactionTimeoutMs,
      allowAutoTopicCreation: false,
      retry: OPERATION_RETRY,
    });
  }

  get inTransaction(): boolean {
    return this.transaction !== undefined;
  }

  async connect(): Promise<void> {
    try {
      await this.producer.connect();
    } catch (error) {
      await this.producer.disconnect().catch(() => {});
      throw connectError(this.transport, `${this.name}: connect`, error);
    }
    try {
      const fencing = await this.producer.transaction();
      await fencing.abort();
    } catch (error) {
      await this.producer.disconnect().catch(() => {});
      throw operationError(`${this.name}: registering the transactional id failed`, error);
    }
    this.connected = true;
  }

  async sendBatch(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    refuseOversized(messages, this.options.maxRequestSize, estimateRecordBytes);
    await this.topics.require(messages);
    const transaction = await this.open();
    const request = buildProduceRequest(messages, Date.now());
    try {
      const response = await transaction.sendBatch({
        topicMessages: request.topicMessages,
        acks: -1,
        compression: this.compression,
        timeout: this.options.requestTimeoutMs,
      });
      for (const metadata of recordMetadata(request, response)) this.sent.push(metadata);
    } catch (error) {
      throw operationError(`${this.name}: sending ${messages.length} messages failed`, error);
    }
  }

  async sendOffsets(groupId: string, offsets: CommitOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const byTopic = new Map<string, { partition: number; offset: string }[]>();
    for (const { topic, partition, offset } of offsets) {
      const list = byTopic.get(topic) ?? [];
      list.push({ partition, offset: String(offset) });
      byTopic.set(topic, list);
    }
    const transaction = await this.open();
    try {
      await transaction.sendOffsets({
        consumerGroupId: groupId,
        topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
      });
    } catch (error) {
      throw operationError(`${this.name}: adding offsets of group ${groupId} failed`, error);
    }
  }

  async commit(): Promise<RecordMetadata[]> {
    const pending = this.transaction;
    if (!pending) return [];
    const sent = this.sent;
    this.transaction = undefined;
    this.sent = [];
    try {
      await (await pending).commit();
    } catch (error) {
      throw operationError(`${this.name}: commit failed`, error);
    }
    return sent;
  }

  async abort(): Promise<void> {
    const pending = this.transaction;
    if (!pending) return;
    this.transaction = undefined;
    this.sent = [];
    try {
      await (await pending).abort();
    } catch (error) {
      throw operationError(`${this.name}: abort failed`, error);
    }
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    this.transaction = undefined;
    this.sent = [];
    await Promise.all([this.producer.disconnect().catch(() => {}), this.topics.close()]);
  }

  private open(): Promise<Transaction> {
    if (!this.connected) throw new Error(`${this.name}: used while not connected (call connect() first)`);
    this.transaction ??= this.producer.transaction().catch((error: unknown) => {
      this.transaction = undefined;
      throw operationError(`${this.name}: beginning a transaction failed`, error);
    });
    return this.transaction;
  }
}
