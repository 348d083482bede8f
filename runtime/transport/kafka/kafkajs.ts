/**
 * kafkajs, loaded with one fix installed first.
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

const kafkajs = require('kafkajs') as KafkaJs;
export default kafkajs;
