import type { Logger } from '../core/logging/index.js';

export type JobKind = 'task' | 'timer' | 'crontab';

/** What a task, timer or crontab has done so far. */
export interface JobStats {
  /** Runs started. */
  runs: number;
  /** Runs that threw or rejected; each is logged with the job's name and the job goes on. */
  failures: number;
  /** Runs not started because the previous run was still going (a run is never started twice). */
  skippedBusy: number;
  /** Runs not started because the job is onLeader and this worker was not the leader then. */
  skippedNotLeader: number;
  /** Runs that fell due while the worker stalled, dropped rather than run late. */
  missed: number;
}

/** A declared task, timer or crontab, as others may inspect it. */
export interface Job {
  readonly kind: JobKind;
  readonly name: string;
  readonly onLeader: boolean;
  stats(): JobStats;
}

export interface JobRunnerOptions {
  kind: JobKind;
  name: string;
  onLeader: boolean;
  /** The user's handler, bound to its arguments. */
  handler: () => unknown;
  logger: Logger;
  /** Asked before every run of an onLeader job, so leadership may move between runs. */
  isLeader: () => boolean;
}

/** Runs a job's handler: one run at a time, onLeader checked each time, failures logged and counted. */
export class JobRunner implements Job {
  readonly kind: JobKind;
  readonly name: string;
  readonly onLeader: boolean;
  private readonly counts: JobStats = {
    runs: 0,
    failures: 0,
    skippedBusy: 0,
    skippedNotLeader: 0,
    missed: 0,
  };
  private current: Promise<void> | undefined;

  constructor(private readonly options: JobRunnerOptions) {
    this.kind = options.kind;
    this.name = options.name;
    this.onLeader = options.onLeader;
  }

  /** `timer heartbeat`, for log lines. */
  get label(): string {
    return `${this.kind} ${this.name}`;
  }

  stats(): JobStats {
    return { ...this.counts };
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Starts a run; returns false when it was not started (the previous run is busy, or not leader). */
  tryRun(): boolean {
    if (this.current) {
      this.counts.skippedBusy++;
      return false;
    }
    if (this.onLeader && !this.options.isLeader()) {
      this.counts.skippedNotLeader++;
      this.options.logger.debug(`${this.label} not run: this worker is not the leader`);
      return false;
    }
    this.counts.runs++;
    const run = this.invoke().finally(() => {
      this.current = undefined;
    });
    this.current = run;
    return true;
  }

  noteMissed(count: number): void {
    this.counts.missed += count;
  }

  /** Resolves when no run is in progress. */
  async idle(): Promise<void> {
    while (this.current) await this.current;
  }

  private async invoke(): Promise<void> {
    try {
      await this.options.handler();
    } catch (error) {
      this.counts.failures++;
      const message = error instanceof Error ? error.message : String(error);
      this.options.logger.error(`${this.label} failed: ${message}`, { err: error, [this.kind]: this.name });
    }
  }
}
