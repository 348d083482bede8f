import type { CommitOffset, PartitionOffsets, TopicSpec, TransportAdmin } from '../types.js';
import type { MemoryBroker } from './broker.js';

/**
 * Topic and group administration of a memory broker. createTopics and deleteTopics are both
 * idempotent (existing topics are kept as they are, missing ones are skipped); topic configs
 * (compaction, retention) are accepted and not applied.
 */
export class MemoryAdmin implements TransportAdmin {
  private closed = false;

  constructor(private readonly broker: MemoryBroker) {}

  async createTopics(specs: TopicSpec[]): Promise<void> {
    this.assertOpen('createTopics');
    this.broker.createTopics(specs);
  }

  async deleteTopics(names: string[]): Promise<void> {
    this.assertOpen('deleteTopics');
    this.broker.deleteTopics(names);
  }

  async listTopics(): Promise<string[]> {
    this.assertOpen('listTopics');
    return this.broker.topicNames();
  }

  async partitionCount(topic: string): Promise<number | undefined> {
    this.assertOpen('partitionCount');
    return this.broker.partitionCount(topic);
  }

  async topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    this.assertOpen('topicOffsets');
    return this.broker
      .requireTopic(topic, 'memory admin topicOffsets')
      .map((log) => ({ partition: log.partition, low: 0, high: log.end }));
  }

  async committedOffsets(groupId: string, topic: string): Promise<CommitOffset[]> {
    this.assertOpen('committedOffsets');
    const logs = this.broker.requireTopic(topic, `memory admin committedOffsets(group "${groupId}")`);
    const group = this.broker.findGroup(groupId);
    return logs.map((log) => ({
      topic,
      partition: log.partition,
      offset: group?.committedOffset(topic, log.partition) ?? -1,
    }));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(operation: string): void {
    const who = `memory admin ${operation}`;
    if (this.closed) throw new Error(`${who}: the admin client was closed`);
    this.broker.assertAlive(who);
  }
}
