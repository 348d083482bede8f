/**
 * Decides whether a crashed actor may restart: at most `maxRestarts` restarts within
 * `windowMs` (Faust's OneForOneSupervisor allows 100 per second), else the agent gives up.
 */
export class RestartBudget {
  private readonly restarts: number[] = [];

  constructor(
    readonly maxRestarts = 100,
    readonly windowMs = 1000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Records a restart; false when the budget is exhausted. */
  take(): boolean {
    const now = this.now();
    while (this.restarts.length > 0 && now - this.restarts[0]! > this.windowMs) this.restarts.shift();
    if (this.restarts.length >= this.maxRestarts) return false;
    this.restarts.push(now);
    return true;
  }
}

/**
 * one_for_one: restart the crashed actor (within the restart budget); forfeit: leave it stopped
 * (Faust's ForfeitOneForOneSupervisor); crashing: stop the worker (CrashingSupervisor).
 */
export type SupervisorStrategy = 'one_for_one' | 'forfeit' | 'crashing';
