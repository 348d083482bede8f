import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CronSchedule } from '../../../../runtime/timers/cron-schedule.js';

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('CronSchedule (croner)', () => {
  it('computes the next minute for */1, strictly after the given time', () => {
    const schedule = new CronSchedule('*/1 * * * *', 'UTC');
    assert.equal(iso(schedule.first(t('2024-01-01T00:00:30Z'))), '2024-01-01T00:01:00.000Z');
    assert.equal(iso(schedule.after(t('2024-01-01T00:01:00Z'))), '2024-01-01T00:02:00.000Z');
  });

  it('follows the time zone, across a daylight-saving change', () => {
    const schedule = new CronSchedule('30 9 * * *', 'Europe/Oslo');
    // 09:30 in Oslo is 08:30 UTC in winter (CET) and 07:30 UTC after 31 March 2024 (CEST).
    const first = schedule.first(t('2024-03-30T00:00:00Z'));
    assert.equal(iso(first), '2024-03-30T08:30:00.000Z');
    assert.equal(iso(schedule.next(first, first).at), '2024-03-31T07:30:00.000Z');
  });

  it('counts the runs dropped after a stall and resumes after the time it fired', () => {
    const schedule = new CronSchedule('* * * * *', 'UTC');
    const due = t('2024-01-01T00:01:00Z');
    const next = schedule.next(due, t('2024-01-01T00:04:10Z'));
    assert.equal(next.missed, 3, '00:02, 00:03 and 00:04 fell due during the stall');
    assert.equal(iso(next.at), '2024-01-01T00:05:00.000Z');
    assert.equal(next.lateMs, 190_000);
  });

  it('refuses, at declaration, an invalid expression, an unknown zone and a schedule that never runs', () => {
    assert.throws(() => new CronSchedule('61 * * * *', 'UTC'), /crontab "61 \* \* \* \*": .*minute/);
    assert.throws(() => new CronSchedule('* * * * *', 'Mars/Olympus'), /time zone Mars\/Olympus/);
    assert.throws(() => new CronSchedule('0 0 30 2 *', 'UTC'), /has no run after/);
  });
});
