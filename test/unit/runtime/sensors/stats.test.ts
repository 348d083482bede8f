import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatencyHistory, nearestRank, RateMeter } from '../../../../runtime/sensors/stats.js';

describe('RateMeter', () => {
  it('measures from the oldest sample inside the window to now', () => {
    const meter = new RateMeter(3, 0);
    meter.mark(10);
    meter.sample(1000);
    meter.mark(20);
    meter.sample(2000);
    meter.mark(30);
    meter.sample(3000);
    meter.mark(40);
    assert.equal(meter.count, 100);
    // The window [500, 3500] starts after the sample at 0: the sample at 1000 (count 10) is the reference.
    assert.equal(meter.rate(3500), (100 - 10) / 2.5);
  });

  it('slides: samples that left the ring or the window no longer count', () => {
    const meter = new RateMeter(2, 0); // a ring of 3 samples
    for (let second = 1; second <= 5; second++) {
      meter.mark(second * 100); // 100, 200, ... 500 in second `second`
      meter.sample(second * 1000);
    }
    // Samples kept: 3000 (count 600), 4000 (1000), 5000 (1500); the window is [3000, 5000].
    assert.equal(meter.rate(5000), (1500 - 600) / 2);
    // At 6500 the window is [4500, 6500]: the sample at 5000 is the oldest inside it.
    meter.mark(300);
    assert.equal(meter.rate(6500), 300 / 1.5);
  });

  it('averages since the start while the window is not full', () => {
    const meter = new RateMeter(10, 500);
    meter.mark(30);
    assert.equal(meter.rate(2500), 15);
  });

  it('measures from the newest sample when every sample is older than the window (sampling stopped)', () => {
    const meter = new RateMeter(2, 0);
    meter.mark(50);
    assert.equal(meter.rate(10_000), 5);
  });

  it('is 0 when no time has passed', () => {
    const meter = new RateMeter(5, 1000);
    meter.mark(7);
    assert.equal(meter.rate(1000), 0);
  });

  it('rejects a window that is not a positive integer', () => {
    assert.throws(() => new RateMeter(0, 0), /windowSeconds must be a positive integer, got 0/);
    assert.throws(() => new RateMeter(1.5, 0), /got 1.5/);
  });
});

describe('LatencyHistory', () => {
  it('summarises the recent measurements and totals every measurement', () => {
    const history = new LatencyHistory(4);
    for (const ms of [100, 1, 2, 3, 4]) history.record(ms); // 100 falls out of the history
    assert.deepEqual(history.recent(), [1, 2, 3, 4]);
    assert.deepEqual(history.summary(), {
      count: 5,
      totalMs: 110,
      avgMs: 2.5,
      p50Ms: 2,
      p99Ms: 4,
      maxMs: 4,
    });
  });

  it('is all zeros before the first measurement', () => {
    assert.deepEqual(new LatencyHistory(3).summary(), {
      count: 0,
      totalMs: 0,
      avgMs: 0,
      p50Ms: 0,
      p99Ms: 0,
      maxMs: 0,
    });
  });

  it('keeps the order of the ring after wrapping several times', () => {
    const history = new LatencyHistory(3);
    for (let i = 1; i <= 10; i++) history.record(i);
    assert.deepEqual(history.recent(), [8, 9, 10]);
    assert.equal(history.count, 10);
  });

  it('rejects a size that is not a positive integer', () => {
    assert.throws(() => new LatencyHistory(0), /size must be a positive integer, got 0/);
  });
});

describe('nearestRank', () => {
  it('picks the smallest value with at least q of the values at or below it', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(nearestRank(values, 0.5), 50);
    assert.equal(nearestRank(values, 0.99), 99);
    assert.equal(nearestRank(values, 1), 100);
    assert.equal(nearestRank([7], 0.99), 7);
    assert.equal(nearestRank([1, 2, 3], 0), 1);
    assert.equal(nearestRank([], 0.5), 0);
  });
});
