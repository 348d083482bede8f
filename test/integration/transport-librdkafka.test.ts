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
    { waitTimeoutMs: 45_000, testTimeoutMs: 180_000 },
  );
}
