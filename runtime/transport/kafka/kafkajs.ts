/**
 * kafkajs, loaded with two fixes: one installed before it loads, one patched in after.
 *
 * kafkajs 2.2.4 groups a produce request's messages by partition in a reduce that copies the
 * partition's list for every message (`[...current, message]`): quadratic in the messages per
 * partition. For a 1 MB request of 100-byte records that copying dominated the producer's CPU
 * time in the passthrough benchmark. kafkajs is no longer released, so the linear grouping below
 * is placed in Node's module cache before kafkajs loads its producer. If kafkajs was already
 * loaded by someone else, it keeps its own version (correct, only slower): `groupingPatched` says
 * which one is in use.
 */
import Module, { createRequire } from 'node:module';
import {
  decideOutOfRange,
  type OutOfRangeFacts,
  type OutOfRangePolicy,
  outOfRangeListener,
} from './offset-out-of-range.js';

type KafkaJs = typeof import('kafkajs');

const require = createRequire(import.meta.url);

interface PartitionerArgs {
  topic: string;
  partitionMetadata: unknown[];
  message: unknown;
}

/** Same contract as kafkajs's src/producer/groupMessagesPerPartition.js, in linear time. */
function groupMessagesPerPartition({
  topic,
  partitionMetadata,
  messages,
  partitioner,
}: {
  topic: string;
  partitionMetadata: unknown[];
  messages: unknown[];
  partitioner: (args: PartitionerArgs) => number;
}): Record<number, unknown[]> {
  const grouped: Record<number, unknown[]> = {};
  if (partitionMetadata.length === 0) return grouped;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    const list = grouped[partition];
    if (list) list.push(message);
    else grouped[partition] = [message];
  }
  return grouped;
}

function installGrouping(): boolean {
  const path = require.resolve('kafkajs/src/producer/groupMessagesPerPartition.js');
  const kafkajsEntry = require.resolve('kafkajs');
  if (require.cache[kafkajsEntry] || require.cache[path]) return false;
  const module = new Module(path);
  module.filename = path;
  module.loaded = true;
  module.exports = groupMessagesPerPartition;
  require.cache[path] = module;
  return true;
}

export const groupingPatched = installGrouping();

/**
 * kafkajs has no onPartitionsRevoked: when the group rebalances, a member rejoins at once and its
 * next assignment restarts every partition at its committed offset, so work done since the last
 * commit would be done again (by whoever owns the partition now, this member included). The Java
 * client lets the member commit first, in onPartitionsRevoked, while the group still accepts
 * commits of the generation being left. This wraps kafkajs's ConsumerGroup.joinAndSync so a hook
 * registered for the member (group id + member id) runs, and is awaited, before every rejoin.
 * The first join (no member id yet) and joins after kafkajs forgot the member run no hook.
 */
type RevokeHook = () => Promise<void>;
const revokeHooks = new Map<string, RevokeHook>();
const memberKey = (groupId: string, memberId: string): string => `${groupId}\u0000${memberId}`;

/** Registers (or, with undefined, removes) the hook run before `memberId` of `groupId` rejoins. */
export function setRevokeHook(groupId: string, memberId: string, hook: RevokeHook | undefined): void {
  const key = memberKey(groupId, memberId);
  if (hook) revokeHooks.set(key, hook);
  else revokeHooks.delete(key);
}

const wrapped = Symbol.for('faustgen.kafkajs.revokeHooks');

interface ConsumerGroupInternals {
  groupId: string;
  memberId: string | null;
  joinAndSync(): Promise<void>;
}

function installRevokeHooks(): void {
  const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup.js') as {
    prototype: ConsumerGroupInternals & { [wrapped]?: true };
  };
  const proto = ConsumerGroup.prototype;
  if (proto[wrapped]) return;
  const joinAndSync = proto.joinAndSync;
  proto.joinAndSync = async function (this: ConsumerGroupInternals): Promise<void> {
    const hook = this.memberId ? revokeHooks.get(memberKey(this.groupId, this.memberId)) : undefined;
    if (hook) await hook();
    return joinAndSync.call(this);
  };
  proto[wrapped] = true;
}
installRevokeHooks();

