/**
 * Which rebalance generation a batch handed over by kafkajs belongs to.
 *
 * The generation is the group's generation id when kafkajs told it (see consumer.ts), else one
 * more than the previous; it only grows. We also remember for each broker
 * node the generation in which its current fetch started (FETCH_START). kafkajs runs one fetcher per
 * node: fetch, hand the batches over, fetch again. Normally a rebalance first stops every fetcher
 * (REBALANCING), so no fetch spans a join. But kafkajs also re-joins from inside a fetch (stale
 * metadata, partitions added); another node's fetch may then have started under the old assignment
 * and hand its batches over after the join. Batches do not say which node fetched them, so while
 * any fetch that started before the latest join may still be handing over, batches get no
 * generation at all: the consumer withholds them without advancing kafkajs's position, and kafkajs
 * fetches them again for the new generation. Withholding costs a re-fetch, never a message.
 *
 * An entry older than `staleAfterMs` is ignored: a live fetcher starts a new fetch well within it, so
 * such an entry belongs to a fetcher that kafkajs dropped (a broker that left the cluster).
 */
export class FetchGenerations {
  private generation = 0;
  private readonly fetchStarts = new Map<number, { generation: number; at: number }>();

  constructor(
    private readonly staleAfterMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get current(): number {
    return this.generation;
  }

  /**
   * A GROUP_JOIN: a new generation begins. Takes the group's generation id when known and larger
   * than the current one, else the current one plus one; returns it.
   */
  joined(groupGenerationId?: number): number {
    this.generation =
      groupGenerationId !== undefined && groupGenerationId > this.generation
        ? groupGenerationId
        : this.generation + 1;
    return this.generation;
  }

  /** A FETCH_START from a node's fetcher. */
  fetchStarted(nodeId: number): void {
    this.fetchStarts.set(nodeId, { generation: this.generation, at: this.now() });
  }

  /** Every fetcher has stopped (REBALANCING, a crash): no fetch is in flight. */
  fetchersStopped(): void {
    this.fetchStarts.clear();
  }

  /**
   * The generation of a batch handed over now, or undefined while a fetch started before the latest
   * join may still be handing batches over.
   */
  batchGeneration(): number | undefined {
    const now = this.now();
    for (const [nodeId, start] of this.fetchStarts) {
      if (start.generation === this.generation) continue;
      if (now - start.at > this.staleAfterMs) {
        this.fetchStarts.delete(nodeId);
        continue;
      }
      return undefined;
    }
    return this.generation;
  }
}
