/**
 * The faustgen assignor on librdkafka (brokerClient "librdkafka"), on the real broker: the same
 * three-worker scenario as assignor-kafka.test.ts. librdkafka cannot run faustgen's protocol (its
 * group uses range); each worker reads the group with DescribeGroups and derives standbys and
 * URLs (the URL from each member's client id), and every worker must get the same answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { librdkafkaTransport } from '../../runtime/transport/librdkafka/index.js';
import type { ConsumerOptions } from '../../runtime/transport/types.js';
import { brokerUrl, requireBroker } from '../support/broker.js';
import { librdkafkaOrSkip } from '../support/librdkafka.js';
import { uniqueName } from '../support/names.js';
import { runAssignorScenario, type ScenarioNames } from '../unit/runtime/assignor/group-scenario.js';

const CONSUMER: Omit<ConsumerOptions, 'groupId' | 'clientId' | 'partitionAssigners'> = {
  autoOffsetReset: 'earliest',
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 500,
  rebalanceTimeoutMs: 15_000,
  requestTimeoutMs: 30_000,
  maxFetchBytes: 1_048_576,
  maxPollRecords: 0,
};

async function waitFor(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('faustgen assignor on librdkafka on the real broker', () => {
  if (!librdkafkaOrSkip('three workers on librdkafka: co-partitioned, standbys, URLs')) return;
  const prefix = uniqueName('rd-assignor');
  const names: ScenarioNames = {
    groupId: `${prefix}-app`,
    source: `${prefix}-orders`,
    changelog: `${prefix}-app-totals-changelog`,
    declaredChangelog: `${prefix}-app-counts-changelog`,
    globalChangelog: `${prefix}-app-config-changelog`,
  };
  const transport = librdkafkaTransport({
    urls: [brokerUrl()],
    clientId: 'faustgen-assignor-test',
    connectionTimeoutMs: 3_000,
    requestTimeoutMs: 30_000,
  });

  before(() => requireBroker());
  after(async () => {
    const admin = transport.createAdmin();
    await admin.deleteTopics([names.source, names.changelog]).catch(() => {});
    await admin.close();
  });

  it('three workers: co-partitioned, standbys, URLs visible to each; one leaves', {
    timeout: 180_000,
  }, async () => {
    await runAssignorScenario({
      transport,
      names,
      consumer: CONSUMER,
      waitFor,
      report: (line) => console.log(`  ${line}`),
    });
  });
});
