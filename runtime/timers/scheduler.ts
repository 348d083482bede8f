import type { LifecycleHooks } from '../core/lifecycle.js';
import type { Logger } from '../core/logging/index.js';
import { type Clock, systemClock } from './clock.js';
import { CronSchedule } from './cron-schedule.js';
import { IntervalSchedule } from './interval-schedule.js';
import { type Job, type JobKind, JobRunner } from './job.js';
import { lateThresholdMs, PeriodicJob } from './periodic-job.js';
import type { Schedule } from './schedule.js';
import { type AppService, ServiceGroup } from './services.js';
import { settlesWithin } from './settle.js';

/** A task, timer or crontab body: it gets the app (Faust's functions may take app). */
export type JobHandler<A> = (app: A) => unknown;

export interface TaskOptions {
  /** Run only on the worker that is the leader (checked when the run is due). */
  onLeader?: boolean;
  /** For logs; the handler's function name, or a description of the schedule, otherwise. */
  name?: string;
}

export interface TimerOptions extends TaskOptions {
  /** How much one sleep may be shortened to get back on schedule, in seconds (Faust: 0.1). */
  maxDriftCorrection?: number;
}

export interface CrontabOptions extends TaskOptions {
  /** IANA time zone of the expression; the app's `timezone` setting (UTC by default) otherwise. */
  timezone?: string;
}

/** What the scheduler needs from its app. */
export interface SchedulerHost<A> {
  /** Passed to every handler and service. */
  readonly app: A;
  readonly logger: Logger;
  readonly conf: {
    readonly timezone: string;
    readonly topicDisableLeader: boolean;
    readonly shutdownTimeout: number;
  };
  isLeader(): boolean;
  /** Something fatal happened (a service failed to start): the worker stops. */
  crash(error: Error): void;
}

export const DEFAULT_MAX_DRIFT_CORRECTION = 0.1;

interface Periodic {
  runner: JobRunner;
  schedule: () => Schedule;
  lateLogMs?: number;
}

/**
 * The app's tasks, timers, crontabs and services, as one part of its lifecycle. When the worker
 * is ready (first assignment handled, tables recovered), services start in declaration order,
 * then tasks run once and timers and crontabs start. At shutdown (agents still running) timers
 * stop, running bodies finish (bounded by `shutdownTimeout`), and services stop in reverse order.
 */
export class Scheduler<A> implements LifecycleHooks {
  readonly name = 'timers';
  private readonly tasks: JobRunner[] = [];
  private readonly periodic: Periodic[] = [];
  private readonly running: PeriodicJob[] = [];
  private readonly serviceGroup = new ServiceGroup<A>();
  private readonly names = new Set<string>();
  private ready: Promise<void> | undefined;
  private stopping = false;

  constructor(
    private readonly host: SchedulerHost<A>,
    private readonly clock: Clock = systemClock,
  ) {}

  task(options: TaskOptions, handler: JobHandler<A>): Job {
    const runner = this.runner('task', options, handler, handler.name || 'anonymous');
    this.tasks.push(runner);
    return runner;
  }

  timer(seconds: number, options: TimerOptions, handler: JobHandler<A>): Job {
    const correction = options.maxDriftCorrection ?? DEFAULT_MAX_DRIFT_CORRECTION;
    const make = () => new IntervalSchedule(seconds * 1000, correction * 1000);
    make(); // an invalid interval fails here, where it is declared
    const runner = this.runner('timer', options, handler, handler.name || `every ${seconds}s`);
    this.periodic.push({
      runner,
      schedule: make,
      lateLogMs: seconds >= 1 ? lateThresholdMs(seconds * 1000) : undefined,
    });
    return runner;
  }

  crontab(expression: string, options: CrontabOptions, handler: JobHandler<A>): Job {
    if (typeof expression !== 'string' || expression.trim() === '') {
      throw new Error(
        `app.crontab() needs a cron expression such as '*/5 * * * *', got ${String(expression)}`,
      );
    }
    new CronSchedule(expression, options.timezone ?? 'UTC'); // an invalid expression or zone fails here
    const runner = this.runner('crontab', options, handler, handler.name || `'${expression}'`);
    // The app's time zone is read at start, once command-line flags are applied.
    const schedule = () => new CronSchedule(expression, options.timezone ?? this.host.conf.timezone);
    this.periodic.push({ runner, schedule });
    return runner;
  }

