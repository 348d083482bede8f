import type { CommitOffset } from '../transport/types.js';
import type { AckTrackers } from './ack-tracker.js';
import { CommitSchedule } from './commit-schedule.js';

export interface CommitManagerOptions {
  /** Commit after this many acks (Faust's broker_commit_every). */
  every: number;
  /** Commit at least this often, in milliseconds (broker_commit_interval). */
  intervalMs: number;
  trackers: () => AckTrackers;
  /** Resolves when everything produced so far is acknowledged by the broker. */
  flush: () => Promise<void>;
  commit: (offsets: CommitOffset[]) => Promise<void>;
  generation: () => number;
  onCommitted?: (offsets: CommitOffset[], latencyMs: number) => void;
  onError?: (error: unknown, offsets: CommitOffset[]) => void;
}

/**
 * Commits the highest contiguous acked offsets, never before the producer has flushed what
 * the covered events sent: the at-least-once promise. Commits run one at a time.
 */
export class CommitManager {
  private readonly schedule: CommitSchedule;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly options: CommitManagerOptions) {
    this.schedule = new CommitSchedule(options.every, options.intervalMs, () => void this.commit());
  }

  start(): void {
    this.schedule.start();
  }

  stop(): void {
    this.schedule.stop();
  }

  /** Counts an ack; commits when `every` acks have accumulated. */
  noteAck(): void {
    this.schedule.noteAck();
  }

  /** Commits what is committable now; resolves when that commit (and any queued one) is done. */
  commit(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      this.schedule.reset();
      const generation = this.options.generation();
      const trackers = this.options.trackers();
      const offsets = trackers.pendingCommits();
      if (offsets.length === 0) continue;
      const started = performance.now();
      try {
        await this.options.flush();
        if (generation !== this.options.generation()) continue; // rebalanced meanwhile: redone by the owner
        await this.options.commit(offsets);
        trackers.markCommitted(offsets);
        this.options.onCommitted?.(offsets, performance.now() - started);
      } catch (error) {
        this.options.onError?.(error, offsets);
      }
    } while (this.again);
  }
}
