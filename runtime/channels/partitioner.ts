/**
 * Key -> partition, exactly as the Java Kafka client does it, so a key produced by faustgen lands
 * on the partition a Java (or kafkajs default, librdkafka murmur2) producer would choose.
 */

/** Chooses the partition of a message from its serialized key. */
export type Partitioner = (key: Buffer | null, numPartitions: number, topic: string) => number;

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/**
 * MurmurHash2 as in org.apache.kafka.common.utils.Utils.murmur2: seed 0x9747b28c,
 * little-endian 4-byte words, signed 32-bit result (the value Java returns).
 */
export function murmur2(key: Buffer): number {
  const length = key.length;
  let h = (SEED ^ length) | 0;
  const whole = length & ~3;

  for (let i = 0; i < whole; i += 4) {
    let k = key.readInt32LE(i);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }

  // The tail falls through from the highest remaining byte down, as Java's switch does.
  const rest = length & 3;
  if (rest === 3) h ^= key[whole + 2]! << 16;
  if (rest >= 2) h ^= key[whole + 1]! << 8;
  if (rest >= 1) {
    h ^= key[whole]!;
    h = Math.imul(h, M);
  }

  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Java's Utils.toPositive: clears the sign bit (not Math.abs, which differs for negatives). */
export function toPositive(hash: number): number {
  return hash & 0x7fffffff;
}

/** The Java client's partition for a non-null key: toPositive(murmur2(key)) % numPartitions. */
export function javaPartition(key: Buffer, numPartitions: number): number {
  assertPartitionCount(numPartitions);
  return toPositive(murmur2(key)) % numPartitions;
}

function assertPartitionCount(numPartitions: number): void {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new RangeError(`partitioner: numPartitions must be a positive integer, got ${numPartitions}`);
  }
}

/**
 * The default partitioner: murmur2 for keyed messages (Java-compatible); messages without a key
 * are spread round-robin, with one counter per topic.
 */
export function createDefaultPartitioner(): Partitioner {
  const counters = new Map<string, number>();
  return (key, numPartitions, topic) => {
    if (key !== null) return javaPartition(key, numPartitions);
    assertPartitionCount(numPartitions);
    const next = counters.get(topic) ?? 0;
    counters.set(topic, (next + 1) % 0x7fffffff);
    return next % numPartitions;
  };
}

/** A process-wide default partitioner instance. */
export const defaultPartitioner: Partitioner = createDefaultPartitioner();
