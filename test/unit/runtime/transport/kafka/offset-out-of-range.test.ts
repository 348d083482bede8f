/**
 * OffsetOutOfRange handling: the decision per consumerAutoOffsetReset, and kafkajs's
 * ConsumerGroup.recoverFromOffsetOutOfRange as replaced by runtime/transport/kafka/kafkajs.ts,
 * run on a stand-in group (no broker: only the decision and the offset bookkeeping are checked).
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { outOfRangeRecoveryPatched } from '../../../../../runtime/transport/kafka/kafkajs.js';
import {
  decideOutOfRange,
  listenForOutOfRange,
  type OutOfRangeDecision,
} from '../../../../../runtime/transport/kafka/offset-out-of-range.js';

const facts = {
  topic: 'payments',
  partition: 2,
  fetchOffset: 60_000,
  committedOffset: 60_000,
  low: 100,
  high: 53_900,
};

describe('decideOutOfRange', () => {
  it('resets to the low or high watermark per the policy, naming the offsets', () => {
    const earliest = decideOutOfRange(facts, 'earliest');
    assert.equal(earliest.action, 'reset');
    assert.equal(earliest.action === 'reset' && earliest.offset, 100);
    assert.match(
      earliest.message,
      /payments\[2\]: fetch offset 60000 is out of range \(low 100, high 53900, committed 60000\)/,
    );
    const latest = decideOutOfRange(facts, 'latest');
    assert.equal(latest.action === 'reset' && latest.offset, 53_900);
  });

  it("'none' stops the partition with an error naming topic, partition, fetch offset, low and high", () => {
    const decision = decideOutOfRange(facts, 'none');
    assert.equal(decision.action, 'stop');
    assert.match(decision.message, /payments\[2\].*60000.*low 100, high 53900.*"none"/);
  });

  it('a refused fetch offset that lies within [low, high] is fetched again, not reset', () => {
    assert.equal(decideOutOfRange({ ...facts, fetchOffset: 11_387 }, 'earliest').action, 'retry');
    assert.equal(decideOutOfRange({ ...facts, fetchOffset: 53_900 }, 'none').action, 'retry');
  });
});

describe("kafkajs's recoverFromOffsetOutOfRange, replaced", () => {
  const require = createRequire(import.meta.url);
  const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup.js') as {
    prototype: { recoverFromOffsetOutOfRange(this: unknown, e: unknown): Promise<void> };
  };

  function standIn(nextOffset: number) {
    const calls = { resolved: [] as unknown[], paused: [] as unknown[], logged: [] as string[], commits: 0 };
    const group = {
      groupId: 'g',
      memberId: 'm1',
      topicConfigurations: { payments: { fromBeginning: true } },
      preferredReadReplicasPerTopicPartition: {},
      logger: { info: () => {}, error: (message: string) => calls.logged.push(message) },
      cluster: {
        fetchTopicsOffset: async (topics: { fromBeginning: boolean }[]) => [
          {
            topic: 'payments',
            partitions: [{ partition: 2, offset: topics[0]?.fromBeginning ? '100' : '53900' }],
          },
        ],
      },
      offsetManager: {
        nextOffset: () => ({ toString: () => String(nextOffset) }),
        committedOffsets: () => ({ payments: { 2: String(nextOffset) } }),
        resolveOffset: (tpo: unknown) => calls.resolved.push(tpo),
        setDefaultOffset: async () => {
          calls.commits++;
        },
      },
      pause: (tps: unknown) => calls.paused.push(tps),
    };
    return { group, calls };
  }

  it('is installed', () => assert.equal(outOfRangeRecoveryPatched, true));

  it('moves the fetch position to the low watermark without committing, and logs the offsets', async () => {
    const { group, calls } = standIn(60_000);
    await ConsumerGroup.prototype.recoverFromOffsetOutOfRange.call(group, {
      topic: 'payments',
      partition: 2,
    });
    assert.equal(calls.commits, 0, 'no symbolic offset is committed');
    assert.deepEqual(calls.resolved, [{ topic: 'payments', partition: 2, offset: '99' }]);
    assert.match(calls.logged.join('\n'), /fetch offset 60000 is out of range \(low 100, high 53900/);
  });

  it("follows the consumer's registered policy: 'none' pauses the partition and tells the consumer", async () => {
    const { group, calls } = standIn(60_000);
    const decisions: OutOfRangeDecision[] = [];
    const stop = listenForOutOfRange('g', {
      memberId: () => 'm1',
      policy: 'none',
      decided: (_facts, decision) => decisions.push(decision),
    });
    try {
      await ConsumerGroup.prototype.recoverFromOffsetOutOfRange.call(group, {
        topic: 'payments',
        partition: 2,
      });
    } finally {
      stop();
    }
    assert.deepEqual(calls.resolved, []);
    assert.deepEqual(calls.paused, [[{ topic: 'payments', partitions: [2] }]]);
    assert.equal(decisions[0]?.action, 'stop');
    assert.equal(calls.commits, 0);
  });
});
