import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pythonFloatRepr } from '../../../../../runtime/tables/windows/python-float.js';
import {
  HoppingWindow,
  isClosed,
  pythonFloorDiv,
  SlidingWindow,
  TumblingWindow,
  type WindowRange,
} from '../../../../../runtime/tables/windows/window.js';
import { FAUST_VECTORS } from './faust-vectors.js';

const reprs = (range: WindowRange): [string, string] => [
  pythonFloatRepr(range[0]),
  pythonFloatRepr(range[1]),
];

describe('HoppingWindow: the values of Faust', () => {
  it('hopping 10/5 at t=6 -> (0.0, 9.9), (5.0, 14.9)', () => {
    const window = new HoppingWindow(10, 5);
    assert.deepEqual(window.ranges(6).map(reprs), [
      ['0.0', '9.9'],
      ['5.0', '14.9'],
    ]);
    assert.deepEqual(reprs(window.current(6)), ['5.0', '14.9']);
    assert.deepEqual(reprs(window.earliest(6)), ['0.0', '9.9']);
    assert.deepEqual(reprs(window.delta(6, 5)), ['0.0', '9.9']);
  });

  it('hopping 60/60 at 1603122451.544989 -> (1603122420.0, 1603122479.9)', () => {
    const window = new HoppingWindow(60, 60);
    assert.deepEqual(window.ranges(1603122451.544989).map(reprs), [['1603122420.0', '1603122479.9']]);
    assert.deepEqual(window.ranges(1603122451.544989), [[1603122420, 1603122479.9]]);
  });

  it('hopping 57/23 at 456 -> starts 403.0, 426.0, 449.0', () => {
    assert.deepEqual(new HoppingWindow(57, 23).ranges(456).map(reprs), [
      ['403.0', '459.9'],
      ['426.0', '482.9'],
      ['449.0', '505.9'],
    ]);
  });

  it('hopping 10/3 at 7 -> starts -1, 2 and 5 (size not a multiple of step)', () => {
    assert.deepEqual(
      new HoppingWindow(10, 3).ranges(7).map((range) => range[0]),
      [-1, 2, 5],
    );
  });

  it('tumbling 10 at 9.95 -> (0.0, 9.9): the end is a label, the window runs to 10', () => {
    const window = new TumblingWindow(10);
    assert.deepEqual(window.ranges(9.95).map(reprs), [['0.0', '9.9']]);
    assert.deepEqual(window.ranges(10).map(reprs), [['10.0', '19.9']]);
    assert.equal(window.kind, 'tumbling');
  });

  it(`matches Python Faust on ${FAUST_VECTORS.hopping.length} (size, step, timestamp) cases`, () => {
    assert.ok(FAUST_VECTORS.hopping.length > 100);
    for (const vector of FAUST_VECTORS.hopping) {
      const window = new HoppingWindow(vector.size, vector.step);
      const ts = Number(vector.ts);
      const what = `hopping(${vector.size}, ${vector.step}) at ${vector.ts}`;
      assert.deepEqual(window.ranges(ts).map(reprs), vector.ranges, `${what}: ranges`);
      assert.deepEqual(reprs(window.current(ts)), vector.current, `${what}: current`);
      assert.deepEqual(reprs(window.earliest(ts)), vector.earliest, `${what}: earliest`);
      assert.deepEqual(reprs(window.delta(ts, 90)), vector.delta, `${what}: delta 90`);
    }
  });

  it('every timestamp falls into the windows start <= t < start + size (size a multiple of step)', () => {
    const window = new HoppingWindow(60, 10);
    for (const ts of [0, 9.999, 10, 59.5, 60, 1603122451.544989]) {
      const ranges = window.ranges(ts);
      assert.equal(ranges.length, 6, `at ${ts}`);
      for (const [start] of ranges) assert.ok(start <= ts && ts < start + 60, `${start} at ${ts}`);
      assert.deepEqual(window.current(ts), ranges[ranges.length - 1]);
      assert.deepEqual(window.earliest(ts), ranges[0]);
    }
  });

  it('refuses sizes and steps Faust cannot compute (not whole seconds >= 1)', () => {
    assert.throws(() => new HoppingWindow(10, 0.5), /step must be a whole number of seconds >= 1.*got 0\.5/);
    assert.throws(() => new HoppingWindow(0, 1), /size must be a whole number/);
    assert.throws(() => new TumblingWindow(1.5), /size must be a whole number/);
  });
});

