/**
 * Who holds what in the consumer group after a rebalance: every member's actives, standbys and web
 * URL. Each worker has one after every rebalance (FaustgenAssignor.current()/whenAssigned()); the
 * table layer reads its own standbys here and the web layer looks up which worker owns a partition.
 */
import type { TopicPartition } from '../transport/types.js';
import type { TopicPartitions } from './types.js';

export interface MemberAssignment {
  readonly memberId: string;
  /** The member's canonicalUrl (undefined when it has none). */
  readonly url: string | undefined;
  /** Every topic, table topics included. */
  readonly actives: Readonly<TopicPartitions>;
  readonly standbys: Readonly<TopicPartitions>;
}

const slot = (topic: string, partition: number): string => `${partition}\u0000${topic}`;

export class ClusterAssignment {
  private readonly byId = new Map<string, MemberAssignment>();
  private readonly activeIndex = new Map<string, MemberAssignment[]>();
  private readonly standbyIndex = new Map<string, MemberAssignment[]>();

  /**
   * @param generation the transport generation this describes
   * @param memberId this worker's member id
   * @param assignmentId the leader's computation it comes from ('' when not read from the group)
   * @param complete false when the group could not be read and only this member's own Kafka
   *   assignment is known (no standbys, no other members)
   */
  constructor(
    readonly generation: number,
    readonly memberId: string,
    readonly assignmentId: string,
    members: readonly MemberAssignment[],
    readonly complete: boolean,
  ) {
    for (const member of [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : 1))) {
      this.byId.set(member.memberId, member);
      index(this.activeIndex, member, member.actives);
      index(this.standbyIndex, member, member.standbys);
    }
    if (!this.byId.has(memberId)) {
      throw new Error(
        `cluster assignment of generation ${generation} does not include this member (${memberId})`,
      );
    }
  }

  /** This worker's part. */
  get self(): MemberAssignment {
    return this.byId.get(this.memberId)!;
  }

  /** Every member, ordered by member id. */
  get members(): readonly MemberAssignment[] {
    return [...this.byId.values()];
  }

  member(memberId: string): MemberAssignment | undefined {
    return this.byId.get(memberId);
  }

  /** The members holding the partition active (several for a global table's topic). */
  activeOwners(topic: string, partition: number): readonly MemberAssignment[] {
    return this.activeIndex.get(slot(topic, partition)) ?? [];
  }

  /** The member reading the partition; this worker if it is one of several (global tables). */
  owner(topic: string, partition: number): MemberAssignment | undefined {
    const owners = this.activeOwners(topic, partition);
    return owners.find((member) => member.memberId === this.memberId) ?? owners[0];
  }

  standbyOwners(topic: string, partition: number): readonly MemberAssignment[] {
    return this.standbyIndex.get(slot(topic, partition)) ?? [];
  }

  /** The URL of the worker that owns the partition (undefined: nobody, or it has no URL). */
  urlFor(topic: string, partition: number): string | undefined {
    return this.owner(topic, partition)?.url;
  }

  /** Whether the owner of the partition is this worker. */
  isLocal(topic: string, partition: number): boolean {
    return this.activeOwners(topic, partition).some((member) => member.memberId === this.memberId);
  }

  /** This worker's active partitions (of one topic, or all). */
  actives(topic?: string): TopicPartition[] {
    return flatten(this.self.actives, topic);
  }

  /** This worker's standby partitions (of one topic, or all). */
  standbys(topic?: string): TopicPartition[] {
    return flatten(this.self.standbys, topic);
  }

  /** Plain data, for logs and the web's assignment view. */
  toJSON(): {
    generation: number;
    memberId: string;
    assignmentId: string;
    complete: boolean;
    members: MemberAssignment[];
  } {
    return {
      generation: this.generation,
      memberId: this.memberId,
      assignmentId: this.assignmentId,
      complete: this.complete,
      members: this.members.map((member) => ({ ...member })),
    };
  }
}

function index(
  target: Map<string, MemberAssignment[]>,
  member: MemberAssignment,
  owned: TopicPartitions,
): void {
  for (const [topic, partitions] of Object.entries(owned)) {
    for (const partition of partitions) {
      const key = slot(topic, partition);
      const list = target.get(key);
      if (list) list.push(member);
      else target.set(key, [member]);
    }
  }
}

function flatten(owned: TopicPartitions, topic: string | undefined): TopicPartition[] {
  const topics = topic === undefined ? Object.keys(owned).sort() : [topic];
  return topics.flatMap((name) => (owned[name] ?? []).map((partition) => ({ topic: name, partition })));
}
