/**
 * Broker URLs -> the bootstrap list kafkajs wants.
 *
 * Accepts what the `broker` setting may hold: several URLs (`kafka://h1:9092`, `kafka://h2:9092`),
 * one URL listing several hosts (`kafka://h1:9092,h2:9092`, or Faust's `;` separator), and bare
 * `host:port` entries after the first URL. A missing port means Kafka's default, 9092.
 */

export const KAFKA_SCHEME = 'kafka';
const DEFAULT_PORT = 9092;

/** `['kafka://h1:9092,h2', 'kafka://h3:9093']` -> `['h1:9092', 'h2:9092', 'h3:9093']`. */
export function kafkaBrokerAddresses(urls: readonly string[]): string[] {
  const addresses: string[] = [];
  for (const url of urls) {
    for (const part of url.split(/[,;]/)) {
      const entry = part.trim();
      if (entry === '') continue;
      addresses.push(brokerAddress(entry, url));
    }
  }
  if (addresses.length === 0) {
    throw new Error(`kafka:// transport: no broker address in ${JSON.stringify(urls)}`);
  }
  return addresses;
}

function brokerAddress(entry: string, url: string): string {
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(entry);
  if (schemeMatch && schemeMatch[1]!.toLowerCase() !== KAFKA_SCHEME) {
    throw new Error(
      `kafka:// transport: broker URL ${url} has scheme ${schemeMatch[1]}://, expected kafka://`,
    );
  }
  const hostPort = (schemeMatch ? entry.slice(schemeMatch[0].length) : entry).replace(/\/.*$/, '');
  const match = /^(\[[^\]]+\]|[^:\s/]+)(?::(\d+))?$/.exec(hostPort);
  if (!match) {
    throw new Error(`kafka:// transport: '${entry}' in broker URL ${url} is not host[:port]`);
  }
  const port = match[2] === undefined ? DEFAULT_PORT : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`kafka:// transport: '${entry}' in broker URL ${url} has an invalid port`);
  }
  return `${match[1]}:${port}`;
}

/** The URLs as people wrote them, for error messages: `kafka://h1:9092, kafka://h2:9092`. */
export function describeBrokerUrls(urls: readonly string[]): string {
  return urls.map((url) => url.trim()).join(', ');
}
