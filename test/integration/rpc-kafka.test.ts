import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import kafkajs from 'kafkajs';
import { App } from '../../runtime/index.js';
import { rpcSuites } from '../unit/runtime/agents/rpc/rpc-suite.js';
import { brokerUrl, connectAdmin, requireBroker, uniqueName } from '../support/index.js';

const { ConfigResourceTypes } = kafkajs;

before(() => requireBroker());

rpcSuites('kafka://', { brokerUrl, timeoutMs: 180_000 });

describe('agent RPC reply topic on the real broker', { timeout: 60_000 }, () => {
  const apps: App[] = [];
  after(async () => {
    for (const app of apps) await app.stop().catch(() => undefined);
  });

  it('is declared as Faust declares it: 1 partition, cleanup.policy=delete, retention.ms = replyExpires', async () => {
    const app = new App(uniqueName('rpc-topic'), {
      broker: brokerUrl(),
      replyCreateTopic: true,
      replyExpires: 120,
      logLevel: 'warn',
      webEnabled: false,
    });
    apps.push(app);
    await app.startClient();
    const topic = app.rpc.replyTo;
    const admin = await connectAdmin();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      assert.equal(metadata.topics[0]?.partitions.length, 1);
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          { type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy', 'retention.ms'] },
        ],
      });
      const entries = Object.fromEntries(
        (described.resources[0]?.configEntries ?? []).map((entry) => [entry.configName, entry.configValue]),
      );
      assert.deepEqual(entries, { 'cleanup.policy': 'delete', 'retention.ms': '120000' });
      await app.stop();
    } finally {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
