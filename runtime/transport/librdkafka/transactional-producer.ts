/**
 * TransactionalProducer on librdkafka's transactions (transactional.id, idempotent, acks all).
 *
 * sendOffsets() needs a consumer's group metadata in librdkafka's API. With `groupMember` (the
 * worker's own consumer, an RdTransportConsumer) it is that member's: generation and member id,
 * so the group coordinator refuses the offsets of a member an assignment left behind (KIP-447,
 * EOS v2). Without it, the metadata is that of a consumer of the group that never joined
 * (generation -1, no member id): the broker then checks the group id only (EOS v1: fencing by
 * transactional id).
 */
import type {
  CommitOffset,
  OutgoingMessage,
  RecordMetadata,
  TransactionalProducer,
  TransactionalProducerOptions,
  TransportOptions,
} from '../types.js';
import { SCHEME_LABEL, call, clientConfig, operationError } from './config.js';
import { RdTransportConsumer } from './consumer.js';
import { type RdError, type RdKafkaConsumer, type RdProducer, loadKafkaJavascript } from './native.js';
import {
  RdDelivery,
  connectProducer,
  connectTimeoutMs,
  disconnectProducer,
  producerConfig,
} from './producer.js';

type State = 'idle' | 'connecting' | 'connected' | 'disconnected';

export class RdTransactionalProducer implements TransactionalProducer {
  private readonly producer: RdProducer;
  private readonly delivery: RdDelivery;
  private readonly groupClients = new Map<string, Promise<RdKafkaConsumer>>();
  private state: State = 'idle';
  private connecting: Promise<void> | undefined;
  private open = false;
  /** Metadata of the records sent in the open transaction, in send order. */
  private sent: RecordMetadata[] = [];
  private readonly label: string;

  constructor(
    private readonly transport: TransportOptions,
    private readonly options: TransactionalProducerOptions,
  ) {
    this.label = `${SCHEME_LABEL} transactional producer ${options.transactionalId}`;
    if (options.groupMember && !(options.groupMember instanceof RdTransportConsumer))
      throw new Error(`${this.label}: groupMember must be a consumer of the same librdkafka transport`);
    const { Producer } = loadKafkaJavascript();
    const config = producerConfig(transport, { ...options, acks: -1 });
    this.producer = new Producer({
      ...config,
      // librdkafka wants socket.timeout.ms <= transaction.timeout.ms + 100.
      'socket.timeout.ms': Math.min(Number(config['socket.timeout.ms']), options.transactionTimeoutMs),
      'transactional.id': options.transactionalId,
      'transaction.timeout.ms': options.transactionTimeoutMs,
      // librdkafka requires a message to time out before its transaction does.
      'message.timeout.ms': Math.min(
        options.transactionTimeoutMs,
        Math.max(options.requestTimeoutMs, 60_000),
      ),
    });
    this.delivery = new RdDelivery(
      this.producer,
      this.label,
      options.maxRequestSize,
      options.requestTimeoutMs,
    );
  }

  get inTransaction(): boolean {
    return this.open;
  }

