import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { TopicPartition } from '../../transport/types.js';

/**
 * Which transaction an input partition's events send into.
 * - `partition` (EOS v1, as Faust and Kafka Streams before KIP-447): one transactional producer
 *   per input partition, id `<app>-<topic>-<partition>`, the same on every worker: the owner that
 *   takes a partition over fences every earlier one by id and aborts what it left open.
 * - `worker` (EOS v2, KIP-447): one transactional producer for all of a worker's partitions; a
 *   zombie is fenced by the group coordinator, which refuses offsets sent with the metadata
 *   (generation, member id) of a member that an assignment left behind.
 */
export interface TransactionLayout {
  readonly kind: 'partition' | 'worker';
  /** Partitions with the same id share one transaction. */
  transactionalId(partition: TopicPartition): string;
}

export interface LayoutChoice {
  /** The consumer group (the app id); the prefix of every transactional id. */
  groupId: string;
  /** The transport's capability (Transport.fencesByGroupMetadata). */
  fencesByGroupMetadata: boolean;
  /** consumerGroupInstanceId, when set. */
  groupInstanceId?: string | undefined;
  /** Distinguishes this process's id when there is no instance id (default: host, pid, random). */
  processId?: string;
}

/** One transaction per worker where the transport fences by group metadata, else one per partition. */
export function chooseLayout(choice: LayoutChoice): TransactionLayout {
  if (!choice.fencesByGroupMetadata) return perPartitionLayout(choice.groupId);
  return perWorkerLayout(workerTransactionalId(choice));
}

export function perPartitionLayout(groupId: string): TransactionLayout {
  return {
    kind: 'partition',
    transactionalId: ({ topic, partition }) => `${groupId}-${topic}-${partition}`,
  };
}

export function perWorkerLayout(transactionalId: string): TransactionLayout {
  return { kind: 'worker', transactionalId: () => transactionalId };
}

/**
 * A static member's id is its instance id, so a restarted worker fences and aborts at once what
 * it left open. Without one no name survives a restart that is sure to be unique among live
 * workers (two live producers with one id would fence each other in turn), so it is the
 * process's own: a crashed worker's open transaction is then aborted by the broker when it times
 * out (processingTransactionTimeout), and until then read_committed readers of the partitions it
 * wrote wait.
 */
function workerTransactionalId({ groupId, groupInstanceId, processId }: LayoutChoice): string {
  const own =
    groupInstanceId || processId || `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  return `${groupId}-worker-${own}`;
}