describe('SlidingWindow', () => {
  it('one window [t - before, t + after] per event', () => {
    const window = new SlidingWindow(10, 5);
    assert.deepEqual(window.ranges(100), [[90, 105]]);
    assert.deepEqual(window.current(100.5), [90.5, 105.5]);
    assert.deepEqual(window.earliest(100), [90, 105]);
    assert.deepEqual(window.delta(100, 20), [70, 85]);
  });

  it(`matches Python Faust on ${FAUST_VECTORS.sliding.length} cases`, () => {
    for (const vector of FAUST_VECTORS.sliding) {
      const window = new SlidingWindow(vector.before, vector.after, { expires: 3600 });
      assert.deepEqual(window.ranges(Number(vector.ts)).map(reprs), vector.ranges, vector.ts);
    }
  });

  it('closes once event time passes its end + grace (the end itself still counts)', () => {
    const window = new SlidingWindow(10, 5, { grace: 2 });
    const range = window.current(100);
    assert.equal(isClosed(window, range, 107), false);
    assert.equal(isClosed(window, range, 107.000001), true);
  });
});

describe('closing and expiry by event time', () => {
  it('a tumbling window closes at start + size + grace', () => {
    const window = new TumblingWindow(10, { grace: 5 });
    const [range] = window.ranges(3);
    assert.deepEqual(range, [0, 9.9]);
    assert.equal(window.closesAt(range!), 15);
    assert.equal(isClosed(window, range!, 14.999), false);
    assert.equal(isClosed(window, range!, 15), true);
  });

  it('without grace a window closes when event time reaches its real end', () => {
    const window = new HoppingWindow(10, 5);
    assert.equal(window.closesAt([5, 14.9]), 15);
  });

  it('data expires at end + expires; never without expires', () => {
    assert.equal(new TumblingWindow(10, { expires: 60 }).expiresAt([0, 9.9]), 70);
    assert.equal(new TumblingWindow(10).expiresAt([0, 9.9]), Number.POSITIVE_INFINITY);
    assert.ok(new SlidingWindow(1, 1, { expires: 5 }).expiresAt([0, 2]) > 7);
  });

  it('refuses expires shorter than grace, and negative values', () => {
    assert.throws(
      () => new TumblingWindow(10, { expires: 5, grace: 10 }),
      /expires \(5 s\) is shorter than grace \(10 s\)/,
    );
    assert.throws(() => new TumblingWindow(10, { grace: -1 }), /grace must be/);
    assert.throws(() => new SlidingWindow(-1, 1), /before must be/);
  });

  it('describes itself', () => {
    assert.equal(
      new HoppingWindow(60, 10, { expires: 600, grace: 5 }).describe(),
      'hopping(size=60, step=10, expires=600, grace=5)',
    );
    assert.equal(new TumblingWindow(60).describe(), 'tumbling(size=60)');
    assert.equal(new SlidingWindow(1, 2).describe(), 'sliding(before=1, after=2)');
  });
});

describe('pythonFloorDiv', () => {
  it("is Python's float //, not always Math.floor(a / b)", () => {
    assert.equal(pythonFloorDiv(7, 3), 2);
    assert.equal(pythonFloorDiv(-7, 3), -3);
    assert.equal(pythonFloorDiv(7, -3), -3);
    assert.equal(pythonFloorDiv(7.5, 2), 3);
    assert.equal(pythonFloorDiv(-0.5, 1), -1);
    // Python: 1 // 0.1 == 9.0, because 0.1 is slightly above one tenth; 1 / 0.1 rounds to 10.
    assert.equal(pythonFloorDiv(1, 0.1), 9);
    assert.equal(Math.floor(1 / 0.1), 10);
    assert.throws(() => pythonFloorDiv(1, 0), /division by zero/);
  });
});
