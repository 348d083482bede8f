/** The stalled-partition detector on a fake clock. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StallDetector } from '../../../../runtime/sensors/stall-detector.js';

const sample = (committed: number, high: number, partition = 2) => ({
  topic: 'payments',
  partition,
  committed,
  high,
});

describe('StallDetector', () => {
  it('flags a partition with lag whose committed offset has not moved for the timeout, and clears it when it moves', () => {
    let now = 0;
    const detector = new StallDetector(60_000, () => now);
    assert.deepEqual(detector.observe([sample(11_387, 53_900)]), []);
    now = 59_999;
    assert.deepEqual(detector.observe([sample(11_387, 53_900)]), []);
    now = 60_000;
    assert.deepEqual(detector.observe([sample(11_387, 53_900)]), [
      { topic: 'payments', partition: 2, committed: 11_387, high: 53_900, lag: 42_513, stalledForMs: 60_000 },
    ]);
    assert.equal(detector.stalled().length, 1);
    now = 61_000;
    assert.deepEqual(detector.observe([sample(11_400, 53_900)]), [], 'progress clears it');
    now = 120_999;
    assert.deepEqual(detector.observe([sample(11_400, 53_900)]), []);
  });

  it('a symbolic committed offset (-2) counts as position 0: with data the partition stalls', () => {
    let now = 0;
    const detector = new StallDetector(1_000, () => now);
    detector.observe([sample(-2, 50)]);
    now = 1_000;
    assert.deepEqual(
      detector.observe([sample(-2, 50)]).map((s) => s.lag),
      [50],
    );
  });

  it('a committed offset past the high watermark (out of range) stalls too', () => {
    let now = 0;
    const detector = new StallDetector(1_000, () => now);
    detector.observe([sample(1_500, 500)]);
    now = 1_000;
    assert.deepEqual(
      detector.observe([sample(1_500, 500)]).map((s) => s.lag),
      [1_000],
    );
  });

  it('a caught-up partition never stalls, however long it stays put', () => {
    let now = 0;
    const detector = new StallDetector(1_000, () => now);
    for (; now < 10_000; now += 500) assert.deepEqual(detector.observe([sample(500, 500)]), []);
    // New data arrives: the clock runs from the last look without lag (9,500), not from the start.
    assert.deepEqual(detector.observe([sample(500, 600)]), []);
    now = 10_499;
    assert.deepEqual(detector.observe([sample(500, 600)]), []);
    now = 10_500;
    assert.equal(detector.observe([sample(500, 600)]).length, 1);
  });

  it('forgets partitions no longer sampled (moved to another worker), and 0 turns the check off', () => {
    let now = 0;
    const detector = new StallDetector(1_000, () => now);
    detector.observe([sample(1, 10, 0), sample(1, 10, 1)]);
    now = 500;
    detector.observe([sample(1, 10, 0)]);
    now = 1_000;
    assert.deepEqual(
      detector.observe([sample(1, 10, 0), sample(1, 10, 1)]).map((s) => s.partition),
      [0],
      'partition 1 came back: a fresh clock',
    );
    const off = new StallDetector(0, () => now);
    off.observe([sample(1, 10)]);
    now = 1e9;
    assert.deepEqual(off.observe([sample(1, 10)]), []);
  });
});
