/** TransportAdmin on the kafkajs admin client. */
import type { Admin as KafkaAdmin, ITopicConfig } from 'kafkajs';
import type {
  CommitOffset,
  PartitionOffsets,
  TopicSpec,
  TransportAdmin,
  TransportOptions,
} from '../types.js';
import { createKafkaClient, OPERATION_RETRY } from './client.js';
import { connectError, operationError } from './errors.js';

/** kafkajs's ConfigResourceTypes.BROKER. */
const BROKER_RESOURCE = 4;

/** Topics the broker keeps for itself; listTopics() leaves them out. */
const INTERNAL_TOPICS = new Set([
  '__consumer_offsets',
  '__transaction_state',
  '__cluster_metadata',
  '__share_group_state',
]);

/** cleanup.policy, retention.ms and the extra config of a topic spec, as kafkajs config entries. */
export function topicConfigEntries(spec: TopicSpec): { name: string; value: string }[] {
  const config: Record<string, string> = {};
  const policies = [spec.compacting ? 'compact' : undefined, spec.deleting ? 'delete' : undefined].filter(
    (policy): policy is string => policy !== undefined,
  );
  if (policies.length > 0) config['cleanup.policy'] = policies.join(',');
  if (spec.retentionMs !== undefined) config['retention.ms'] = String(spec.retentionMs);
  Object.assign(config, spec.config);
  return Object.entries(config).map(([name, value]) => ({ name, value: String(value) }));
}

export class KafkaTransportAdmin implements TransportAdmin {
  private readonly admin: KafkaAdmin;
  private connected: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly transport: TransportOptions,
    private readonly requestTimeoutMs: number,
  ) {
    this.admin = createKafkaClient(transport, {
      clientId: `${transport.clientId}-admin`,
      requestTimeoutMs,
    }).admin({
      retry: OPERATION_RETRY,
    });
  }

  /** Connects on first use; a failed connect is retried by the next call. */
  private async ready(): Promise<KafkaAdmin> {
    if (this.closed) throw new Error('kafka:// admin: used after close()');
    this.connected ??= this.admin.connect().catch(async (error: unknown) => {
      this.connected = undefined;
      await this.admin.disconnect().catch(() => {});
      throw connectError(this.transport, 'admin connect', error);
    });
    await this.connected;
    return this.admin;
  }

  private async run<T>(what: string, operation: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
    const admin = await this.ready();
    try {
      return await operation(admin);
    } catch (error) {
      throw operationError(`kafka:// admin ${what}`, error, this.transport);
    }
  }

  /** The setting as the first broker of the cluster has it. */
  async brokerConfig(name: string): Promise<string | undefined> {
    return this.run(`brokerConfig(${name})`, async (admin) => {
      const broker = (await admin.describeCluster()).brokers[0];
      if (!broker) return undefined;
      const answer = await admin.describeConfigs({
        resources: [{ type: BROKER_RESOURCE, name: String(broker.nodeId), configNames: [name] }],
        includeSynonyms: false,
      });
      return answer.resources[0]?.configEntries.find((entry) => entry.configName === name)?.configValue;
    });
  }

  async createTopics(specs: TopicSpec[]): Promise<void> {
    if (specs.length === 0) return;
    const names = specs.map((spec) => spec.name).join(', ');
    await this.run(`createTopics(${names})`, async (admin) => {
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((spec) => !existing.has(spec.name));
      if (missing.length === 0) return;
      const topics: ITopicConfig[] = missing.map((spec) => ({
        topic: spec.name,
        numPartitions: spec.partitions,
        replicationFactor: spec.replicationFactor,
        configEntries: topicConfigEntries(spec),
      }));
      const created = await admin.createTopics({
        topics,
        validateOnly: false,
        waitForLeaders: true,
        timeout: this.requestTimeoutMs,
      });
      // false: someone created some of them meanwhile, and kafkajs then skips waiting for leaders.
      if (!created)
        await this.waitForLeaders(
          admin,
          missing.map((spec) => spec.name),
        );
    });
  }

  /** Polls metadata until every partition of the topics has a leader, up to the request timeout. */
  private async waitForLeaders(admin: KafkaAdmin, topics: string[]): Promise<void> {
    const deadline = Date.now() + this.requestTimeoutMs;
    for (;;) {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const ready = metadata.every(
        (topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0),
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
    // All topics' metadata: asking for one unknown topic by name is an error kafkajs retries.
    return this.run(`partitionCount(${topic})`, async (admin) => {
      const { topics } = await admin.fetchTopicMetadata();
      return topics.find((t) => t.name === topic)?.partitions.length;
    });
  }

  async topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    return this.run(`topicOffsets(${topic})`, async (admin) =>
      (await admin.fetchTopicOffsets(topic))
        .map(({ partition, low, high }) => ({ partition, low: Number(low), high: Number(high) }))
        .sort((a, b) => a.partition - b.partition),
    );
  }

  async committedOffsets(groupId: string, topic: string): Promise<CommitOffset[]> {
    return this.run(`committedOffsets(${groupId}, ${topic})`, async (admin) => {
      const answer = await admin.fetchOffsets({ groupId, topics: [topic] });
      const partitions = answer.find((entry) => entry.topic === topic)?.partitions ?? [];
      return partitions
        .map(({ partition, offset }) => ({ topic, partition, offset: Number(offset) }))
        .sort((a, b) => a.partition - b.partition);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.connected?.catch(() => {});
    await this.admin.disconnect();
  }
}
