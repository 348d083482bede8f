import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaustgenAssignor } from '../../../../runtime/assignor/assignor.js';
import { destroyMemoryBroker, memoryTransport } from '../../../../runtime/transport/memory/index.js';
import type { ConsumerOptions } from '../../../../runtime/transport/types.js';
import { runAssignorScenario } from '../../../support/assignor-scenario.js';

const CONSUMER: Omit<ConsumerOptions, 'groupId' | 'clientId' | 'partitionAssigners'> = {
  autoOffsetReset: 'earliest',
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  rebalanceTimeoutMs: 10_000,
  requestTimeoutMs: 10_000,
  maxFetchBytes: 1_048_576,
  maxPollRecords: 0,
};

/** Turns of the event loop until the condition holds; memory:// needs no wall-clock waiting. */
async function waitFor(what: string, condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 10_000; turn++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  assert.fail(`never happened: ${what}`);
}

describe('faustgen assignor on a memory:// group', () => {
  it('co-partitions, assigns standbys, shares URLs; a leaving worker only gives its partitions away', async () => {
    const url = 'memory://assignor-scenario';
    const transport = memoryTransport({
      urls: [url],
      clientId: 'test',
      connectionTimeoutMs: 1000,
      requestTimeoutMs: 1000,
    });
    const lines: string[] = [];
    try {
      await runAssignorScenario({
        transport,
        names: {
          groupId: 'app',
          source: 'orders',
          changelog: 'app-totals-changelog',
          declaredChangelog: 'app-counts-changelog',
          globalChangelog: 'app-config-changelog',
        },
        consumer: CONSUMER,
        waitFor,
        report: (line) => lines.push(line),
      });
    } finally {
      destroyMemoryBroker(url);
    }
    assert.ok(lines.some((line) => line.startsWith('3 workers:')));
  });

  it('members without a common protocol fall back to the range assignor, with a warning', async () => {
    const url = 'memory://assignor-mixed';
    const logs: string[] = [];
    const transport = memoryTransport({
      urls: [url],
      clientId: 'test',
      connectionTimeoutMs: 1000,
      requestTimeoutMs: 1000,
      log: (level, message) => logs.push(`${level} ${message}`),
    });
    try {
      await transport.createAdmin().createTopics([{ name: 't', partitions: 2, replicationFactor: 1 }]);
      const withAssignor = transport.createConsumer({
        ...CONSUMER,
        groupId: 'g',
        clientId: 'a',
        partitionAssigners: [new FaustgenAssignor({ standbyReplicas: 0 })],
      });
      const plain = transport.createConsumer({ ...CONSUMER, groupId: 'g', clientId: 'b' });
      for (const consumer of [withAssignor, plain]) {
        consumer.subscribe(['t']);
        await consumer.start({ onBatch: () => {}, onAssigned: () => {} });
      }
      await waitFor(
        'both assigned',
        () => withAssignor.assignment().length + plain.assignment().length === 2,
      );
      assert.equal(withAssignor.assignment().length, 1);
      assert.match(logs.join('\n'), /no assignment protocol common to all members; range assignor used/);
      await withAssignor.stop();
      await plain.stop();
    } finally {
      destroyMemoryBroker(url);
    }
  });
});
