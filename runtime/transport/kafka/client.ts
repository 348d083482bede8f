/**
 * One kafkajs `Kafka` client per consumer, producer and admin.
 *
 * kafkajs caches committed offsets per group id inside a `Kafka` instance and every consumer it
 * creates shares that cache; two members of one group created from one instance would clear each
 * other's view on every rebalance. A client is only configuration, so each of ours gets its own.
 */
import type { Kafka as KafkaClient, LogEntry, RetryOptions } from 'kafkajs';
import kafkajs from './kafkajs.js';
import type { TransportOptions } from '../types.js';
import { kafkaBrokerAddresses } from './brokers.js';
import { kafkaLogging } from './logging.js';
import { kafkaSasl, kafkaSsl } from './security.js';

const { Kafka } = kafkajs;

/**
 * Retries of the cluster layer: connecting, metadata, finding the group coordinator. Short, so an
 * unreachable broker (or a TLS handshake that fails) fails connect() in about a second and a half
 * rather than half a minute. A refused SASL login is not retried at all.
 */
export const CLUSTER_RETRY: RetryOptions = { initialRetryTime: 100, retries: 4, maxRetryTime: 2_000 };

/**
 * Retries of operations (produce, fetch, commit, admin requests) on retriable errors such as a
 * leader moving: about a minute in all before an operation fails.
 */
export const OPERATION_RETRY: RetryOptions = { initialRetryTime: 300, retries: 8, maxRetryTime: 30_000 };

export interface ClientSettings {
  clientId: string;
  requestTimeoutMs: number;
  /** Sees every kafkajs log entry, debug included. */
  logTap?: (entry: LogEntry) => void;
}

export function createKafkaClient(options: TransportOptions, settings: ClientSettings): KafkaClient {
  return new Kafka({
    clientId: settings.clientId,
    brokers: kafkaBrokerAddresses(options.urls),
    connectionTimeout: options.connectionTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    retry: CLUSTER_RETRY,
    ssl: kafkaSsl(options.ssl),
    sasl: kafkaSasl(options.sasl),
    ...kafkaLogging(options.log, settings.logTap),
  });
}
