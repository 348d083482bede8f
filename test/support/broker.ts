/**
 * The broker the tests run against: FAUSTGEN_BROKER (default kafka://127.0.0.1:9092), kafkajs clients
 * for it, and a bounded reachability check so a dead broker fails a test run fast and clearly.
 */
import { type Admin, Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { uniqueName } from './names.js';

export const DEFAULT_BROKER_URL = 'kafka://127.0.0.1:9092';

/** The broker URL from FAUSTGEN_BROKER, or the default. */
export function brokerUrl(): string {
  const fromEnv = process.env.FAUSTGEN_BROKER?.trim();
  return fromEnv ? fromEnv : DEFAULT_BROKER_URL;
}

/** Whether a URL names a real Kafka broker (kafka://) rather than, e.g., memory://. */
export function isKafkaUrl(url: string): boolean {
  return url.startsWith('kafka://');
}

/** `kafka://h1:p1,h2:p2` -> ['h1:p1', 'h2:p2'] (the bootstrap list kafkajs wants). */
export function kafkaBrokers(url: string): string[] {
  if (!isKafkaUrl(url)) {
    throw new Error(`broker URL ${url}: expected kafka://host:port[,host:port...]`);
  }
  const brokers = url
    .slice('kafka://'.length)
    .split(',')
    .map((address) =>
      address
        .trim()
        .replace(/^kafka:\/\//, '')
        .replace(/\/.*$/, ''),
    )
    .filter((address) => address.length > 0);
  for (const address of brokers) {
    if (!/^[^:\s]+:\d+$/.test(address)) {
      throw new Error(`broker URL ${url}: '${address}' is not host:port`);
    }
  }
  if (brokers.length === 0) throw new Error(`broker URL ${url}: no host:port given`);
  return brokers;
}

export interface KafkaClientOptions extends Partial<Omit<KafkaConfig, 'brokers'>> {
  /** Broker URL; brokerUrl() when absent. */
  url?: string;
}

const LOG_LEVELS: Record<string, logLevel> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

/**
 * kafkajs's own log level in tests: silent by default, since it logs routine protocol answers
 * (e.g. "The group is rebalancing") as errors; FAUSTGEN_TEST_KAFKA_LOG=error|warn|info|debug for more.
 */
function testLogLevel(): logLevel {
  const name = process.env.FAUSTGEN_TEST_KAFKA_LOG?.trim().toLowerCase();
  return (name ? LOG_LEVELS[name] : undefined) ?? logLevel.NOTHING;
}

/** A kafkajs client for the test broker. */
export function createKafka(options: KafkaClientOptions = {}): Kafka {
  const { url = brokerUrl(), ...config } = options;
  return new Kafka({
    clientId: uniqueName('faustgen-test'),
    logLevel: testLogLevel(),
    ...config,
    brokers: kafkaBrokers(url),
  });
}

export interface ConnectOptions {
  /** Upper bound for connecting and describing the cluster (default 5000 ms). */
  timeoutMs?: number;
}

/**
 * A connected kafkajs admin client, after describeCluster() succeeded within the timeout.
 * Throws `Kafka broker at <url> is not reachable: <reason>` otherwise.
 */
export async function connectAdmin(url: string = brokerUrl(), options: ConnectOptions = {}): Promise<Admin> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const admin = createKafka({
    url,
    connectionTimeout: Math.min(1000, timeoutMs),
    requestTimeout: timeoutMs,
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
    logLevel: logLevel.NOTHING,
  }).admin();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([
      (async () => {
        await admin.connect();
        await admin.describeCluster();
      })(),
      deadline,
    ]);
    return withTopicsReady(admin);
  } catch (error) {
    await admin.disconnect().catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Kafka broker at ${url} is not reachable: ${reason}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * kafkajs's createTopics({waitForLeaders}) asks the controller for the new topics' metadata at
 * once and gives up on UNKNOWN_TOPIC_OR_PARTITION, which a loaded broker answers until its
 * metadata caught up with the creation (a setup race seen in CI). This admin's createTopics
 * creates without that wait, then polls the metadata until every partition has a leader.
 */
function withTopicsReady(admin: Admin): Admin {
  const create = admin.createTopics.bind(admin);
  admin.createTopics = async (options) => {
    const created = await create({ ...options, waitForLeaders: false });
    if (options.waitForLeaders === false || options.validateOnly) return created;
    const topics = options.topics.map(({ topic }) => topic);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ready = await admin.fetchTopicMetadata({ topics }).then(
        (metadata) =>
          metadata.topics.length === topics.length &&
          metadata.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)),
        () => false,
      );
      if (ready) return created;
      if (Date.now() > deadline) throw new Error(`no leaders for ${topics.join(', ')} within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return admin;
}

let reachability: Promise<void> | undefined;

/**
 * Checks once per process that the test broker answers (bounded by timeoutMs); later calls reuse
 * the first result. Call it in `before()` of every test file that talks to Kafka.
 */
export function requireBroker(options: ConnectOptions = {}): Promise<void> {
  reachability ??= connectAdmin(brokerUrl(), options).then((admin) => admin.disconnect());
  return reachability;
}
