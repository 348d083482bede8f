export { type Clock, systemClock } from './clock.js';
export { CronSchedule } from './cron-schedule.js';
export { IntervalSchedule } from './interval-schedule.js';
export type { Job, JobKind, JobStats } from './job.js';
export type { NextRun, Schedule } from './schedule.js';
export {
  type CrontabOptions,
  DEFAULT_MAX_DRIFT_CORRECTION,
  type JobHandler,
  optionsAndHandler,
  Scheduler,
  type SchedulerHost,
  type TaskOptions,
  type TimerOptions,
} from './scheduler.js';
export type { AppService } from './services.js';
