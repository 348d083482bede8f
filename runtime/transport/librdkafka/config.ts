/**
 * TransportOptions -> librdkafka configuration shared by the consumer, producer and admin: the
 * bootstrap list, client id, timeouts, SASL and TLS, and librdkafka's log routed to the transport's.
 */
import { kafkaBrokerAddresses } from '../kafka/brokers.js';
import { kafkaSasl, kafkaSsl } from '../kafka/security.js';
import type { TransportOptions } from '../types.js';
import type { RdClient, RdConfig, RdError } from './native.js';

export const SCHEME_LABEL = 'kafka:// (librdkafka)';

/** Where the client connects and how it authenticates. */
export function clientConfig(options: TransportOptions, clientId: string): RdConfig {
  const config: RdConfig = {
    'bootstrap.servers': kafkaBrokerAddresses(options.urls).join(','),
    'client.id': clientId,
    'socket.connection.setup.timeout.ms': Math.max(1000, options.connectionTimeoutMs),
    'socket.timeout.ms': Math.min(300_000, Math.max(10, options.requestTimeoutMs)),
    // librdkafka retries unreachable brokers for ever; keep the gaps short, as kafkajs's CLUSTER_RETRY.
    'reconnect.backoff.ms': 100,
    'reconnect.backoff.max.ms': 2000,
    'log.connection.close': false,
    ...securityConfig(options),
  };
  return config;
}

function pem(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map((entry) => pem(entry)).join('\n');
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

/** `brokerCredentials` and `sslContext` (as the kafkajs transport reads them) as librdkafka properties. */
export function securityConfig(options: Pick<TransportOptions, 'sasl' | 'ssl'>): RdConfig {
  const sasl = kafkaSasl(options.sasl);
  const ssl = kafkaSsl(options.ssl);
  const config: RdConfig = {};
  config['security.protocol'] = sasl ? (ssl ? 'sasl_ssl' : 'sasl_plaintext') : ssl ? 'ssl' : 'plaintext';
  if (sasl) {
    const { mechanism, username, password } = sasl as {
      mechanism: string;
      username: string;
      password: string;
    };
    config['sasl.mechanisms'] = mechanism.toUpperCase();
    config['sasl.username'] = username;
    config['sasl.password'] = password;
  }
  if (ssl && ssl !== true) {
    const tls = ssl as Record<string, unknown>;
    const ca = pem(tls.ca);
    const cert = pem(tls.cert);
    const key = pem(tls.key);
    if (ca !== undefined) config['ssl.ca.pem'] = ca;
    if (cert !== undefined) config['ssl.certificate.pem'] = cert;
    if (key !== undefined) config['ssl.key.pem'] = key;
    if (typeof tls.passphrase === 'string') config['ssl.key.password'] = tls.passphrase;
    if (tls.rejectUnauthorized === false) {
      config['enable.ssl.certificate.verification'] = false;
      config['ssl.endpoint.identification.algorithm'] = 'none';
    }
    if (tls.pfx !== undefined) {
      throw new Error(
        `${SCHEME_LABEL} transport: sslContext.pfx is not supported by librdkafka here; give cert and key (PEM)`,
      );
    }
  }
  return config;
}

/** librdkafka's syslog severities -> the transport's log levels. */
function level(severity: number): 'debug' | 'info' | 'warn' | 'error' {
  if (severity <= 3) return 'error';
  if (severity === 4) return 'warn';
  if (severity <= 6) return 'info';
  return 'debug';
}

/** Routes a client's log and error events to the transport's logger. */
export function routeLogs(client: RdClient, options: TransportOptions, what: string): void {
  const log = options.log;
  if (!log) return;
  client.on('event.log', (entry) =>
    log(level(entry.severity), `${what}: ${entry.message}`, { fac: entry.fac }),
  );
  client.on('event.error', (error: RdError) =>
    log(error.isFatal ? 'error' : 'debug', `${what}: ${error.message}`, { code: error.code }),
  );
}

/** A callback-style librdkafka call as a promise. */
export function call<T = void>(
  start: (done: (error: RdError | null | undefined, value?: unknown) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    start((error, value) => (error ? reject(error) : resolve(value as T)));
  });
}

/** "Kafka broker kafka://h:9092 is not reachable: ... (consumer connect)" and the like. */
export function connectError(options: TransportOptions, what: string, error: unknown): Error {
  const where = options.urls.join(', ');
  const reason = error instanceof Error ? error.message : String(error);
  const code = (error as Partial<RdError> | undefined)?.code;
  // -185 is librdkafka's ERR__TIMED_OUT, -195 ERR__TRANSPORT, -187 ERR__ALL_BROKERS_DOWN.
  if (code === -185 || code === -195 || code === -187) {
    return new Error(`Kafka broker ${where} is not reachable: ${reason} (${what})`, { cause: error });
  }
  return new Error(`Kafka ${what} at ${where} failed: ${reason}`, { cause: error });
}

/** Wraps a failed operation's error with what was being done. */
export function operationError(what: string, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`${what}: ${reason}`, { cause: error });
}