  connect(): Promise<void> {
    if (this.state === 'connected') return Promise.resolve();
    if (this.connecting) return this.connecting;
    if (this.state === 'disconnected')
      return Promise.reject(new Error(`${this.label}: connect() after disconnect()`));
    this.state = 'connecting';
    this.connecting = (async () => {
      try {
        await connectProducer(this.producer, this.transport, 'transactional producer connect');
        // Registers the id: fences older producers with it and aborts their open transaction.
        await this.retrying((done) =>
          this.producer.initTransactions(this.options.requestTimeoutMs, done),
        ).catch((error: unknown) => {
          throw operationError(`${this.label}: initTransactions`, error);
        });
        this.state = 'connected';
      } catch (error) {
        this.state = 'idle';
        await disconnectProducer(this.producer, 0);
        throw error;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  private async begin(): Promise<void> {
    if (this.state !== 'connected')
      throw new Error(`${this.label}: used while ${this.state}; call connect() first`);
    if (this.open) return;
    await call((done) => this.producer.beginTransaction(done)).catch((error: unknown) => {
      throw operationError(`${this.label}: beginTransaction`, error);
    });
    this.open = true;
  }

  async sendBatch(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.begin();
    const metadata = await this.delivery.send(messages);
    for (const entry of metadata) this.sent.push(entry);
  }

  async sendOffsets(groupId: string, offsets: CommitOffset[]): Promise<void> {
    await this.begin();
    if (offsets.length === 0) return;
    const group = await this.groupMetadataSource(groupId);
    await this.retrying((done) =>
      this.producer.sendOffsetsToTransaction(
        offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset })),
        group,
        this.options.requestTimeoutMs,
        done,
      ),
    ).catch((error: unknown) => {
      throw operationError(`${this.label}: sendOffsets(${groupId})`, error);
    });
  }

  async commit(): Promise<RecordMetadata[]> {
    if (!this.open) return [];
    const sent = this.sent;
    this.open = false;
    this.sent = [];
    try {
      await this.retrying((done) => this.producer.commitTransaction(this.options.requestTimeoutMs, done));
    } catch (error) {
      // librdkafka takes no new transaction until a failed one is aborted.
      if ((error as { abortable?: boolean }).abortable) {
        await call((done) => this.producer.abortTransaction(this.options.requestTimeoutMs, done)).catch(
          () => {},
        );
      }
      throw operationError(`${this.label}: commit failed`, error);
    }
    return sent;
  }

  async abort(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    this.sent = [];
    await this.retrying((done) => this.producer.abortTransaction(this.options.requestTimeoutMs, done)).catch(
      (error: unknown) => {
        throw operationError(`${this.label}: abort failed`, error);
      },
    );
  }

  async disconnect(): Promise<void> {
    if (this.state === 'disconnected') return;
    await this.connecting?.catch(() => {});
    this.state = 'disconnected';
    this.open = false;
    this.sent = [];
    const groups = [...this.groupClients.values()];
    this.groupClients.clear();
    await Promise.all([
      disconnectProducer(this.producer, this.options.requestTimeoutMs),
      ...groups.map((group) =>
        group.then((consumer) => call((done) => consumer.disconnect(done))).catch(() => {}),
      ),
    ]);
  }

  /**
   * librdkafka's transactional calls answer a retriable error (a timeout, a coordinator moving)
   * with "call again": the outcome is not known yet, and a commit may still complete. Giving up
   * there would make the runtime abort and process again what the broker may commit: so they are
   * called again, within the transaction timeout.
   */
  private async retrying(start: (done: (error?: RdError) => void) => void): Promise<void> {
    const deadline = Date.now() + this.options.transactionTimeoutMs;
    for (;;) {
      try {
        await call((done) => start(done));
        return;
      } catch (error) {
        if (!(error as Partial<RdError>).isRetriable || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** Whose group metadata the offsets carry: the group member's (KIP-447), else a handle of the group's. */
  private groupMetadataSource(groupId: string): Promise<RdKafkaConsumer> {
    const member = this.options.groupMember as RdTransportConsumer | undefined;
    if (!member) return this.groupClient(groupId);
    const source = member.groupMetadataSource();
    // Its group's metadata or none: offsets of another group would pass unfenced.
    if (!source || member.groupId !== groupId) {
      const why = source
        ? `it is a member of group ${member.groupId}`
        : 'it is not connected, or joined a generation the runtime has not been given yet';
      return Promise.reject(
        new Error(
          `${this.label}: cannot send offsets of group ${groupId} with its group member's metadata: ${why}`,
        ),
      );
    }
    return Promise.resolve(source);
  }

  /** A connected consumer handle of the group that never subscribes: the source of its group metadata. */
  private groupClient(groupId: string): Promise<RdKafkaConsumer> {
    let client = this.groupClients.get(groupId);
    if (!client) {
      const { KafkaConsumer } = loadKafkaJavascript();
      const consumer = new KafkaConsumer(
        {
          ...clientConfig(this.transport, `${this.options.clientId}-txn-group`),
          'group.id': groupId,
          'enable.auto.commit': false,
        },
        {},
      );
      client = call((done) =>
        consumer.connect({ timeout: connectTimeoutMs(this.transport), allTopics: false }, done),
      ).then(() => consumer);
      client.catch(() => this.groupClients.delete(groupId));
      this.groupClients.set(groupId, client);
    }
    return client;
  }
}
