/**
 * The faustgen assignor on the real broker: three kafka:// consumers in one group, each with a
 * FaustgenAssignor. Co-partitioning holds, standbys are assigned (never on the active worker),
 * every worker sees every worker's URL (read back with DescribeGroups), and when one worker leaves
 * only its partitions move (the test prints whether each went to its standby or not).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kafkaTransport } from '../../runtime/transport/kafka/index.js';
import type { ConsumerOptions } from '../../runtime/transport/types.js';
import { brokerUrl, requireBroker } from '../support/broker.js';
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

describe('faustgen assignor on the real broker', () => {
  const prefix = uniqueName('assignor');
  const names: ScenarioNames = {
    groupId: `${prefix}-app`,
    source: `${prefix}-orders`,
    changelog: `${prefix}-app-totals-changelog`,
    declaredChangelog: `${prefix}-app-counts-changelog`,
    globalChangelog: `${prefix}-app-config-changelog`,
  };
  const transport = kafkaTransport({
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
