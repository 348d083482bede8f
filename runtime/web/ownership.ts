import type { ClusterView } from './host.js';
import { Unavailable } from './errors.js';

/** What the web layer needs to know about the worker to place a key. */
export interface OwnershipSource {
  /** The latest cluster assignment read from the group (undefined before the first). */
  cluster(): ClusterView | undefined;
  /** This worker's canonical URL. */
  selfUrl(): string;
}

export type Placement =
  | { kind: 'local'; partition: number }
  | { kind: 'remote'; partition: number; url: string };

/**
 * Whether the worker can place keys now: tracks first readiness and rebalances. A rebalance
 * starts with the engine's onAssigned and ends once the tables recovered and the group's
 * assignment of that generation is read; until then key-owned routes answer 503.
 */
export class OwnershipState {
  private ready = false;
  private stopping = false;
  private generation = 0;
  private settledGeneration = 0;

  get isReady(): boolean {
    return this.ready && !this.stopping;
  }

  get isRebalancing(): boolean {
    return this.generation !== this.settledGeneration;
  }

  get currentGeneration(): number {
    return this.generation;
  }

  /** The generation whose tables are recovered and whose group assignment was read. */
  get settled(): number {
    return this.settledGeneration;
  }

  markReady(): void {
    this.ready = true;
  }

  markStopping(): void {
    this.stopping = true;
  }

  rebalanceStarted(generation: number): void {
    this.generation = generation;
  }

  rebalanceSettled(generation: number): void {
    if (generation === this.generation) this.settledGeneration = generation;
  }

  /** Throws Unavailable (503) unless keys can be placed now. */
  assertServing(): void {
    if (this.stopping) throw new Unavailable('the worker is shutting down', 2);
    if (!this.ready) throw new Unavailable('the worker is starting: its tables are not recovered yet', 2);
    if (this.isRebalancing) throw new Unavailable('a rebalance is under way: partitions are moving');
  }
}

/**
 * Places partition `partition` of `topic`: local when `isLocal()` says this worker serves it,
 * else the owner's URL from the cluster assignment. `topic` may list co-partitioned topics in
 * order of preference: the owner is the first one's that has one. Throws Unavailable when the assignment is
 * stale, nobody owns the partition, or the request was already forwarded once (loop protection).
 */
export function place(
  state: OwnershipState,
  source: OwnershipSource,
  topics: string | readonly string[],
  partition: number,
  isLocal: () => boolean,
  forwardedBy: string | undefined,
): Placement {
  state.assertServing();
  const cluster = source.cluster();
  // Only the assignment whose recovery is done counts: a newer one means partitions are moving
  // (the table layer may already hold a partition it has not recovered yet).
  if (!cluster || cluster.generation !== state.settled) {
    throw new Unavailable('a rebalance is under way: the group assignment is changing');
  }
  const candidates = typeof topics === 'string' ? [topics] : topics;
  if (isLocal() && candidates.some((candidate) => cluster.isLocal(candidate, partition))) {
    return { kind: 'local', partition };
  }
  const topic = candidates[0] ?? '';
  let url: string | undefined;
  for (const candidate of candidates) {
    url = cluster.urlFor(candidate, partition);
    if (url) break;
  }
  if (!url) throw new Unavailable(`no worker owns partition ${partition} of ${topic} now`);
  if (sameUrl(url, source.selfUrl())) {
    throw new Unavailable(`partition ${partition} of ${topic} is moving to this worker`);
  }
  if (forwardedBy !== undefined) {
    throw new Unavailable(
      `partition ${partition} of ${topic} is not on this worker any more (forwarded here by ${forwardedBy}); the owner is ${url}`,
    );
  }
  return { kind: 'remote', partition, url };
}

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}
