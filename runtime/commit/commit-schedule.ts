/**
 * When offsets are committed: once `every` acks have accumulated (brokerCommitEvery) and at
 * least every `intervalMs` (brokerCommitInterval). The committer calls reset() as a commit
 * cycle begins, so the acks it covers are not counted again.
 */
export class CommitSchedule {
  private acks = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly every: number,
    private readonly intervalMs: number,
    private readonly commit: () => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(this.commit, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Counts an ack; commits when `every` acks have accumulated. */
  noteAck(): void {
    if (++this.acks >= this.every) this.commit();
  }

  reset(): void {
    this.acks = 0;
  }
}
