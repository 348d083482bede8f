/**
 * The transport contract suite (test/contract/transport-contract.ts) against the real broker
 * (FAUSTGEN_BROKER) through kafka:// on librdkafka (brokerClient "librdkafka"). Skipped, saying
 * why, where the optional @confluentinc/kafka-javascript did not build. FAUSTGEN_TEST_GROUP_PROTOCOL=
 * consumer runs it on Kafka 4's group protocol (KIP-848; the broker must be 4.x), as `npm test`'s
 * Kafka 4 smoke does. FAUSTGEN_TEST_KAFKA_LOG=1 prints the transport's log to stderr.
 */
import { before } from 'node:test';
import { librdkafkaTransport } from '../../runtime/transport/librdkafka/index.js';
import type { TransportOptions } from '../../runtime/transport/types.js';
import { transportContract } from '../contract/transport-contract.js';
import { brokerUrl, requireBroker } from '../support/broker.js';
import { librdkafkaOrSkip } from '../support/librdkafka.js';

const log: TransportOptions['log'] = process.env.FAUSTGEN_TEST_KAFKA_LOG
  ? (level, message, extra) => console.error(`[${level}] ${message}`, extra ?? '')
  : undefined;

function groupProtocol(): 'classic' | 'consumer' {
  const name = process.env.FAUSTGEN_TEST_GROUP_PROTOCOL?.trim() || 'classic';
  if (name !== 'classic' && name !== 'consumer') {
    throw new Error(`FAUSTGEN_TEST_GROUP_PROTOCOL=${name}: expected classic or consumer`);
  }
  return name;
}
const protocol = groupProtocol();

/**
 * On Kafka 4's protocol each member has its own epoch and there is no JoinGroup: the transport
 * still takes generations from JoinGroup, so members never agree on one and these cases wait.
 */
const GENERATIONS =
  'group.protocol=consumer: members have their own epochs, no shared generation; the librdkafka transport reads generations from JoinGroup only (issue 13)';
const CONSUMER_PROTOCOL_GAPS = {
  'splits partitions within a group and hands them all to the survivor': GENERATIONS,
  'rejects a commit for a partition the member no longer owns': GENERATIONS,
};

before(() => requireBroker());

if (librdkafkaOrSkip('transport contract: librdkafka')) {
  transportContract(
    protocol === 'classic' ? 'librdkafka' : `librdkafka, group.protocol=${protocol}`,
    () =>
      librdkafkaTransport(
        {
          urls: [brokerUrl()],
          clientId: 'faustgen-contract-rd',
          connectionTimeoutMs: 3_000,
          requestTimeoutMs: 30_000,
          log,
        },
        { groupProtocol: protocol },
      ),
    {
      waitTimeoutMs: 45_000,
      testTimeoutMs: 180_000,
      skip: protocol === 'consumer' ? CONSUMER_PROTOCOL_GAPS : undefined,
    },
  );
}
