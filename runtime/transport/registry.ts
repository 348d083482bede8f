/**
 * Transport factories by URL scheme: `kafka://` (kafkajs) and `memory://` (in-process) are built
 * in; another client registers its scheme with registerTransport(). A scheme may have further
 * clients, chosen by name (the `brokerClient` setting): `kafka://` on `librdkafka`.
 */
import { kafkaTransport } from './kafka/index.js';
import { LIBRDKAFKA_CLIENT, librdkafkaTransport } from './librdkafka/index.js';
import { memoryTransport } from './memory/index.js';
import type { Transport, TransportFactory, TransportOptions } from './types.js';

const factories = new Map<string, TransportFactory>();
/** scheme -> client name -> factory, beside the scheme's default client. */
const clients = new Map<string, Map<string, TransportFactory>>();

const SCHEME = /^[a-z][a-z0-9+.-]*$/;
const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

function normalizeScheme(scheme: string): string {
  const normalized = scheme
    .trim()
    .toLowerCase()
    .replace(/:(\/\/)?$/, '');
  if (!SCHEME.test(normalized)) throw new Error(`transport scheme '${scheme}' is not a valid URL scheme`);
  return normalized;
}

/** Makes `factory` the transport for `scheme://` URLs (replacing any earlier one). */
export function registerTransport(scheme: string, factory: TransportFactory): void {
  factories.set(normalizeScheme(scheme), factory);
}

/** Makes `factory` the transport for `scheme://` URLs when the client `name` is asked for. */
export function registerClient(scheme: string, name: string, factory: TransportFactory): void {
  const normalized = normalizeScheme(scheme);
  const named = clients.get(normalized) ?? new Map<string, TransportFactory>();
  named.set(name, factory);
  clients.set(normalized, named);
}

/** The schemes with a registered transport, sorted. */
export function registeredSchemes(): string[] {
  return [...factories.keys()].sort();
}

/** The scheme of a URL (`kafka://h:9092` -> `kafka`), lower case; undefined when it has none. */
export function urlScheme(url: string): string | undefined {
  return URL_SCHEME.exec(url.trim())?.[1]?.toLowerCase();
}

/**
 * The transport for these broker URLs, chosen by their scheme. All URLs must share one scheme;
 * a URL after the first may omit it (`['kafka://h1:9092', 'h2:9092']`) and takes the first one's.
 * `client` names a client registered for the scheme (registerClient); the scheme's default client
 * answers when it is undefined or the scheme's own default (`kafkajs` for kafka://); schemes with
 * no named clients (memory://) ignore it.
 */
export function createTransport(
  urls: string[],
  options: Omit<TransportOptions, 'urls'>,
  client?: string,
): Transport {
  const known = () =>
    registeredSchemes()
      .map((scheme) => `${scheme}://`)
      .join(', ');
  const entries = urls.map((url) => url.trim()).filter((url) => url !== '');
  if (entries.length === 0) throw new Error(`no broker URL given (known transports: ${known()})`);
  const first = entries[0]!;
  const scheme = urlScheme(first);
  if (scheme === undefined) {
    throw new Error(
      `broker URL '${first}' has no scheme, e.g. kafka://${first} (known transports: ${known()})`,
    );
  }
  const normalized = entries.map((url) => {
    const own = urlScheme(url);
    if (own === undefined) return `${scheme}://${url}`;
    if (own !== scheme) {
      throw new Error(
        `broker URLs mix schemes ${scheme}:// and ${own}:// (${entries.join(', ')}); use one transport`,
      );
    }
    return url;
  });
  const named = clients.get(scheme);
  const chosen =
    client !== undefined && named && client !== DEFAULT_CLIENTS[scheme] ? named.get(client) : undefined;
  if (client !== undefined && named && client !== DEFAULT_CLIENTS[scheme] && !chosen) {
    const names = [DEFAULT_CLIENTS[scheme], ...named.keys()].filter(Boolean).join(', ');
    throw new Error(`no client '${client}' for ${scheme}:// (known clients: ${names})`);
  }
  const factory = chosen ?? factories.get(scheme);
  if (!factory) {
    throw new Error(`no transport for ${scheme}:// (broker URL ${first}); known transports: ${known()}`);
  }
  return factory({ ...options, urls: normalized });
}

/** The name of each built-in scheme's default client. */
const DEFAULT_CLIENTS: Record<string, string> = { kafka: 'kafkajs' };

registerTransport('kafka', kafkaTransport);
registerClient('kafka', LIBRDKAFKA_CLIENT, (options) => librdkafkaTransport(options));
registerTransport('memory', memoryTransport);
