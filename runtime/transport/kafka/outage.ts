/**
 * How long a consumer keeps rejoining its group while the broker is away.
 *
 * kafkajs restarts a crashed consumer on retriable errors only; on others, e.g. "Failed to find
 * group coordinator" while a broker restarts, it gives up at once. Every consumer of a worker (its
 * own, the changelog reader, RPC replies, leader election) then rejoins by itself with backoff, as
 * long as the outage lasts less than its budget: the longest of the session timeout, the rebalance
 * timeout and MIN_OUTAGE_BUDGET_MS (about as long as a send is retried before it fails for good, so
 * a worker does not outlive its producer). A join ends the outage. The producer retries a send
 * that found no broker for MIN_OUTAGE_BUDGET_MS (retryWhileUnreachable).
 */
import { isUnreachable } from './errors.js';

/** kafkajs errors, and Kafka error types, that mean a broker or the group coordinator is away. */
const OUTAGE_NAMES = new Set(['KafkaJSGroupCoordinatorNotFound', 'KafkaJSRequestTimeoutError']);
const OUTAGE_TYPES = new Set([
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR_FOR_GROUP',
  'NOT_COORDINATOR',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'REQUEST_TIMED_OUT',
]);

/**
 * Whether a failure means the broker (or its group coordinator) is away, rather than a problem a
 * rejoin cannot cure (an assignor that throws, a topic that does not exist, a refused login).
 */
export function isOutage(error: unknown): boolean {
  if (isUnreachable(error)) return true;
  for (const { name, type } of causes(error)) {
    if ((name && OUTAGE_NAMES.has(name)) || (type && OUTAGE_TYPES.has(type))) return true;
  }
  return false;
}

/** An error and its causes (at most 10 deep). */
function* causes(error: unknown): Generator<{ name?: string; type?: string }> {
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current && typeof current === 'object'; depth++) {
    yield current as { name?: string; type?: string };
    current = (current as { cause?: unknown }).cause;
  }
}

/** Whether the broker answered that its group coordinator is still loading (it is back, not ready). */
export function isLoading(error: unknown): boolean {
  for (const { type } of causes(error)) if (type === 'COORDINATOR_LOAD_IN_PROGRESS') return true;
  return false;
}

/** The least time a consumer rides out a broker outage. */
export const MIN_OUTAGE_BUDGET_MS = 60_000;
const FIRST_DELAY_MS = 300;
const MAX_DELAY_MS = 5_000;

export function outageBudgetMs(options: { sessionTimeoutMs: number; rebalanceTimeoutMs: number }): number {
  return Math.max(options.sessionTimeoutMs, options.rebalanceTimeoutMs, MIN_OUTAGE_BUDGET_MS);
}

export class OutageBudget {
  private since: number | undefined;
  private attempts = 0;

  constructor(
    readonly budgetMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Notes a failure; the outage starts with the first one since the last join. A broker that
   * answers "still loading" is back: the budget counts from its answer, so a restart whose
   * coordinator takes long to load its groups does not use up what was meant for the broker away.
   */
  failed(error?: unknown): void {
    if (isLoading(error)) this.since = this.now();
    else this.since ??= this.now();
    this.attempts++;
  }

  /** The group was joined: the outage (if any) is over. */
  joined(): void {
    this.since = undefined;
    this.attempts = 0;
  }

  /** Milliseconds since the outage began (0 when there is none). */
  get elapsedMs(): number {
    return this.since === undefined ? 0 : this.now() - this.since;
  }

  get exhausted(): boolean {
    return this.elapsedMs > this.budgetMs;
  }

  /** The wait before the next rejoin: doubling from 300 ms up to 5 s, never past the budget's end. */
  nextDelayMs(): number {
    const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, this.attempts - 1));
    return Math.max(0, Math.min(delay, this.budgetMs - this.elapsedMs + 1));
  }
}

/**
 * Runs `attempt` again, with the same backoff, while it fails because no broker answers and the
 * outage is within `budgetMs`; any other failure, or one past the budget, is thrown. kafkajs gives
 * up on an unreachable broker after its short cluster retries (seconds), which would fail every
 * send of a broker restart for good. A request retried this way may have been written before the
 * connection broke: duplicates, never loss (the producer is not idempotent anyway).
 */
export async function retryWhileUnreachable<T>(
  attempt: () => Promise<T>,
  options: { budgetMs: number; onRetry?: (error: unknown, delayMs: number, elapsedMs: number) => void },
): Promise<T> {
  const outage = new OutageBudget(options.budgetMs);
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      outage.failed();
      if (!isUnreachable(error) || outage.exhausted) throw error;
      const delay = outage.nextDelayMs();
      options.onRetry?.(error, delay, outage.elapsedMs);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
