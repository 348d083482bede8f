/**
 * The changelog partitions a worker reads into its stores (recoveries, standbys, global tables),
 * and the partitions whose events wait for them: while a table partition is not complete, the
 * streams' events of that partition number are held (the engine's delivery gate asks here).
 */
import type { TopicPartition } from '../core/types.js';
import { type Collection, DEFAULT_RECOVERY_BUFFER_SIZE } from './collection.js';
import type { ChangelogReader } from './reader.js';
import { PartitionReplica } from './replica.js';

type AnyTable = Collection<unknown>;
type Holder = PartitionReplica | AnyTable;

const tpKey = (table: string, partition: number): string => `${table}\u0000${partition}`;

export class Replicas {
  /** Replicas by table and partition. */
  private readonly byPartition = new Map<string, PartitionReplica>();
  /** Partition numbers held back from the streams: what they wait for, and until when. */
  private readonly held = new Map<number, Map<Holder, Promise<void>>>();

  constructor(
    private readonly reader: () => ChangelogReader | undefined,
    private readonly fail: (error: Error) => void,
  ) {}

  get(table: AnyTable, partition: number): PartitionReplica | undefined {
    return this.byPartition.get(tpKey(table.name, partition));
  }

  all(): IterableIterator<PartitionReplica> {
    return this.byPartition.values();
  }

  /** Starts reading a changelog partition into the table's store. */
  follow(table: AnyTable, partition: number, role: PartitionReplica['role'], from: number): PartitionReplica {
    const size =
      role === 'recovery'
        ? (table.options.recoveryBufferSize ?? DEFAULT_RECOVERY_BUFFER_SIZE)
        : (table.options.standbyBufferSize ??
          table.options.recoveryBufferSize ??
          DEFAULT_RECOVERY_BUFFER_SIZE);
    const replica = new PartitionReplica(table, partition, role, from, size, this.fail);
    this.byPartition.set(tpKey(table.name, partition), replica);
    this.reader()?.follow({ topic: table.changelogTopic, partition }, from, replica);
    return replica;
  }

  drop(table: AnyTable, partition: number): void {
    const key = tpKey(table.name, partition);
    const replica = this.byPartition.get(key);
    if (!replica) return;
    this.byPartition.delete(key);
    this.reader()?.unfollow({ topic: table.changelogTopic, partition });
    replica.cancel();
    this.unhold(partition, replica);
  }

  /** Holds the streams' events of `partition` until `done` (a recovery of `by`, or the stop). */
  hold(partition: number, by: Holder, done: Promise<void>): void {
    let holds = this.held.get(partition);
    if (!holds) {
      holds = new Map();
      this.held.set(partition, holds);
    }
    holds.set(by, done);
    void done.then(() => this.unhold(partition, by));
  }

  /**
   * What a fetched batch of `tp` must wait for: the holds of its partition number on tables with
   * as many partitions as its topic (`topicPartitions`, undefined when not known: all of them).
   */
  holdsFor(tp: TopicPartition, topicPartitions: number | undefined): Promise<void> | undefined {
    if (this.held.size === 0) return undefined;
    const holds = this.held.get(tp.partition);
    if (!holds) return undefined;
    const waits: Promise<void>[] = [];
    for (const [by, done] of holds) {
      const table = by instanceof PartitionReplica ? by.table : by;
      if (topicPartitions === undefined || topicPartitions === table.partitions) waits.push(done);
    }
    if (waits.length === 0) return undefined;
    return waits.length === 1 ? waits[0] : Promise.all(waits).then(() => undefined);
  }

  /** The worker stops: recoveries are cancelled and nothing is held any more. */
  cancelRecoveries(): void {
    for (const replica of this.byPartition.values()) if (replica.role === 'recovery') replica.cancel();
    this.held.clear();
  }

  /** Waits for every replica's last store writes, then forgets them all. */
  async drainAll(): Promise<void> {
    for (const replica of this.byPartition.values()) await replica.drained().catch(() => undefined);
    this.byPartition.clear();
  }

  private unhold(partition: number, by: Holder): void {
    const holds = this.held.get(partition);
    if (!holds?.delete(by)) return;
    if (holds.size === 0) this.held.delete(partition);
  }
}
