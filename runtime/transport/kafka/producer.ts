/**
 * TransportProducer on a kafkajs producer.
 *
 * Not idempotent (acks 0 and 1 are allowed, and kafkajs's idempotent mode caps in-flight requests
 * at one anyway); kafkajs's default maxInFlightRequests. Ordering across requests is the
 * ProducerBuffer's business (it keeps one request in flight by default).
 *
 * A message larger than maxRequestSize is refused (as the Java client's RecordTooLargeException);
 * splitting many messages into requests of at most that size is the ProducerBuffer's job.
 * The first send to a topic checks that it exists (TopicCheck).
 */
import type { ICustomPartitioner, Producer as KafkaProducer } from 'kafkajs';
import type {
  OutgoingMessage,
  ProducerOptions,
  RecordMetadata,
  TransportOptions,
  TransportProducer,
} from '../types.js';
import { estimateRecordBytes } from '../producer-buffer.js';
import { createKafkaClient, OPERATION_RETRY } from './client.js';
import { kafkaCompression } from './compression.js';
import { connectError, operationError } from './errors.js';
import { MIN_OUTAGE_BUDGET_MS, retryWhileUnreachable } from './outage.js';
import { buildProduceRequest, recordMetadata } from './produce-request.js';
import { refuseOversized, TopicCheck } from './topic-check.js';

/** The runtime picks every partition (murmur2); this only checks that the topic has it. */
export const explicitPartition: ICustomPartitioner =
  () =>
  ({ topic, partitionMetadata, message }) => {
    const partition = message.partition;
    if (partition === undefined || !partitionMetadata.some((p) => p.partitionId === partition)) {
      throw new Error(
        `kafka:// producer: topic ${topic} has no partition ${partition} ` +
          `(it has ${partitionMetadata.length} partitions)`,
      );
    }
    return partition;
  };

type ConnectionState = 'idle' | 'connecting' | 'connected' | 'disconnected';

export class KafkaTransportProducer implements TransportProducer {
  private readonly producer: KafkaProducer;
  private readonly topics: TopicCheck;
  private readonly compression: ReturnType<typeof kafkaCompression>;
  private state: ConnectionState = 'idle';
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly transport: TransportOptions,
    private readonly options: ProducerOptions,
  ) {
    this.compression = kafkaCompression(options.compression);
    if (![-1, 0, 1].includes(options.acks)) {
      throw new Error(`kafka:// producer: acks must be -1, 0 or 1, not ${options.acks}`);
    }
    const client = createKafkaClient(transport, {
      clientId: options.clientId,
      requestTimeoutMs: options.requestTimeoutMs,
    });
    this.topics = new TopicCheck(transport, client.admin({ retry: OPERATION_RETRY }));
    this.producer = client.producer({
      createPartitioner: explicitPartition,
      idempotent: false,
      allowAutoTopicCreation: false,
      retry: OPERATION_RETRY,
    });
  }

  connect(): Promise<void> {
    if (this.state === 'connected') return Promise.resolve();
    if (this.connecting) return this.connecting;
    this.state = 'connecting';
    this.connecting = this.producer
      .connect()
      .then(() => {
        this.state = 'connected';
      })
      .catch(async (error: unknown) => {
        this.state = 'idle';
        await this.producer.disconnect().catch(() => {});
        throw connectError(this.transport, 'producer connect', error);
      })
      .finally(() => {
        this.connecting = undefined;
      });
    return this.connecting;
  }

  async sendBatch(messages: OutgoingMessage[]): Promise<RecordMetadata[]> {
    if (this.state !== 'connected') {
      throw new Error(`kafka:// producer: sendBatch while ${this.state}; call connect() first`);
    }
    if (messages.length === 0) return [];
    refuseOversized(messages, this.options.maxRequestSize, estimateRecordBytes);
    await this.topics.require(messages);
    const request = buildProduceRequest(messages, Date.now());
    let response: Awaited<ReturnType<KafkaProducer['sendBatch']>>;
    try {
      const send = () =>
        this.producer.sendBatch({
          topicMessages: request.topicMessages,
          acks: this.options.acks,
          compression: this.compression,
          timeout: this.options.requestTimeoutMs,
        });
      response = await retryWhileUnreachable(send, {
        budgetMs: MIN_OUTAGE_BUDGET_MS,
        onRetry: (error, delay) =>
          this.transport.log?.(
            'warn',
            `kafka:// producer: no broker answers (${(error as Error).message}); sending again in ${delay} ms`,
          ),
      });
    } catch (error) {
      const topics = request.topicMessages.map(({ topic }) => topic).join(', ');
      throw operationError(
        `kafka:// producer: sending ${messages.length} messages to ${topics} failed`,
        error,
      );
    }
    return recordMetadata(request, response);
  }

  async disconnect(): Promise<void> {
    if (this.state === 'disconnected') return;
    await this.connecting?.catch(() => {});
    this.state = 'disconnected';
    await Promise.all([this.producer.disconnect(), this.topics.close()]);
  }
}