const kafkajs = require('kafkajs') as KafkaJs;

/** The parts of kafkajs's ConsumerGroup (src/consumer/consumerGroup.js) the recovery below uses. */
interface KafkaJsConsumerGroup {
  groupId: string;
  memberId: string;
  topicConfigurations: Record<string, { fromBeginning?: boolean } | undefined>;
  preferredReadReplicasPerTopicPartition: Record<string, Record<number, unknown> | undefined>;
  logger: { info(message: string, extra?: object): void; error(message: string, extra?: object): void };
  cluster: {
    fetchTopicsOffset(
      topics: { topic: string; partitions: { partition: number }[]; fromBeginning: boolean }[],
    ): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
  };
  offsetManager: {
    nextOffset(topic: string, partition: number): { toString(): string };
    committedOffsets(): Record<string, Record<number, string | undefined> | undefined>;
    resolveOffset(tpo: { topic: string; partition: number; offset: string }): void;
  };
  pause(topicPartitions: { topic: string; partitions: number[] }[]): void;
}

/**
 * Replaces ConsumerGroup.recoverFromOffsetOutOfRange (see offset-out-of-range.ts): never commits a
 * symbolic offset; resets the fetch position per the consumer's policy, or stops the partition.
 */
async function recoverFromOffsetOutOfRange(
  this: KafkaJsConsumerGroup,
  error: { topic: string; partition: number },
): Promise<void> {
  const { topic, partition } = error;
  const replicas = this.preferredReadReplicasPerTopicPartition[topic];
  if (replicas && typeof replicas[partition] === 'number') {
    this.logger.info('Offset out of range while fetching from follower, retrying with leader', {
      topic,
      partition,
      groupId: this.groupId,
    });
    delete replicas[partition];
    return;
  }
  const listener = outOfRangeListener(this.groupId, this.memberId);
  const policy: OutOfRangePolicy =
    listener?.policy ?? (this.topicConfigurations[topic]?.fromBeginning ? 'earliest' : 'latest');
  const watermark = async (fromBeginning: boolean): Promise<number> => {
    const [answer] = await this.cluster.fetchTopicsOffset([
      { topic, partitions: [{ partition }], fromBeginning },
    ]);
    return Number(answer?.partitions.find((p) => p.partition === partition)?.offset);
  };
  const committed = this.offsetManager.committedOffsets()[topic]?.[partition];
  const facts: OutOfRangeFacts = {
    topic,
    partition,
    fetchOffset: Number(this.offsetManager.nextOffset(topic, partition).toString()),
    committedOffset: committed === undefined ? undefined : Number(committed),
    low: await watermark(true),
    high: await watermark(false),
  };
  const decision = decideOutOfRange(facts, policy);
  this.logger.error(`Offset out of range: ${decision.message}`, { ...facts, groupId: this.groupId, policy });
  if (decision.action === 'reset') {
    this.offsetManager.resolveOffset({ topic, partition, offset: String(decision.offset - 1) });
  } else if (decision.action === 'stop') {
    this.pause([{ topic, partitions: [partition] }]);
  }
  listener?.decided(facts, decision);
}

function installOutOfRangeRecovery(): boolean {
  const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup.js') as {
    prototype: { recoverFromOffsetOutOfRange?: unknown };
  };
  if (typeof ConsumerGroup.prototype.recoverFromOffsetOutOfRange !== 'function') return false;
  ConsumerGroup.prototype.recoverFromOffsetOutOfRange = recoverFromOffsetOutOfRange;
  return true;
}

/** Whether kafkajs's out-of-range recovery was replaced (false: a kafkajs without that method). */
export const outOfRangeRecoveryPatched = installOutOfRangeRecovery();

export default kafkajs;
