/** TransportAdmin on @confluentinc/kafka-javascript's promise (KafkaJS-compatible) admin client. */
import { topicConfigEntries } from '../kafka/admin.js';
import type {
  CommitOffset,
  PartitionOffsets,
  TopicSpec,
  TransportAdmin,
  TransportOptions,
} from '../types.js';
import { SCHEME_LABEL, clientConfig, connectError, operationError } from './config.js';
import { GroupOffsetsReader } from './group-offsets.js';
import { type KjsAdmin, loadKafkaJavascript } from './native.js';

/** Topics the broker keeps for itself; listTopics() leaves them out. */
const INTERNAL_TOPICS = new Set([
  '__consumer_offsets',
  '__transaction_state',
  '__cluster_metadata',
  '__share_group_state',
]);

/** librdkafka's ERR__TIMED_OUT and ERR__TRANSPORT at connect: the broker did not answer. */
const UNREACHABLE = new Set([-185, -195, -187]);

export class RdTransportAdmin implements TransportAdmin {
  private readonly admin: KjsAdmin;
  private connected: Promise<void> | undefined;
  private closed = false;
  private readonly label = `${SCHEME_LABEL} admin`;
  private readonly groupOffsets: GroupOffsetsReader;

  constructor(
    private readonly transport: TransportOptions,
    private readonly requestTimeoutMs: number,
  ) {
    const { KafkaJS } = loadKafkaJavascript();
    const config = clientConfig(transport, `${transport.clientId}-admin`);
    this.groupOffsets = new GroupOffsetsReader(transport, requestTimeoutMs);
    this.admin = new KafkaJS.Kafka({ ...config, kafkaJS: { logLevel: KafkaJS.logLevel.NOTHING } }).admin();
  }

  /** Connects on first use; a failed connect is retried by the next call. */
  private async ready(): Promise<KjsAdmin> {
    if (this.closed) throw new Error(`${this.label}: used after close()`);
    this.connected ??= this.admin.connect().catch(async (error: unknown) => {
      this.connected = undefined;
      await this.admin.disconnect().catch(() => {});
      throw connectError(this.transport, 'admin connect', error);
    });
    await this.connected;
    return this.admin;
  }

  private async run<T>(what: string, operation: (admin: KjsAdmin) => Promise<T>): Promise<T> {
    const admin = await this.ready();
    try {
      return await operation(admin);
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (code !== undefined && UNREACHABLE.has(code))
        throw connectError(this.transport, `admin ${what}`, error);
      throw operationError(`${this.label} ${what}`, error);
    }
  }

  async createTopics(specs: TopicSpec[]): Promise<void> {
    if (specs.length === 0) return;
    const names = specs.map((spec) => spec.name).join(', ');
    await this.run(`createTopics(${names})`, async (admin) => {
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((spec) => !existing.has(spec.name));
      if (missing.length === 0) return;
      await admin.createTopics({
        topics: missing.map((spec) => ({
          topic: spec.name,
          numPartitions: spec.partitions,
          replicationFactor: spec.replicationFactor,
          configEntries: topicConfigEntries(spec),
        })),
        timeout: this.requestTimeoutMs,
      });
      await this.waitForLeaders(
        admin,
        missing.map((spec) => spec.name),
      );
    });
  }

  /** Polls metadata until every partition of the topics has a leader, up to the request timeout. */
  private async waitForLeaders(admin: KjsAdmin, topics: string[]): Promise<void> {
    const deadline = Date.now() + this.requestTimeoutMs;
    for (;;) {
      const ready = await admin.fetchTopicMetadata({ topics }).then(
        (metadata) =>
          metadata.length === topics.length &&
          metadata.every(
            (topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0),
          ),
        () => false,
      );
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for leaders of ${topics.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async deleteTopics(names: string[]): Promise<void> {
    if (names.length === 0) return;
    await this.run(`deleteTopics(${names.join(', ')})`, async (admin) => {
      const existing = new Set(await admin.listTopics());
      const present = names.filter((name) => existing.has(name));
      if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: this.requestTimeoutMs });
    });
  }

  async listTopics(): Promise<string[]> {
    return this.run('listTopics', async (admin) =>
      (await admin.listTopics()).filter((name) => !INTERNAL_TOPICS.has(name)).sort(),
    );
  }

  async partitionCount(topic: string): Promise<number | undefined> {
    return this.run(`partitionCount(${topic})`, async (admin) => {
      if (!(await admin.listTopics()).includes(topic)) return undefined;
      const topics = await admin.fetchTopicMetadata({ topics: [topic] });
      return topics.find((t) => t.name === topic)?.partitions.length;
    });
  }

  async topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    return this.run(`topicOffsets(${topic})`, async (admin) => {
      // Just after a topic is created a partition's leader may answer -1 (offset not available yet).
      const deadline = Date.now() + this.requestTimeoutMs;
      for (;;) {
        const offsets = (await admin.fetchTopicOffsets(topic))
          .map(({ partition, low, high }) => ({ partition, low: Number(low), high: Number(high) }))
          .sort((a, b) => a.partition - b.partition);
        if (offsets.every(({ low, high }) => low >= 0 && high >= 0) || Date.now() > deadline) return offsets;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
  }

  async committedOffsets(groupId: string, topic: string): Promise<CommitOffset[]> {
    return this.run(`committedOffsets(${groupId}, ${topic})`, async (admin) => {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      const partitions = (metadata.find((t) => t.name === topic)?.partitions ?? []).map((p) => p.partitionId);
      // Not admin.fetchOffsets(): see group-offsets.ts.
      const committed = await this.groupOffsets.committed(groupId, topic, partitions);
      return [...committed]
        .map(([partition, offset]) => ({ topic, partition, offset }))
        .sort((a, b) => a.partition - b.partition);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.groupOffsets.close();
    const connected = this.connected;
    if (!connected) return;
    await connected.catch(() => {});
    await this.admin.disconnect().catch(() => {});
  }
}
