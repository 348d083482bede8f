import type { ClusterAssignment } from '../assignor/cluster-assignment.js';
import { Unavailable } from './errors.js';

/** What the web layer needs to know about the worker to place a key. */
export interface OwnershipSource {
  /** The latest cluster assignment read from the group (undefined before the first). */
  cluster(): ClusterAssignment | undefined;
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
 * else the owner's URL from the cluster assignment. Throws Unavailable when the assignment is
 * stale, nobody owns the partition, or the request was already forwarded once (loop protection).
 */
export function place(
  state: OwnershipState,
  source: OwnershipSource,
  topic: string,
  partition: number,
  isLocal: () => boolean,
  forwardedBy: string | undefined,
): Placement {
  state.assertServing();
  const cluster = source.cluster();
  if (!cluster || cluster.generation < state.currentGeneration) {
    throw new Unavailable('a rebalance is under way: the group assignment is not known yet');
  }
  if (isLocal()) return { kind: 'local', partition };
  const url = cluster.urlFor(topic, partition);
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
