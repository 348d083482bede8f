import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AckTrackers, PartitionAckTracker } from '../../../../runtime/commit/ack-tracker.js';

function tracked(...offsets: number[]): PartitionAckTracker {
  const tracker = new PartitionAckTracker();
  for (const offset of offsets) tracker.track(offset);
  return tracker;
}

describe('PartitionAckTracker', () => {
  it('commits nothing before the first ack', () => {
    assert.equal(tracked(0, 1, 2).committableOffset(), -1);
  });

  it('commits one past a contiguous run of acks', () => {
    const t = tracked(0, 1, 2, 3);
    t.ack(0);
    t.ack(1);
    assert.equal(t.committableOffset(), 2);
    t.ack(2);
    t.ack(3);
    assert.equal(t.committableOffset(), 4);
    assert.equal(t.outstanding(), 0);
  });

  it('holds the commit at a hole until the hole is acked', () => {
    const t = tracked(10, 11, 12, 13);
    t.ack(10);
    t.ack(12);
    t.ack(13);
    assert.equal(t.committableOffset(), 11, 'offset 11 is still in flight');
    assert.equal(t.outstanding(), 3);
    assert.equal(t.ack(11), true);
    assert.equal(t.committableOffset(), 14);
  });

  it('forgetFrom: dropped offsets stop counting as outstanding, and the commit never passes them', () => {
    const t = tracked(0, 1, 2, 3, 4, 5);
    t.ack(0);
    t.ack(3);
    t.forgetFrom(2);
    assert.equal(t.outstanding(), 1, 'only offset 1 is still being processed');
    t.ack(1);
    assert.equal(t.committableOffset(), 2, 'not past the first dropped offset');
    assert.equal(t.outstanding(), 0);
  });

  it('does not stall on offset gaps (compaction, transaction markers)', () => {
    // Offsets 3-4 and 7 never reach the consumer.
    const t = tracked(0, 1, 2, 5, 6, 8);
    for (const o of [0, 1, 2, 5, 6]) t.ack(o);
    assert.equal(t.committableOffset(), 7, 'commits past the gap 3-4');
    t.ack(8);
    assert.equal(t.committableOffset(), 9, 'commits past the gap at 7');
  });

  it('out-of-order acks (concurrency > 1) never commit past an unacked offset', () => {
    const t = tracked(0, 1, 2, 3, 4, 5);
    t.ack(5);
    t.ack(3);
    t.ack(1);
    assert.equal(t.committableOffset(), -1);
    t.ack(0);
    assert.equal(t.committableOffset(), 2);
    t.ack(2);
    assert.equal(t.committableOffset(), 4);
    t.ack(4);
    assert.equal(t.committableOffset(), 6);
  });

  it('ignores duplicate and stale acks', () => {
    const t = tracked(0, 1);
    assert.equal(t.ack(0), true);
    assert.equal(t.ack(0), false);
    assert.equal(t.committableOffset(), 1);
  });

  it('rejects offsets delivered out of order', () => {
    const t = tracked(5);
    assert.throws(() => t.track(5), /out of order/);
    assert.throws(() => t.track(4), /out of order/);
  });

  it('stays correct across many offsets (compaction of its queue)', () => {
    const t = new PartitionAckTracker();
    for (let o = 0; o < 10_000; o++) t.track(o * 2);
    for (let o = 0; o < 10_000; o++) if (o !== 5000) t.ack(o * 2);
    assert.equal(t.committableOffset(), 10_000 - 1);
    t.ack(10_000);
    assert.equal(t.committableOffset(), 2 * 9_999 + 1);
  });
});

describe('AckTrackers', () => {
  it('reports only offsets that moved since the last commit', () => {
    const trackers = new AckTrackers();
    const a = trackers.tracker('t', 0);
    const b = trackers.tracker('t', 1);
    a.track(0);
    b.track(0);
    a.ack(0);
    assert.deepEqual(trackers.pendingCommits(), [{ topic: 't', partition: 0, offset: 1 }]);
    trackers.markCommitted(trackers.pendingCommits());
    assert.deepEqual(trackers.pendingCommits(), []);
    b.ack(0);
    assert.deepEqual(trackers.pendingCommits(), [{ topic: 't', partition: 1, offset: 1 }]);
  });
});
