/**
 * A group's committed offsets, read through a native consumer of that group (OffsetFetch through
 * the consumer's own group coordinator), not through the admin client's ListConsumerGroupOffsets.
 *
 * Why: librdkafka's coordinator-targeted admin requests (ListConsumerGroupOffsets,
 * DescribeConsumerGroups, ...) abort the process when a connection drops while one is sent
 * (rdkafka_queue.h rd_kafka_enq_once_del_source_return: Assertion `eonce->refcnt > 0'; librdkafka
 * issues #4605 and #3663, fix proposed in PR #5397, not in 2.15). The stall watch asks for the
 * committed offsets every few seconds, so a broker outage aborted every worker.
 *
 * The reader consumer never subscribes, so it never joins the group.
 */
import type { TransportOptions } from '../types.js';
import { SCHEME_LABEL, call, clientConfig, routeLogs } from './config.js';
import { type RdKafkaConsumer, type RdTopicPartition, loadKafkaJavascript } from './native.js';
import { connectTimeoutMs } from './producer.js';

export class GroupOffsetsReader {
  private readonly readers = new Map<string, Promise<RdKafkaConsumer>>();
  private closed = false;

  constructor(
    private readonly transport: TransportOptions,
    private readonly requestTimeoutMs: number,
  ) {}

  /** The group's committed offset of each of the topic's partitions (-1 where it has none). */
  async committed(groupId: string, topic: string, partitions: number[]): Promise<Map<number, number>> {
    if (partitions.length === 0) return new Map();
    const reader = await this.reader(groupId);
    const answer = await call<RdTopicPartition[]>((done) =>
      reader.committed(
        partitions.map((partition) => ({ topic, partition })),
        this.requestTimeoutMs,
        done,
      ),
    );
    const committed = new Map(partitions.map((partition) => [partition, -1]));
    for (const { partition, offset } of answer) {
      if (offset !== undefined && offset >= 0) committed.set(partition, offset);
    }
    return committed;
  }

  /** Connects a group's reader on first use; a failed connect is tried again by the next call. */
  private reader(groupId: string): Promise<RdKafkaConsumer> {
    if (this.closed) return Promise.reject(new Error(`${SCHEME_LABEL} admin: used after close()`));
    let reader = this.readers.get(groupId);
    if (!reader) {
      reader = this.connect(groupId);
      this.readers.set(groupId, reader);
      reader.catch(() => this.readers.delete(groupId));
    }
    return reader;
  }

  private async connect(groupId: string): Promise<RdKafkaConsumer> {
    const { KafkaConsumer } = loadKafkaJavascript();
    const consumer = new KafkaConsumer(
      {
        ...clientConfig(this.transport, `${this.transport.clientId}-offsets`),
        'group.id': groupId,
        'enable.auto.commit': false,
        'enable.auto.offset.store': false,
      },
      {},
    );
    routeLogs(consumer, this.transport, `${SCHEME_LABEL} offsets reader (group ${groupId})`);
    await call((done) => consumer.connect({ timeout: connectTimeoutMs(this.transport) }, done));
    return consumer;
  }

  async close(): Promise<void> {
    this.closed = true;
    const readers = [...this.readers.values()];
    this.readers.clear();
    for (const reader of readers) {
      const consumer = await reader.catch(() => undefined);
      if (consumer?.isConnected()) await call((done) => consumer.disconnect(done)).catch(() => {});
    }
  }
}
