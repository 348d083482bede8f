/**
 * `kafka://` on librdkafka (@confluentinc/kafka-javascript), chosen by `brokerClient: librdkafka`.
 *
 * Same URLs and security settings as the kafkajs transport. Beyond it: lz4 and zstd, static group
 * membership (ConsumerOptions.groupInstanceId), cooperative-sticky assignment and Kafka 4's group
 * protocol (RdTransportExtras), revoke callbacks before partitions go, transactions whose offsets
 * carry the consumer's group metadata (KIP-447: one transactional producer per worker).
 * The package is optional and loaded on first use (native.ts).
 */
import { KAFKA_SCHEME, kafkaBrokerAddresses } from '../kafka/brokers.js';
import type {
  ConsumerOptions,
  ProducerOptions,
  TransactionalProducer,
  TransactionalProducerOptions,
  Transport,
  TransportAdmin,
  TransportConsumer,
  TransportOptions,
  TransportProducer,
} from '../types.js';
import { RdTransportAdmin } from './admin.js';
import { type RdConsumerExtras, RdTransportConsumer } from './consumer.js';
import { loadKafkaJavascript } from './native.js';
import { RdTransportProducer } from './producer.js';
import { RdTransactionalProducer } from './transactional-producer.js';

export { BUILD_PACKAGES, PACKAGE, loadKafkaJavascript, missingClientError } from './native.js';
export { SUPPORTED_COMPRESSION } from './producer.js';
export { RdTransportAdmin, RdTransportConsumer, RdTransportProducer, RdTransactionalProducer };
export type { RdConsumerExtras };

export const LIBRDKAFKA_CLIENT = 'librdkafka';

/** What only this client has, for every consumer of the transport. */
export interface RdTransportExtras {
  /** partition.assignment.strategy, e.g. 'cooperative-sticky'. */
  assignmentStrategy?: string;
  /** 'consumer' is Kafka 4's group protocol (KIP-848). */
  groupProtocol?: 'classic' | 'consumer';
}

export function librdkafkaTransport(options: TransportOptions, extras: RdTransportExtras = {}): Transport {
  kafkaBrokerAddresses(options.urls); // fail on a malformed URL now, not at the first connect
  loadKafkaJavascript(); // and on a missing client now, naming what to install
  return {
    scheme: KAFKA_SCHEME,
    fencesByGroupMetadata: true,
    createConsumer: (consumerOptions: ConsumerOptions): TransportConsumer =>
      new RdTransportConsumer(options, consumerOptions, {
        ...extras,
        ...(consumerOptions.groupInstanceId ? { groupInstanceId: consumerOptions.groupInstanceId } : {}),
      }),
    createProducer: (producerOptions: ProducerOptions): TransportProducer =>
      new RdTransportProducer(options, producerOptions),
    createTransactionalProducer: (producerOptions: TransactionalProducerOptions): TransactionalProducer =>
      new RdTransactionalProducer(options, producerOptions),
    createAdmin: (): TransportAdmin => new RdTransportAdmin(options, options.requestTimeoutMs),
  };
}
