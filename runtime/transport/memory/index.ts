/**
 * The `memory://` transport: an in-process broker with topics, partitions, offsets, consumer
 * groups, rebalances and commits, so apps and tests run without Kafka. Every Transport made for
 * the same URL in one process shares one broker (`memory://` and `memory://<name>` differ), so
 * several App instances can be workers of one group. See broker.ts for what is not modelled
 * (retention, compaction, replication); a transaction appears whole at its commit. A broker holds no timers or sockets, so
 * it does not keep the process alive by itself.
 */
import type {
  ConsumerOptions,
  ProducerOptions,
  TransactionalProducerOptions,
  Transport,
  TransportOptions,
} from '../types.js';
import { MemoryAdmin } from './admin.js';
import type { MemoryBroker } from './broker.js';
import { MemoryConsumer } from './consumer.js';
import { MemoryProducer } from './producer.js';
import { MemoryTransactionalProducer } from './transactional-producer.js';
import { DEFAULT_MEMORY_URL, getMemoryBroker, normalizeMemoryUrl } from './registry.js';

export { MemoryAdmin } from './admin.js';
export { MemoryBroker } from './broker.js';
export { MemoryConsumer } from './consumer.js';
export { MemoryProducer } from './producer.js';
export { MemoryTransactionalProducer } from './transactional-producer.js';
export {
  DEFAULT_MEMORY_URL,
  destroyAllMemoryBrokers,
  destroyMemoryBroker,
  getMemoryBroker,
  hasMemoryBroker,
  normalizeMemoryUrl,
} from './registry.js';

export class MemoryTransport implements Transport {
  readonly scheme = 'memory';
  /** The normalized broker URL, e.g. `memory://` or `memory://orders`. */
  readonly url: string;

  constructor(private readonly options: TransportOptions) {
    const urls = new Set(
      (options.urls.length > 0 ? options.urls : [DEFAULT_MEMORY_URL]).map(normalizeMemoryUrl),
    );
    if (urls.size > 1) {
      throw new Error(`memory transport: one broker URL expected, got ${[...urls].join(', ')}`);
    }
    this.url = [...urls][0]!;
  }

  createConsumer(options: ConsumerOptions): MemoryConsumer {
    return new MemoryConsumer(this.broker(), options, this.options.log);
  }

  createProducer(options: ProducerOptions): MemoryProducer {
    return new MemoryProducer(this.broker(), options);
  }

  createTransactionalProducer(options: TransactionalProducerOptions): MemoryTransactionalProducer {
    return new MemoryTransactionalProducer(this.broker(), options);
  }

  createAdmin(): MemoryAdmin {
    return new MemoryAdmin(this.broker());
  }

  /** The broker behind this URL now (a destroyed one is replaced by a fresh one). */
  broker(): MemoryBroker {
    return getMemoryBroker(this.url, this.options.log);
  }
}

/** The TransportFactory for `memory://` URLs. */
export function memoryTransport(options: TransportOptions): MemoryTransport {
  return new MemoryTransport(options);
}
