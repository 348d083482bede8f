/**
 * The `kafka://` transport: kafkajs 2.2.4.
 *
 * `kafkaTransport({ urls: ['kafka://h1:9092', 'kafka://h2:9092'], ... })`; one URL may also list
 * several hosts (`kafka://h1:9092,h2:9092`). Compression: none, gzip, snappy (lz4/zstd unavailable).
 */
import type {
  ConsumerOptions,
  ProducerOptions,
  TransactionalProducer,
  TransactionalProducerOptions,
  Transport,
  TransportAdmin,
  TransportConsumer,
  TransportFactory,
  TransportOptions,
  TransportProducer,
} from '../types.js';
import { KafkaTransportAdmin } from './admin.js';
import { KAFKA_SCHEME, kafkaBrokerAddresses } from './brokers.js';
import { KafkaTransportConsumer } from './consumer.js';
import { KafkaTransportProducer } from './producer.js';
import { KafkaTransactionalProducer } from './transactional-producer.js';

export { KAFKA_SCHEME, kafkaBrokerAddresses } from './brokers.js';
export { SUPPORTED_COMPRESSION } from './compression.js';
export { KafkaTransportAdmin } from './admin.js';
export { KafkaTransportConsumer } from './consumer.js';
export { KafkaTransportProducer } from './producer.js';
export { KafkaTransactionalProducer } from './transactional-producer.js';

export const kafkaTransport: TransportFactory = (options: TransportOptions): Transport => {
  kafkaBrokerAddresses(options.urls); // fail on a malformed URL now, not at the first connect
  return {
    scheme: KAFKA_SCHEME,
    createConsumer: (consumerOptions: ConsumerOptions): TransportConsumer =>
      new KafkaTransportConsumer(options, consumerOptions),
    createProducer: (producerOptions: ProducerOptions): TransportProducer =>
      new KafkaTransportProducer(options, producerOptions),
    createTransactionalProducer: (producerOptions: TransactionalProducerOptions): TransactionalProducer =>
      new KafkaTransactionalProducer(options, producerOptions),
    createAdmin: (): TransportAdmin => new KafkaTransportAdmin(options, options.requestTimeoutMs),
  };
};
