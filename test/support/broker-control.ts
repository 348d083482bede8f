/**
 * Stopping and starting the test broker, for fault tests: the broker at FAUSTGEN_BROKER, when
 * scripts/kafka/broker.sh of this checkout started it (locally, or in CI through with-broker.sh).
 * A test that stops it starts it again before it ends, so the tests after it find it running.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brokerUrl, isKafkaUrl, kafkaBrokers } from './broker.js';

const run = promisify(execFile);
/** Compiled to dist/test/support/: the checkout is three levels up. */
const BROKER_SCRIPT = fileURLToPath(new URL('../../../scripts/kafka/broker.sh', import.meta.url));

function brokerPort(url: string): string | undefined {
  if (!isKafkaUrl(url)) return undefined;
  const brokers = kafkaBrokers(url);
  if (brokers.length !== 1) return undefined;
  const [host, port] = brokers[0]!.split(':');
  return host === '127.0.0.1' || host === 'localhost' ? port : undefined;
}

async function brokerScript(command: 'start' | 'stop' | 'status', port: string): Promise<string> {
  const { stdout, stderr } = await run('bash', [BROKER_SCRIPT, command], {
    env: { ...process.env, KAFKA_PORT: port },
    timeout: 180_000,
  });
  return `${stdout}${stderr}`;
}

/**
 * Why the test broker cannot be stopped and started here (undefined when it can): a skip reason
 * for fault tests.
 */
export async function brokerControlUnavailable(url: string = brokerUrl()): Promise<string | undefined> {
  const port = brokerPort(url);
  if (port === undefined) return `${url} is not one local kafka:// broker`;
  try {
    await brokerScript('status', port);
    return undefined;
  } catch {
    return `no broker started by scripts/kafka/broker.sh runs on port ${port}`;
  }
}

export interface BrokerOutage {
  /** When the broker stopped answering (Date.now()). */
  stoppedAt: number;
  /** When it answered again. */
  readyAt: number;
}

/** Stops the test broker, waits `downMs`, starts it again (broker.sh start returns once it serves). */
export async function stopBrokerFor(downMs: number, url: string = brokerUrl()): Promise<BrokerOutage> {
  const port = brokerPort(url);
  if (port === undefined) throw new Error(`cannot stop ${url}: not one local kafka:// broker`);
  await brokerScript('stop', port);
  const stoppedAt = Date.now();
  try {
    await new Promise((resolve) => setTimeout(resolve, downMs));
  } finally {
    await brokerScript('start', port);
  }
  return { stoppedAt, readyAt: Date.now() };
}
