/**
 * A transport-neutral custom assignment protocol for consumer groups. The kafka:// transport runs it
 * as a kafkajs PartitionAssigner (kafkajs-assigner.ts); the memory:// group coordinator runs the
 * same object, so memory:// assigns exactly as Kafka does. Pass one in
 * `ConsumerOptions.partitionAssigners`.
 *
 * Kafka's group protocol: every member sends subscription user data when it joins; the leader
 * computes every member's assignment (topic partitions + assignment user data); each member gets
 * its own. kafkajs drops the assignment user data and has no way to see other members' parts, so
 * after each join the transport calls joined() and the assignor reads the whole group through the
 * GroupReader the transport attached (kafka: DescribeGroups; memory: the coordinator).
 *
 * A client whose assignors are built in (librdkafka) cannot run the protocol: its group uses one of
 * Kafka's own assignors, and no user data travels. Its reader then names the group's protocol and
 * gives each member's partitions and URL (carried in the member's client id), and the assignor
 * derives the rest from them (runtime/assignor/derived.ts).
 */
import type { TopicPartition } from './types.js';

const BRAND: unique symbol = Symbol.for('faustgen.GroupAssignor');

export interface GroupMemberSubscription {
  memberId: string;
  /** Topics the member subscribed to. */
  topics: string[];
  userData: Buffer;
}

export interface GroupMemberAssignment {
  memberId: string;
  /** Group-level assignment: partitions of topics the member subscribed to. */
  partitions: TopicPartition[];
  userData: Buffer;
}

/** The group as the coordinator describes it. Assignments are only meaningful while stable. */
export interface GroupSnapshot {
  state: 'stable' | 'rebalancing' | 'empty' | 'unknown';
  /**
   * The assignment protocol the group runs (e.g. 'range'), when the reader knows it. Undefined or
   * the assignor's own protocol: the members' user data holds the assignment.
   */
  protocol?: string;
  members: GroupSnapshotMember[];
}

export interface GroupSnapshotMember {
  memberId: string;
  /** The member's assignment user data (empty Buffer when the coordinator has none). */
  userData: Buffer;
  /** The member's group-level assignment, when the reader can decode it. */
  partitions?: TopicPartition[];
  /** The member's URL, when the transport carries it outside the user data (librdkafka: client id). */
  url?: string;
}

export type GroupReader = () => Promise<GroupSnapshot>;

export interface JoinedGroup {
  memberId: string;
  /** The transport's generation number (the one onAssigned reports). */
  generation: number;
  /** This member's group-level assignment. */
  assignment: TopicPartition[];
  /** The topics this member subscribed to. */
  topics: string[];
}

export interface GroupAssignor {
  readonly [BRAND]: true;
  /** The protocol name every member of the group must offer (Kafka picks one all support). */
  readonly protocol: string;
  readonly version: number;
  /** The subscription user data for a join; asked at every join. */
  subscription(topics: readonly string[]): Buffer;
  /**
   * Leader only: every member's assignment. `partitionCount` gives a subscribed topic's partition
   * count from the broker's metadata (undefined when unknown).
   */
  assign(
    members: readonly GroupMemberSubscription[],
    partitionCount: (topic: string) => number | undefined,
  ): GroupMemberAssignment[];
  /**
   * This member's URL (its canonicalUrl), asked when the consumer starts by a transport that carries
   * it outside the protocol's user data.
   */
  memberUrl?(): string | undefined;
  /** The transport's way to read the whole group; attached when the consumer is created. */
  attachGroupReader(reader: GroupReader): void;
  /** A join completed (called before the transport's onAssigned for that generation). */
  joined(info: JoinedGroup): void;
  /** The consumer stopped: stop reading the group. */
  left(): void;
}

/** Marks an object as a GroupAssignor (transports recognise it in `partitionAssigners`). */
export const GROUP_ASSIGNOR_BRAND: typeof BRAND = BRAND;

export function isGroupAssignor(value: unknown): value is GroupAssignor {
  return typeof value === 'object' && value !== null && (value as Partial<GroupAssignor>)[BRAND] === true;
}
