import { randomBytes } from 'node:crypto';
import { App, type SettingsInput } from '../../runtime/index.js';

/** An app on its own fresh in-process broker, with fast commits and quiet logs. */
export function memoryApp(id = 'test', settings: SettingsInput = {}): App {
  const suffix = randomBytes(4).toString('hex');
  return new App(`${id}-${suffix}`, {
    broker: `memory://${id}-${suffix}`,
    topicPartitions: 4,
    brokerCommitInterval: 0.05,
    logLevel: 'error',
    // Many apps share one test process: no web server unless a test asks for one.
    webEnabled: false,
    ...settings,
  });
}

/** Polls until `condition` holds; fails naming `what` after `timeoutMs`. */
export async function eventually(
  what: string,
  condition: () => boolean,
  timeoutMs = 10_000,
  detail: () => string = () => '',
): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what} ${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
