import type { GroupAssignor, GroupSnapshot } from '../group-protocol.js';
import type { CommitOffset, TopicPartition, TransportOptions } from '../types.js';
import { rangeAssign } from './range-assignor.js';
import { compareTopicPartitions, formatTopicPartition, partitionKey } from './topic-partition.js';

export type TransportLog = NonNullable<TransportOptions['log']>;

/** What the coordinator needs from a member (implemented by the memory consumer). */
export interface GroupMemberClient {
  readonly topics: ReadonlySet<string>;
  /**
   * Custom assignment protocols the member offers, in preference order (ConsumerOptions'
   * GroupAssignors). The group uses the leader's first protocol that every member offers, as Kafka
   * does; with none in common, Kafka's range assignor.
   */
  readonly assignors?: readonly GroupAssignor[];
  /** A rebalance began: stop delivering, let in-flight batches settle, then call rejoin(). */
  rebalanceStarted(): void;
  /** The rebalance completed; this is the member's whole assignment for `generation`. */
  assigned(generation: number, assignment: TopicPartition[]): void;
  /** Removed for not rejoining within the rebalance timeout; join again to come back. */
  expelled(): void;
}

interface MemberState {
  readonly memberId: string;
  readonly client: GroupMemberClient;
  readonly rebalanceTimeoutMs: number;
  assignment: TopicPartition[];
  /** The assignment user data of the custom protocol in use (empty with the range assignor). */
  userData: Buffer;
  owned: Set<string>;
  rejoined: boolean;
  appliedGeneration: number;
}

/**
 * One consumer group, following Kafka's eager protocol. A join, a leave or a change to a
 * subscribed topic starts a rebalance: every member stops fetching, finishes its in-flight
 * batches and rejoins; once all have (or the rebalance timeout expelled the stragglers) the
 * generation goes up and the range assignor hands out the partitions. Commits are accepted from
 * members of the current generation for partitions they own, as Kafka's coordinator does
 * (including while a rebalance is being prepared, so a member can commit before giving up work).
 */
export class GroupCoordinator {
  private generationId = 0;
  private rebalancing = false;
  private rebalanceTimer: NodeJS.Timeout | undefined;
  private readonly members = new Map<string, MemberState>();
  private readonly committed = new Map<string, Map<number, number>>();

  constructor(
    readonly groupId: string,
    private readonly partitionCount: (topic: string) => number | undefined,
    private readonly log?: TransportLog,
  ) {}

  get generation(): number {
    return this.generationId;
  }

  get isRebalancing(): boolean {
    return this.rebalancing;
  }

  memberIds(): string[] {
    return [...this.members.keys()].sort();
  }

  join(memberId: string, client: GroupMemberClient, rebalanceTimeoutMs: number): void {
    if (this.members.has(memberId))
      throw new Error(`group "${this.groupId}": member ${memberId} joined twice`);
    this.members.set(memberId, {
      memberId,
      client,
      rebalanceTimeoutMs,
      assignment: [],
      userData: Buffer.alloc(0),
      owned: new Set(),
      rejoined: true,
      appliedGeneration: -1,
    });
    this.startRebalance(`member ${memberId} joined`, memberId);
  }

  /** A member is ready for the new assignment. False when it is no longer in the group. */
  rejoin(memberId: string): boolean {
    const member = this.members.get(memberId);
    if (!member) return false;
    member.rejoined = true;
    this.tryCompleteRebalance();
    return true;
  }

  leave(memberId: string): void {
    if (!this.members.delete(memberId)) return;
    this.startRebalance(`member ${memberId} left`);
  }

  /** The member adopted `generation` (it now fetches for that assignment); its commits count again. */
  markApplied(memberId: string, generation: number): void {
    const member = this.members.get(memberId);
    if (member) member.appliedGeneration = generation;
  }

  /** Topics were created or deleted: rebalance when any member subscribes to one of them. */
  topicsChanged(topics: readonly string[]): void {
    for (const member of this.members.values()) {
      if (topics.some((topic) => member.client.topics.has(topic))) {
        this.startRebalance(`subscribed topics changed: ${topics.join(', ')}`);
        return;
      }
    }
  }

