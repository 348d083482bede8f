/** Timers and crontabs: intervals that tick, cron expressions that parse and fire, real time zones. */
import { Cron } from 'croner';
import { didYouMean } from '../issues.js';
import { type CheckContext, entryPointer } from './context.js';
import { isTimeZone, timeZoneNames } from './time-zones.js';

function checkCron(context: CheckContext, name: string, cron: string, timezone: string | undefined): void {
  const pointer = entryPointer('crontabs', name, 'cron');
  let schedule: Cron;
  try {
    schedule = new Cron(cron, { timezone, paused: true });
  } catch (error) {
    const reason = (error as Error).message.replace(/^CronPattern: /, '');
    context.issues.add({
      code: 'FG4008',
      pointer,
      message: `${JSON.stringify(cron)} is not a valid cron expression: ${reason}`,
      fix: 'write five fields: minute hour day-of-month month day-of-week, e.g. "*/5 * * * *" (every five minutes) or "0 3 * * MON"',
    });
    return;
  }
  if (schedule.nextRun() === null) {
    context.issues.add({
      code: 'FG4010',
      pointer,
      message: `${JSON.stringify(cron)} never fires: no date matches it`,
      fix: 'check the day-of-month and month fields (e.g. there is no February 30th)',
    });
  }
}

export function checkSchedules(context: CheckContext): void {
  for (const [name, timer] of Object.entries(context.topology.timers)) {
    if (timer.interval !== 0) continue;
    context.issues.add({
      code: 'FG4030',
      pointer: entryPointer('timers', name, 'interval'),
      message: 'the interval is 0: the timer would run without pause',
      fix: 'give a positive interval, e.g. 5 or "30s"',
    });
  }
  for (const [name, crontab] of Object.entries(context.topology.crontabs)) {
    let timezone = crontab.timezone;
    if (timezone !== undefined && !isTimeZone(timezone)) {
      context.issues.add({
        code: 'FG4009',
        pointer: entryPointer('crontabs', name, 'timezone'),
        message: `${JSON.stringify(timezone)} is not a time zone Node.js knows`,
        fix: 'use an IANA time zone name such as "UTC", "Europe/Oslo" or "America/New_York"',
        suggestion: didYouMean(timezone, timeZoneNames()),
      });
      timezone = undefined;
    }
    if (crontab.cron !== undefined) checkCron(context, name, crontab.cron, timezone);
  }
}
