/**
 * The one place settings become Kafka connection options: the transport (broker URL, client id,
 * timeouts, SASL and TLS), the consumers (the worker's own, the changelog reader, RPC replies)
 * and the producer. Every client of a worker connects alike, so a setting changes all of them.
 */
import type { Logger } from '../core/logging/index.js';
import type { Settings } from '../core/settings/index.js';
import { createTransport } from '../transport/registry.js';
import type {
  ConsumerOptions,
  ConsumerPurpose,
  ProducerOptions,
  Transport,
  TransportConsumer,
  TransportOptions,
} from '../transport/types.js';

const ms = (seconds: number): number => Math.round(seconds * 1000);

export class Connections {
  constructor(
    private readonly conf: Readonly<Settings>,
    private readonly logger: Logger,
  ) {}

  transportOptions(): Omit<TransportOptions, 'urls'> {
    const { conf, logger } = this;
    return {
      clientId: conf.brokerClientId,
      connectionTimeoutMs: ms(conf.brokerRequestTimeout),
      requestTimeoutMs: ms(conf.brokerRequestTimeout),
      sasl: conf.brokerCredentials ?? undefined,
      ssl: conf.sslContext ?? undefined,
      log: (level, message, extra) => logger[level](message, extra),
    };
  }

  /** A transport (its own clients) for the configured broker. */
  transport(): Transport {
    return createTransport(this.conf.broker, this.transportOptions(), this.conf.brokerClient);
  }

  consumerOptions(purpose: ConsumerPurpose): ConsumerOptions {
    const conf = this.conf;
    return {
      groupId: purpose.groupId,
      clientId: conf.brokerClientId,
      // 'none' cannot fail on a missing offset with kafkajs: warned about at start-up, reads from the earliest.
      autoOffsetReset:
        purpose.autoOffsetReset ?? (conf.consumerAutoOffsetReset === 'latest' ? 'latest' : 'earliest'),
      sessionTimeoutMs: ms(conf.brokerSessionTimeout),
      heartbeatIntervalMs: ms(conf.brokerHeartbeatInterval),
      rebalanceTimeoutMs: ms(conf.brokerRebalanceTimeout),
      requestTimeoutMs: ms(conf.brokerRequestTimeout),
      maxFetchBytes: conf.consumerMaxFetchSize,
      maxPollRecords: purpose.maxPollRecords ?? conf.brokerMaxPollRecords ?? 0,
      ...(purpose.offsetOutOfRange ? { offsetOutOfRange: purpose.offsetOutOfRange } : {}),
      ...(purpose.partitionAssigners ? { partitionAssigners: purpose.partitionAssigners } : {}),
      ...(conf.consumerGroupInstanceId ? { groupInstanceId: conf.consumerGroupInstanceId } : {}),
    };
  }

  /** A consumer on a transport of its own. */
  consumer(purpose: ConsumerPurpose): TransportConsumer {
    return this.transport().createConsumer(this.consumerOptions(purpose));
  }

  producerOptions(): ProducerOptions {
    const conf = this.conf;
    return {
      clientId: conf.brokerClientId,
      acks: conf.producerAcks,
      // lz4 and zstd: librdkafka applies them; kafkajs cannot (warned about at start-up).
      compression:
        conf.producerCompressionType === 'gzip' ||
        conf.producerCompressionType === 'snappy' ||
        (conf.brokerClient === 'librdkafka' && conf.producerCompressionType !== null)
          ? (conf.producerCompressionType ?? 'none')
          : 'none',
      requestTimeoutMs: ms(conf.producerRequestTimeout),
      maxRequestSize: conf.producerMaxRequestSize,
    };
  }
}
