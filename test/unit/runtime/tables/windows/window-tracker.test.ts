import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  HoppingWindow,
  SlidingWindow,
  TumblingWindow,
} from '../../../../../runtime/tables/windows/window.js';
import { WindowTracker } from '../../../../../runtime/tables/windows/window-tracker.js';

describe('WindowTracker', () => {
  it('a window closes once, after its end + grace in event time', () => {
    const window = new TumblingWindow(10, { grace: 5 });
    const tracker = new WindowTracker(window);
    tracker.advance(0, 3);
    for (const range of window.ranges(3)) {
      tracker.track(0, range, 'k1');
      tracker.track(0, range, 'k2');
    }
    assert.deepEqual(tracker.advance(0, 12), { closed: [], expired: [] }, 'still in grace');
    assert.deepEqual(tracker.advance(0, 14.999), { closed: [], expired: [] });
    assert.deepEqual(tracker.advance(0, 15).closed, [{ range: [0, 9.9], keys: ['k1', 'k2'] }]);
    assert.deepEqual(tracker.advance(0, 16).closed, [], 'never again');
    assert.deepEqual(tracker.advance(0, 100).closed, []);
    assert.equal(tracker.isClosed(0, [0, 9.9]), true);
    assert.throws(() => tracker.track(0, [0, 9.9], 'k3'), /window \[0, 9\.9\] of partition 0 is closed/);
  });

  it('the watermark only moves forward: a late event closes nothing and reopens nothing', () => {
    const tracker = new WindowTracker(new TumblingWindow(10));
    tracker.track(0, [10, 19.9], 'k');
    assert.deepEqual(tracker.advance(0, 25).closed, [{ range: [10, 19.9], keys: ['k'] }]);
    assert.deepEqual(tracker.advance(0, 5), { closed: [], expired: [] });
    assert.equal(tracker.watermark(0), 25);
    assert.equal(tracker.isClosed(0, [20, 29.9]), false);
  });

  it('hopping windows close one by one, then their data expires', () => {
    const window = new HoppingWindow(10, 5, { expires: 20 });
    const tracker = new WindowTracker(window);
    for (const range of window.ranges(6)) tracker.track(0, range, 'k');
    assert.deepEqual(tracker.advance(0, 10).closed, [{ range: [0, 9.9], keys: ['k'] }]);
    assert.deepEqual(tracker.advance(0, 15).closed, [{ range: [5, 14.9], keys: ['k'] }]);
    assert.deepEqual(tracker.advance(0, 29).expired, []);
    assert.deepEqual(tracker.advance(0, 30).expired, [{ range: [0, 9.9], keys: ['k'] }]);
    assert.deepEqual(tracker.advance(0, 1000).expired, [{ range: [5, 14.9], keys: ['k'] }]);
  });

  it('one event can close several windows and expire them at once (expires = grace)', () => {
    const window = new TumblingWindow(10, { grace: 5, expires: 5 });
    const tracker = new WindowTracker(window);
    tracker.track(0, [0, 9.9], 'a');
    tracker.track(0, [10, 19.9], 'b');
    const result = tracker.advance(0, 40);
    assert.deepEqual(result.closed, [
      { range: [0, 9.9], keys: ['a'] },
      { range: [10, 19.9], keys: ['b'] },
    ]);
    assert.deepEqual(
      result.expired.map((window) => window.keys),
      [['a'], ['b']],
    );
  });

  it('partitions keep their own watermarks', () => {
    const tracker = new WindowTracker(new TumblingWindow(10));
    tracker.track(0, [0, 9.9], 'p0');
    tracker.track(1, [0, 9.9], 'p1');
    assert.deepEqual(tracker.advance(1, 50).closed, [{ range: [0, 9.9], keys: ['p1'] }]);
    assert.equal(tracker.isClosed(0, [0, 9.9]), false);
    assert.deepEqual(tracker.advance(0, 10).closed, [{ range: [0, 9.9], keys: ['p0'] }]);
    tracker.drop(1);
    assert.deepEqual(tracker.trackedPartitions(), [0]);
  });

  it('a deleted key is not handed out on close', () => {
    const tracker = new WindowTracker(new TumblingWindow(10));
    tracker.track(0, [0, 9.9], 'gone');
    tracker.track(0, [0, 9.9], 'kept');
    tracker.untrack(0, [0, 9.9], 'gone');
    assert.deepEqual(tracker.advance(0, 10).closed, [{ range: [0, 9.9], keys: ['kept'] }]);
  });

  it('restored keys close and expire too; windows closed before the restart are not handed out again', () => {
    const window = new TumblingWindow(10, { expires: 30 });
    const tracker = new WindowTracker(window);
    const expired = tracker.restore(
      3,
      [
        { range: [0, 9.9], key: 'expired' },
        { range: [20, 29.9], key: 'closed-before' },
        { range: [40, 49.9], key: 'open' },
      ],
      45,
    );
    assert.deepEqual(expired, [{ range: [0, 9.9], keys: ['expired'] }]);
    assert.equal(tracker.watermark(3), 45);
    const next = tracker.advance(3, 60);
    assert.deepEqual(next.closed, [{ range: [40, 49.9], keys: ['open'] }], 'only the open one closes');
    assert.deepEqual(next.expired, [{ range: [20, 29.9], keys: ['closed-before'] }], 'restored keys expire');
  });

  it('without a recorded watermark, windows closed more than a span + grace before the proven time stay closed', () => {
    const tracker = new WindowTracker(new TumblingWindow(10, { grace: 5 }));
    tracker.restore(
      0,
      [
        { range: [0, 9.9], key: 'old' },
        { range: [20, 29.9], key: 'recent' },
        { range: [40, 49.9], key: 'open' },
      ],
      undefined,
    );
    // the keys prove event time 40; 40 - (10 + 5) = 25 counts as closed for sure
    assert.equal(tracker.watermark(0), 25);
    assert.deepEqual(
      tracker.advance(0, 40).closed,
      [{ range: [20, 29.9], keys: ['recent'] }],
      'at least once',
    );
    assert.deepEqual(tracker.advance(0, 55).closed, [{ range: [40, 49.9], keys: ['open'] }]);
    const sliding = new WindowTracker(new SlidingWindow(10, 5));
    sliding.restore(0, [{ range: [90, 105], key: 'x' }], undefined);
    assert.equal(sliding.watermark(0), 85, 'a sliding key proves its own event time (100)');
  });
});
