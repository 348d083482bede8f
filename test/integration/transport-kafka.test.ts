/**
 * The transport contract suite (test/contract/transport-contract.ts) against the real broker
 * (FAUSTGEN_BROKER) through the kafka:// transport. FAUSTGEN_TEST_KAFKA_LOG=1 prints the transport's
 * log (kafkajs included) to stderr.
 */
import { before } from 'node:test';
import { kafkaTransport } from '../../runtime/transport/kafka/index.js';
import type { TransportOptions } from '../../runtime/transport/types.js';
import { transportContract } from '../contract/transport-contract.js';
import { brokerUrl, requireBroker } from '../support/broker.js';

const log: TransportOptions['log'] = process.env.FAUSTGEN_TEST_KAFKA_LOG
  ? (level, message, extra) => console.error(`[${level}] ${message}`, extra ?? '')
  : undefined;

before(() => requireBroker());

transportContract(
  'kafka',
  () =>
    kafkaTransport({
      urls: [brokerUrl()],
      clientId: 'faustgen-contract',
      connectionTimeoutMs: 3_000,
      requestTimeoutMs: 30_000,
      log,
    }),
  { waitTimeoutMs: 45_000, testTimeoutMs: 180_000 },
);