  /** Validates every offset first, so a rejected commit stores nothing. */
  commit(memberId: string, offsets: readonly CommitOffset[]): void {
    const member = this.members.get(memberId);
    const where = `group "${this.groupId}": commit by member ${memberId} rejected`;
    if (!member) {
      throw new Error(`${where}: it is not a member of the group (it left or was removed in a rebalance)`);
    }
    if (member.appliedGeneration !== this.generationId) {
      throw new Error(
        `${where}: rebalance in progress (generation ${this.generationId} is not yet adopted by this member)`,
      );
    }
    for (const { topic, partition, offset } of offsets) {
      if (!member.owned.has(partitionKey(topic, partition))) {
        throw new Error(
          `${where}: ${formatTopicPartition(topic, partition)} is not assigned to it in generation ${this.generationId}`,
        );
      }
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new Error(
          `${where}: offset ${offset} for ${formatTopicPartition(topic, partition)} is invalid`,
        );
      }
    }
    this.store(offsets);
  }

  /**
   * Offsets committed by a transaction (Kafka's TxnOffsetCommit without group metadata, as
   * transactional producers of EOS v1 send them): not tied to a member; the producer's fencing
   * by transactional id keeps zombies out instead.
   */
  commitTransactional(offsets: readonly CommitOffset[]): void {
    for (const { topic, partition, offset } of offsets) {
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new Error(
          `group "${this.groupId}": transactional commit: offset ${offset} for ${formatTopicPartition(topic, partition)} is invalid`,
        );
      }
    }
    this.store(offsets);
  }

  private store(offsets: readonly CommitOffset[]): void {
    for (const { topic, partition, offset } of offsets) {
      let partitions = this.committed.get(topic);
      if (!partitions) {
        partitions = new Map();
        this.committed.set(topic, partitions);
      }
      partitions.set(partition, offset);
    }
  }

  /** What Kafka's DescribeGroups tells: the state and every member's assignment user data. */
  describe(): GroupSnapshot {
    const state = this.rebalancing ? 'rebalancing' : this.members.size === 0 ? 'empty' : 'stable';
    return {
      state,
      members: [...this.members.values()].map((member) => ({
        memberId: member.memberId,
        userData: state === 'stable' ? member.userData : Buffer.alloc(0),
      })),
    };
  }

  committedOffset(topic: string, partition: number): number | undefined {
    return this.committed.get(topic)?.get(partition);
  }

  /** A deleted topic takes its committed offsets with it, as in Kafka. */
  forgetTopic(topic: string): void {
    this.committed.delete(topic);
  }

  /** Stops the rebalance timer; the group is being thrown away. */
  dispose(): void {
    this.clearRebalanceTimer();
  }

  /** `joiningMemberId` has nothing in flight yet, so it counts as rejoined already. */
  private startRebalance(reason: string, joiningMemberId?: string): void {
    this.log?.('debug', `memory group "${this.groupId}": rebalance (${reason})`, { groupId: this.groupId });
    if (!this.rebalancing) {
      this.rebalancing = true;
      const stragglers = [...this.members.values()].filter((member) => member.memberId !== joiningMemberId);
      for (const member of stragglers) member.rejoined = false;
      if (stragglers.length > 0) this.armRebalanceTimer();
      for (const member of stragglers) member.client.rebalanceStarted();
    }
    this.tryCompleteRebalance();
  }

  private tryCompleteRebalance(): void {
    if (!this.rebalancing) return;
    for (const member of this.members.values()) if (!member.rejoined) return;
    this.clearRebalanceTimer();
    this.rebalancing = false;
    this.generationId++;
    const members = [...this.members.values()];
    const assignments = this.computeAssignments(members);
    for (const member of members) {
      const assigned = assignments.get(member.memberId);
      member.assignment = assigned?.partitions ?? [];
      member.userData = assigned?.userData ?? Buffer.alloc(0);
      member.owned = new Set(member.assignment.map((tp) => partitionKey(tp.topic, tp.partition)));
    }
    const generation = this.generationId;
    for (const member of members) {
      member.client.assigned(
        generation,
        member.assignment.map((tp) => ({ ...tp })),
      );
    }
  }

  /**
   * The leader (the longest-standing member, as in Kafka) runs the first of its protocols that every
   * member offers; without one, the range assignor. Partitions of topics a member did not
   * subscribe to are dropped, as kafkajs does.
   */
  private computeAssignments(
    members: readonly MemberState[],
  ): Map<string, { partitions: TopicPartition[]; userData: Buffer }> {
    const protocol = members[0]?.client.assignors?.find((candidate) =>
      members.every((member) =>
        member.client.assignors?.some((offer) => offer.protocol === candidate.protocol),
      ),
    );
    if (!protocol) {
      const offered = members.filter((member) => (member.client.assignors?.length ?? 0) > 0);
      if (offered.length > 0) {
        this.log?.(
          'warn',
          `memory group "${this.groupId}": no assignment protocol common to all members; range assignor used`,
          {
            groupId: this.groupId,
          },
        );
      }
      const ranges = rangeAssign(
        members.map((member) => ({ memberId: member.memberId, topics: member.client.topics })),
        this.partitionCount,
      );
      return new Map(
        [...ranges].map(([memberId, partitions]) => [memberId, { partitions, userData: Buffer.alloc(0) }]),
      );
    }
    const subscriptions = members.map((member) => {
      const topics = [...member.client.topics].sort();
      const own = member.client.assignors!.find((offer) => offer.protocol === protocol.protocol)!;
      return { memberId: member.memberId, topics, userData: own.subscription(topics) };
    });
    const result = new Map<string, { partitions: TopicPartition[]; userData: Buffer }>();
    for (const { memberId, partitions, userData } of protocol.assign(subscriptions, this.partitionCount)) {
      const topics = this.members.get(memberId)?.client.topics;
      if (!topics) continue;
      result.set(memberId, {
        partitions: partitions.filter((tp) => topics.has(tp.topic)).sort(compareTopicPartitions),
        userData,
      });
    }
    return result;
  }

  private armRebalanceTimer(): void {
    this.clearRebalanceTimer();
    let timeoutMs = 0;
    for (const member of this.members.values()) timeoutMs = Math.max(timeoutMs, member.rebalanceTimeoutMs);
    // Kept referenced, as a Kafka client's sockets would be: it only exists while a rebalance waits.
    this.rebalanceTimer = setTimeout(() => this.expelStragglers(timeoutMs), timeoutMs);
  }

  private clearRebalanceTimer(): void {
    if (this.rebalanceTimer) clearTimeout(this.rebalanceTimer);
    this.rebalanceTimer = undefined;
  }

  private expelStragglers(timeoutMs: number): void {
    this.rebalanceTimer = undefined;
    for (const member of [...this.members.values()]) {
      if (member.rejoined) continue;
      this.members.delete(member.memberId);
      this.log?.('warn', `memory group "${this.groupId}": member ${member.memberId} removed`, {
        groupId: this.groupId,
        reason: `did not rejoin within the rebalance timeout (${timeoutMs} ms): an onBatch/onAssigned promise is still pending`,
      });
      member.client.expelled();
    }
    this.tryCompleteRebalance();
  }
}
