import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createDefaultPartitioner,
  javaPartition,
  murmur2,
  toPositive,
} from '../../../../runtime/channels/partitioner.js';

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const hex = (bytes: string) => Buffer.from(bytes, 'hex');

describe('murmur2 (Java client compatible)', () => {
  // Apache Kafka, clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java, testMurmur2.
  const kafkaUtilsTest: Array<[Buffer, number]> = [
    [utf8('21'), -973932308],
    [utf8('foobar'), -790332482],
    [utf8('a-little-bit-long-string'), -985981536],
    [utf8('a-little-bit-longer-string'), -1486304829],
    [utf8('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'), -58897971],
    [utf8('abc'), 479470107],
  ];
  // librdkafka, src/rdmurmur2.c, unittest_murmur2 (checked there against the Java client);
  // published as unsigned 32-bit values, converted here to Java's signed int.
  const librdkafka: Array<[Buffer, number]> = [
    [utf8('kafka'), 0xd067cf64 | 0],
    [utf8('giberish123456789'), 0x8f552b0c | 0],
    [utf8('1234'), 0x9fc97b14 | 0],
    [utf8('234'), 0xe7c009ca | 0],
    [utf8('34'), 0x873930da | 0],
    [utf8('4'), 0x5a4b5ca1 | 0],
    [utf8('PreAmbleWillBeRemoved,ThePrePartThatIs'), 0x78424f1c | 0],
    [utf8(''), 0x106e08d9 | 0],
  ];
  // Non-ASCII keys, produced by running Kafka 3.9.2's own
  // org.apache.kafka.common.utils.Utils.murmur2 (kafka-clients-3.9.2.jar) on these bytes.
  const nonAscii: Array<[Buffer, number]> = [
    [utf8('é'), 186971271],
    [utf8('日本語キー'), 1445825182],
    [utf8('emoji 😀'), 15690264],
    [utf8('Grüße'), 1190824359],
    [hex('fffe807f'), 1152161877],
    [hex('8181818181'), -1672359686],
  ];

  for (const [group, vectors] of [
    ['Kafka UtilsTest', kafkaUtilsTest],
    ['librdkafka', librdkafka],
    ['non-ASCII', nonAscii],
  ] as const) {
    it(`matches the ${group} vectors`, () => {
      for (const [key, expected] of vectors) {
        assert.equal(murmur2(key), expected, `murmur2(0x${key.toString('hex')})`);
      }
    });
  }

  it('returns a signed 32-bit integer, as Java does', () => {
    assert.ok(murmur2(utf8('kafka')) < 0);
    for (const key of ['', 'a', 'key-1', 'a-longer-key-of-some-length']) {
      const hash = murmur2(utf8(key));
      assert.equal(hash, hash | 0);
    }
  });

  it('hashes a slice of a larger buffer by its own bytes only', () => {
    const backing = utf8('xxPreAmbleWillBeRemoved,ThePrePartThatIsxx');
    assert.equal(murmur2(backing.subarray(2, backing.length - 2)), 0x78424f1c | 0);
  });
});

describe('javaPartition', () => {
  // kafka-python, test/test_partitioner.py, test_murmur2_java_compatibility: partitions out of
  // 1000 "compared with output from Kafka's org.apache.kafka.clients.producer.Partitioner".
  const kafkaPython: Array<[Buffer, number]> = [
    [utf8(''), 681],
    [utf8('a'), 524],
    [utf8('ab'), 434],
    [utf8('abc'), 107],
    [utf8('123456789'), 566],
    [hex('0020'), 742],
  ];

  it('matches the Java producer partitions over 1000 partitions', () => {
    for (const [key, expected] of kafkaPython) {
      assert.equal(javaPartition(key, 1000), expected, `javaPartition(0x${key.toString('hex')}, 1000)`);
    }
  });

  it('clears the sign bit instead of taking the absolute value', () => {
    const hash = murmur2(utf8('kafka'));
    assert.equal(toPositive(hash), hash & 0x7fffffff);
    assert.notEqual(toPositive(hash), Math.abs(hash));
    assert.equal(javaPartition(utf8('kafka'), 1000), 580);
  });

  it('rejects a partition count that is not a positive integer', () => {
    assert.throws(() => javaPartition(utf8('k'), 0), /numPartitions must be a positive integer, got 0/);
    assert.throws(() => javaPartition(utf8('k'), 2.5), RangeError);
  });
});

describe('createDefaultPartitioner', () => {
  it('places keyed messages with javaPartition', () => {
    const partition = createDefaultPartitioner();
    for (const key of ['', 'a', 'key-0', 'key-9999', 'é']) {
      assert.equal(partition(utf8(key), 4, 'orders'), javaPartition(utf8(key), 4));
    }
  });

  it('spreads messages without a key round-robin, per topic', () => {
    const partition = createDefaultPartitioner();
    const orders = Array.from({ length: 6 }, () => partition(null, 3, 'orders'));
    const payments = Array.from({ length: 2 }, () => partition(null, 3, 'payments'));
    assert.deepEqual(orders, [0, 1, 2, 0, 1, 2]);
    assert.deepEqual(payments, [0, 1]);
  });

  it('rejects an invalid partition count for messages without a key too', () => {
    const partition = createDefaultPartitioner();
    assert.throws(() => partition(null, 0, 'orders'), RangeError);
  });
});
