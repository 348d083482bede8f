import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { topicConfigEntries } from '../../../../../runtime/transport/kafka/admin.js';

const spec = { name: 't', partitions: 1, replicationFactor: 1 };

describe('topicConfigEntries', () => {
  it('maps compacting/deleting to cleanup.policy', () => {
    assert.deepEqual(topicConfigEntries({ ...spec, compacting: true }), [
      { name: 'cleanup.policy', value: 'compact' },
    ]);
    assert.deepEqual(topicConfigEntries({ ...spec, compacting: true, deleting: true }), [
      { name: 'cleanup.policy', value: 'compact,delete' },
    ]);
    assert.deepEqual(topicConfigEntries({ ...spec, deleting: true }), [
      { name: 'cleanup.policy', value: 'delete' },
    ]);
    assert.deepEqual(topicConfigEntries(spec), []);
  });

  it('adds retention.ms and the extra config, which wins', () => {
    assert.deepEqual(
      topicConfigEntries({
        ...spec,
        compacting: true,
        retentionMs: 60_000,
        config: { 'segment.ms': '1000', 'cleanup.policy': 'delete' },
      }),
      [
        { name: 'cleanup.policy', value: 'delete' },
        { name: 'retention.ms', value: '60000' },
        { name: 'segment.ms', value: '1000' },
      ],
    );
  });
});
