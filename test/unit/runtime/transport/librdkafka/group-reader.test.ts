import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  memberClientId,
  type RdGroupDescription,
  snapshotOfDescription,
  urlOfClientId,
} from '../../../../../runtime/transport/librdkafka/group-reader.js';

const tp = (topic: string, partition: number) => ({ topic, partition });

function description(overrides: Partial<RdGroupDescription> = {}): RdGroupDescription {
  return {
    groupId: 'app',
    state: 3,
    partitionAssignor: 'range',
    members: [
      {
        memberId: 'rdkafka-1',
        clientId: memberClientId('faustgen-app', 'http://10.0.0.1:6066'),
        assignment: { topicPartitions: [tp('orders', 0), tp('orders', 1)] },
      },
      { memberId: 'rdkafka-2', clientId: 'faustgen-app', assignment: { topicPartitions: [] } },
    ],
    ...overrides,
  };
}

describe('librdkafka group reader', () => {
  it('carries the URL in the client id, and reads it back', () => {
    assert.equal(
      memberClientId('faustgen-app', 'https://w-1.example:443/x'),
      'faustgen-app;url=https://w-1.example:443/x',
    );
    assert.equal(urlOfClientId('faustgen-app;url=https://w-1.example:443/x'), 'https://w-1.example:443/x');
    assert.equal(memberClientId('faustgen-app', undefined), 'faustgen-app');
    assert.equal(urlOfClientId('faustgen-app'), undefined);
    assert.equal(urlOfClientId('faustgen-app;url='), undefined);
  });

  it("turns a described group into the assignor's snapshot: protocol, partitions and URLs", () => {
    assert.deepEqual(snapshotOfDescription(description()), {
      state: 'stable',
      protocol: 'range',
      members: [
        {
          memberId: 'rdkafka-1',
          userData: Buffer.alloc(0),
          partitions: [tp('orders', 0), tp('orders', 1)],
          url: 'http://10.0.0.1:6066',
        },
        { memberId: 'rdkafka-2', userData: Buffer.alloc(0), partitions: [] },
      ],
    });
  });

  it("names the group's state; a member short of its target assignment is not settled", () => {
    const states = [0, 1, 2, 3, 4, 5].map((state) => snapshotOfDescription(description({ state })).state);
    assert.deepEqual(states, ['unknown', 'rebalancing', 'rebalancing', 'stable', 'unknown', 'empty']);
    const [first, second] = description().members;
    const reconciling = description({
      members: [{ ...first!, targetAssignment: { topicPartitions: [tp('orders', 0)] } }, second!],
    });
    assert.equal(snapshotOfDescription(reconciling).state, 'rebalancing');
    const settled = description({
      members: [
        { ...first!, targetAssignment: { topicPartitions: [tp('orders', 1), tp('orders', 0)] } },
        second!,
      ],
    });
    assert.equal(snapshotOfDescription(settled).state, 'stable');
  });

  it('fails with the group and the reason when the broker could not describe it', () => {
    assert.throws(
      () => snapshotOfDescription(description({ error: { message: 'Coordinator not available', code: 15 } })),
      /describing group app failed: Coordinator not available/,
    );
  });
});
