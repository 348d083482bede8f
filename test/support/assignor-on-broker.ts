/**
 * The assignor scenario (assignor-scenario.ts) on the real broker, for one client: three workers
 * in one group, then one leaves. Each client's integration file names its transport and title.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConsumerOptions, Transport, TransportOptions } from '../../runtime/transport/types.js';
import { type ScenarioNames, runAssignorScenario } from './assignor-scenario.js';
import { brokerUrl, requireBroker } from './broker.js';
import { uniqueName } from './names.js';

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

export interface AssignorOnBroker {
  /** The describe() title. */
  title: string;
  /** Prefix of the scenario's topic and group names (made unique per run). */
  namePrefix: string;
  createTransport(options: TransportOptions): Transport;
  /** Whether the client can run here (otherwise the suite registers a skipped test and returns). */
  available?: () => boolean;
}

export function describeAssignorOnBroker(options: AssignorOnBroker): void {
  const { title, namePrefix, createTransport, available } = options;
  describe(title, () => {
    if (available && !available()) return;
    const prefix = uniqueName(namePrefix);
    const names: ScenarioNames = {
      groupId: `${prefix}-app`,
      source: `${prefix}-orders`,
      changelog: `${prefix}-app-totals-changelog`,
      declaredChangelog: `${prefix}-app-counts-changelog`,
      globalChangelog: `${prefix}-app-config-changelog`,
    };
    const transport = createTransport({
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
}
