import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IntervalSchedule } from '../../../../runtime/timers/interval-schedule.js';

describe('IntervalSchedule (drift correction)', () => {
  it('is first due one interval after the start', () => {
    const schedule = new IntervalSchedule(1000, 100);
    assert.equal(schedule.first(5000), 6000);
  });

  it('shortens the next sleep by the lateness, so the timer stays on its grid', () => {
    const schedule = new IntervalSchedule(1000, 100);
    let due = schedule.first(0);
    for (let n = 1; n <= 50; n++) {
      const fired = due + 3; // every wake-up 3 ms late
      const next = schedule.next(due, fired);
      assert.equal(next.lateMs, 3);
      assert.equal(next.at, (n + 1) * 1000, `run ${n + 1} is due on the grid`);
      due = next.at;
    }
  });

  it('corrects at most maxDriftCorrection per tick, catching a long delay up over several ticks', () => {
    const schedule = new IntervalSchedule(1000, 100);
    schedule.first(0);
    // The event loop was blocked: the run due at 1000 fires at 1450.
    const sleeps: number[] = [];
    let fired = 1450;
    let next = schedule.next(1000, fired);
    sleeps.push(next.at - fired);
    for (let i = 0; i < 6; i++) {
      fired = next.at;
      next = schedule.next(next.at, fired);
      sleeps.push(next.at - fired);
    }
    // 450 ms late: 900, 900, 900, 900 (350 then 250, 150, 50 late), then 950, then back on the grid.
    assert.deepEqual(sleeps, [900, 900, 900, 900, 950, 1000, 1000]);
    assert.equal(next.at % 1000, 0);
  });

  it('drops the runs that fell due during a stall of a whole interval or more', () => {
    const schedule = new IntervalSchedule(1000, 100);
    schedule.first(0);
    const next = schedule.next(1000, 4200); // due at 1000, 2000, 3000, 4000: three missed
    assert.equal(next.missed, 3);
    assert.equal(next.lateMs, 200);
    assert.equal(next.at, 5100, 'a sleep of 900 ms: shortened by the correction, towards the grid');
    const after = schedule.next(next.at, next.at);
    assert.equal(after.missed, 0);
    assert.equal(after.at, 6000, 'back on the grid');
  });

  it('does not correct when the interval is not longer than the correction (as Faust)', () => {
    const schedule = new IntervalSchedule(50, 100);
    schedule.first(0);
    const a = schedule.next(50, 53);
    assert.equal(a.at, 103);
    const b = schedule.next(103, 110);
    assert.equal(b.at, 160, 'each sleep is the interval, from the wake-up');
    assert.equal(b.missed, 0);
  });

  it('with maxDriftCorrection 0, drift accumulates (the plain sleep loop)', () => {
    const schedule = new IntervalSchedule(1000, 0);
    let due = schedule.first(0);
    for (let n = 0; n < 10; n++) due = schedule.next(due, due + 3).at;
    assert.equal(due, 11_030);
  });

  it('refuses a non-positive interval and a negative correction', () => {
    assert.throws(() => new IntervalSchedule(0, 100), /positive number of seconds, got 0/);
    assert.throws(() => new IntervalSchedule(Number.NaN, 100), /positive number of seconds/);
    assert.throws(() => new IntervalSchedule(1000, -1), /maxDriftCorrection must be zero or more/);
  });
});