  service<S extends AppService<A>>(service: S): S {
    return this.serviceGroup.add(service);
  }

  jobs(): Job[] {
    return this.runners();
  }

  private runners(): JobRunner[] {
    return [...this.tasks, ...this.periodic.map((p) => p.runner)];
  }

  services(): string[] {
    return this.serviceGroup.names();
  }

  onReady(): void {
    this.ready = this.begin();
  }

  async onStop(): Promise<void> {
    this.stopping = true;
    for (const job of this.running) job.stop();
    await this.ready;
    const { app, logger, conf } = this.host;
    const timeoutMs = conf.shutdownTimeout * 1000;
    const busy = this.runners().filter((job) => job.busy);
    if (busy.length > 0) {
      const idle = Promise.all(busy.map((job) => job.idle()));
      if (!(await settlesWithin(idle, timeoutMs, this.clock))) {
        const still = busy.filter((job) => job.busy).map((job) => job.label);
        logger.warn(
          `${still.join(', ')} did not finish within ${conf.shutdownTimeout}s; going on with shutdown`,
        );
      }
    }
    await this.serviceGroup.stopAll(app, logger, this.clock, timeoutMs);
  }

  private async begin(): Promise<void> {
    const { app, logger, conf } = this.host;
    try {
      await this.serviceGroup.startAll(app, logger, () => this.stopping);
    } catch (error) {
      logger.error((error as Error).message, { err: (error as Error).cause });
      this.host.crash(error as Error);
      return;
    }
    if (this.stopping) return;
    if (conf.topicDisableLeader) {
      for (const job of this.jobs().filter((j) => j.onLeader)) {
        logger.warn(
          `${job.kind} ${job.name} runs onLeader, but topicDisableLeader is set: no worker is the leader, so it never runs`,
        );
      }
    }
    for (const task of this.tasks) task.tryRun();
    for (const { runner, schedule, lateLogMs } of this.periodic) {
      let job: PeriodicJob;
      try {
        job = new PeriodicJob(runner, schedule(), this.clock, logger, lateLogMs);
      } catch (error) {
        logger.error(`${runner.label} cannot start: ${(error as Error).message}`);
        continue;
      }
      this.running.push(job);
      job.start();
    }
  }

  private runner(
    kind: JobKind,
    options: TaskOptions,
    handler: JobHandler<A>,
    fallbackName: string,
  ): JobRunner {
    if (typeof handler !== 'function') {
      throw new Error(`app.${kind}(): the last argument must be the handler function, got ${typeof handler}`);
    }
    const name = this.uniqueName(kind, options.name, fallbackName);
    return new JobRunner({
      kind,
      name,
      onLeader: options.onLeader ?? false,
      handler: () => handler(this.host.app),
      logger: this.host.logger,
      isLeader: () => this.host.isLeader(),
    });
  }

  private uniqueName(kind: JobKind, given: string | undefined, fallback: string): string {
    if (given !== undefined) {
      if (this.names.has(`${kind}\u0000${given}`)) throw new Error(`${kind} ${given} is already defined`);
      this.names.add(`${kind}\u0000${given}`);
      return given;
    }
    let name = fallback;
    for (let n = 2; this.names.has(`${kind}\u0000${name}`); n++) name = `${fallback}#${n}`;
    this.names.add(`${kind}\u0000${name}`);
    return name;
  }
}

/**
 * Splits `(options, handler)` / `(handler)` arguments: the options may be left out.
 * `what` names the method for errors (`app.timer()`).
 */
export function optionsAndHandler<O extends object, H>(
  what: string,
  optionsOrHandler: O | H,
  handler: H | undefined,
): { options: O; handler: H } {
  if (typeof optionsOrHandler === 'function') {
    if (handler !== undefined) throw new Error(`${what}: pass the options before the handler`);
    return { options: {} as O, handler: optionsOrHandler as H };
  }
  if (typeof handler !== 'function') {
    throw new Error(`${what}: the last argument must be the handler function, got ${typeof handler}`);
  }
  return { options: (optionsOrHandler ?? {}) as O, handler };
}
