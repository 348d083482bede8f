/**
 * One changelog partition read into a table's store: a recovery (up to a high watermark), a
 * standby replica or a global table partition (for as long as it is followed). Records are applied
 * in batches, one store transaction each (with the offset of the batch's last record); at most two
 * batches are in flight, after which reading waits.
 *
 * Reaching the high watermark: a recovery is done once the position (one past the last offset
 * seen, records or skipped offsets alike) reaches the watermark taken when it started. Offsets
 * missing from a compacted log are simply never seen, and transaction markers move the position
 * through ChangelogReader's onPosition, so a recovery never waits for an offset that does not exist.
 */
import type { Message } from '../transport/types.js';
import type { Collection } from './collection.js';
import type { PartitionFollower } from './reader.js';

export type ReplicaRole = 'recovery' | 'standby' | 'global';

export class PartitionReplica implements PartitionFollower {
  /** One past the last offset seen. */
  position: number;
  /** Records applied to the store since this replica started following. */
  applied = 0;
  /** Where the current recovery started and must reach (high watermark). */
  private start = 0;
  private target: number | undefined;
  private buffer: Message[] = [];
  private inFlight = 0;
  private chain: Promise<void> = Promise.resolve();
  private caughtUp: { promise: Promise<void>; resolve: () => void } | undefined;
  private failed = false;
  readonly startedAt = performance.now();

  constructor(
    readonly table: Collection<unknown>,
    readonly partition: number,
    public role: ReplicaRole,
    from: number,
    private readonly bufferSize: number,
    private readonly onFailure: (error: Error) => void,
  ) {
    this.position = from;
    this.start = from;
  }

  /** Records this recovery has to read, and how many it has read (for progress). */
  progress(): { done: number; total: number } {
    if (this.target === undefined) return { done: 0, total: 0 };
    const total = Math.max(0, this.target - this.start);
    return { done: Math.min(total, Math.max(0, this.position - this.start)), total };
  }

  get isCatchingUp(): boolean {
    return this.caughtUp !== undefined;
  }

  /** Resolves once the position reached `highWatermark` and everything read is in the store. */
  catchUp(highWatermark: number): Promise<void> {
    this.target = highWatermark;
    this.start = Math.min(this.position, highWatermark);
    if (!this.caughtUp) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.caughtUp = { promise, resolve };
    }
    const promise = this.caughtUp.promise;
    this.checkCaughtUp();
    return promise;
  }

  /** Gives up a catch-up (the partition was revoked, the worker stops): its waiters go on. */
  cancel(): void {
    this.target = undefined;
    const caughtUp = this.caughtUp;
    this.caughtUp = undefined;
    caughtUp?.resolve();
  }

  onRecords(messages: Message[]): void | Promise<void> {
    if (this.failed) return;
    for (const message of messages) this.buffer.push(message);
    this.position = messages[messages.length - 1]!.offset + 1;
    // While catching up, batch; once caught up (standby, global), apply as records come.
    const batching = this.target !== undefined && this.position < this.target;
    if (!batching || this.buffer.length >= this.bufferSize) this.flush();
    if (this.inFlight >= 2) return this.chain;
  }

  onPosition(next: number): void {
    if (next <= this.position) return;
    this.position = next;
    if (this.buffer.length > 0) this.flush();
    else this.checkCaughtUp();
  }

  /** Resolves once every record read so far is in the store. */
  async drained(): Promise<void> {
    if (this.buffer.length > 0) this.flush();
    await this.chain;
  }

  private flush(): void {
    const batch = this.buffer;
    if (batch.length === 0) return;
    this.buffer = [];
    this.inFlight++;
    this.chain = this.chain
      .then(() => this.table.applyChangelog(this.partition, batch))
      .then(
        (applied) => {
          this.applied += applied;
        },
        (error: unknown) => {
          if (this.failed) return;
          this.failed = true;
          const reason = error instanceof Error ? error.message : String(error);
          this.onFailure(
            new Error(
              `table ${this.table.name}: applying ${this.table.changelogTopic}[${this.partition}] failed: ${reason}`,
              { cause: error },
            ),
          );
        },
      )
      .finally(() => {
        this.inFlight--;
        this.checkCaughtUp();
      });
  }

  private checkCaughtUp(): void {
    if (!this.caughtUp || this.target === undefined) return;
    if (this.position < this.target || this.buffer.length > 0 || this.inFlight > 0 || this.failed) return;
    const caughtUp = this.caughtUp;
    this.caughtUp = undefined;
    caughtUp.resolve();
  }
}
