import type { TransportLog } from './group-coordinator.js';
import { MemoryBroker } from './broker.js';

export const DEFAULT_MEMORY_URL = 'memory://';

const REGISTRY_KEY = Symbol.for('faustgen.transport.memory.brokers');

/**
 * The brokers of this process by URL. Kept on globalThis so that two copies of this module
 * (e.g. loaded from src and from dist) still share one broker per URL.
 */
function registry(): Map<string, MemoryBroker> {
  const holder = globalThis as typeof globalThis & { [REGISTRY_KEY]?: Map<string, MemoryBroker> };
  holder[REGISTRY_KEY] ??= new Map();
  return holder[REGISTRY_KEY];
}

/**
 * `memory://` and `memory://<name>` (a trailing slash is dropped; the scheme is case-insensitive,
 * the name is not). Each distinct result is a distinct broker.
 */
export function normalizeMemoryUrl(url: string): string {
  const match = /^memory:\/\/([^/?#]*)\/?$/i.exec(url);
  if (!match)
    throw new Error(
      `not a memory broker URL: ${JSON.stringify(url)} (expected memory:// or memory://<name>)`,
    );
  return `memory://${match[1]}`;
}

/** The broker for `url`, created empty on first use. */
export function getMemoryBroker(url: string = DEFAULT_MEMORY_URL, log?: TransportLog): MemoryBroker {
  const key = normalizeMemoryUrl(url);
  const brokers = registry();
  let broker = brokers.get(key);
  if (!broker) {
    broker = new MemoryBroker(key, log);
    brokers.set(key, broker);
  }
  return broker;
}

/** Whether a broker exists for `url` (without creating one). */
export function hasMemoryBroker(url: string = DEFAULT_MEMORY_URL): boolean {
  return registry().has(normalizeMemoryUrl(url));
}

/**
 * Stops the broker's consumers and forgets all its topics, groups and offsets; the next use of
 * the URL gets a fresh, empty broker. Clients of the old one reject with "was destroyed".
 */
export async function destroyMemoryBroker(url: string = DEFAULT_MEMORY_URL): Promise<void> {
  const key = normalizeMemoryUrl(url);
  const brokers = registry();
  const broker = brokers.get(key);
  if (!broker) return;
  brokers.delete(key);
  await broker.destroy();
}

export async function destroyAllMemoryBrokers(): Promise<void> {
  const brokers = registry();
  const all = [...brokers.values()];
  brokers.clear();
  await Promise.all(all.map((broker) => broker.destroy()));
}
