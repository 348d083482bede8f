/**
 * FaustgenAssignor: the `faustgen` group protocol for one worker's consumer.
 *
 *   const assignor = new FaustgenAssignor({ url: conf.canonicalUrl, standbyReplicas: conf.tableStandbyReplicas });
 *   assignor.declareTables([{ topic: 'app-counts-changelog', partitions: 4, global: false }]);
 *   transport.createConsumer({ ..., partitionAssigners: [assignor] });
 *   // after each rebalance:
 *   const cluster = await assignor.whenAssigned(generation);
 *   cluster.standbys();                      // this worker's standby partitions
 *   cluster.urlFor('app-counts-changelog', 3); // the worker owning partition 3
 *
 * Every member of the group must use it (Kafka refuses a join whose protocols share none with the
 * group). As leader it runs planAssignment with its own standbyReplicas. On a client that cannot run
 * it (librdkafka: the group uses range), every member derives the same from the group as read
 * (derived.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../core/logging/logger.js';
import type { TopicPartition } from '../transport/types.js';
import { ClusterAssignment, type MemberAssignment } from './cluster-assignment.js';
import { deriveCluster } from './derived.js';
import {
  GROUP_ASSIGNOR_BRAND,
  type GroupAssignor,
  type GroupMemberAssignment,
  type GroupMemberSubscription,
  type GroupReader,
  type GroupSnapshot,
  type JoinedGroup,
} from '../transport/group-protocol.js';
import { type AssignorMember, addPartition, planAssignment } from './plan.js';
import {
  type AssignmentData,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  PROTOCOL_NAME,
  PROTOCOL_VERSION,
  type SubscriptionData,
} from './protocol.js';
import type { TableTopic, TopicPartitions } from './types.js';

export interface FaustgenAssignorOptions {
  /** This worker's canonicalUrl, or a function giving it at join time (the web port may come later). */
  url?: string | (() => string | undefined);
  /** tableStandbyReplicas: standby copies per table partition (applied when this member leads). */
  standbyReplicas: number | (() => number);
  logger?: Pick<Logger, 'debug' | 'info' | 'warn'>;
  /** First delay before reading the group again when it is not stable yet; doubles up to 2 s. */
  retryDelayMs?: number;
  /** How long standbys() waits for the group to be readable before answering "none" (default 30 s). */
  standbyLookupTimeoutMs?: number;
  /**
   * How long the group is read after a join while it does not show that join's assignment (a
   * newer rebalance, or one not settled yet) before going on with this worker's own partitions
   * only, until the next rebalance (default 60 s).
   */
  groupReadTimeoutMs?: number;
}

type Listener = (assignment: ClusterAssignment) => void;

interface Waiter {
  generation: number;
  resolve: (assignment: ClusterAssignment) => void;
  reject: (error: Error) => void;
}

/** Reads of a group that is not yet stable before a warning is logged. */
const PATIENT_READS = 20;

export class FaustgenAssignor implements GroupAssignor {
  readonly [GROUP_ASSIGNOR_BRAND] = true as const;
  readonly protocol = PROTOCOL_NAME;
  readonly version = PROTOCOL_VERSION;
  private tables: TableTopic[] = [];
  private warm: TopicPartitions = {};
  private previous: { actives: TopicPartitions; standbys: TopicPartitions } = { actives: {}, standbys: {} };
  private reader: GroupReader | undefined;
  private latest: JoinedGroup | undefined;
  private cluster: ClusterAssignment | undefined;
  private readonly listeners = new Set<Listener>();
  private waiters: Waiter[] = [];
  private stopped = false;
  private warnedNoReader = false;

  constructor(private readonly options: FaustgenAssignorOptions) {
    if (typeof options.standbyReplicas === 'number') this.standbyReplicas();
  }

  private standbyReplicas(): number {
    const { standbyReplicas } = this.options;
    const replicas = typeof standbyReplicas === 'function' ? standbyReplicas() : standbyReplicas;
    if (!Number.isSafeInteger(replicas) || replicas < 0) {
      throw new Error(`assignor: standbyReplicas must be an integer >= 0, got ${replicas}`);
    }
    return replicas;
  }

  /**
   * The table topics (changelogs) this worker keeps; sent with every join, so call it before the
   * consumer starts (again after a change: the next join carries it).
   */
  declareTables(tables: readonly TableTopic[]): void {
    for (const table of tables) {
      if (!Number.isSafeInteger(table.partitions) || table.partitions <= 0) {
        throw new Error(
          `assignor: table topic ${table.topic} needs a positive partition count, got ${table.partitions}`,
        );
      }
    }
    this.tables = tables.map(({ topic, partitions, global }) => ({ topic, partitions, global }));
  }

  /** The table topics declared so far. */
  declaredTables(): TableTopic[] {
    return this.tables.map((table) => ({ ...table }));
  }

  /**
   * This worker's standby partitions (of every table topic) for `generation` (the table core's
   * StandbyProvider). Waits for the group to be read; if it cannot be within
   * standbyLookupTimeoutMs, answers none (the worker then keeps no standbys until the next
   * rebalance) and logs why.
   */
  async standbys(_assignment: readonly TopicPartition[], generation: number): Promise<TopicPartition[]> {
    const timeoutMs = this.options.standbyLookupTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
      timer.unref();
    });
    try {
      const cluster = await Promise.race([this.whenAssigned(generation), timedOut]);
      if (!cluster) {
        this.options.logger?.warn(
          `assignor: the group's assignment of generation ${generation} was not readable within ` +
            `${timeoutMs} ms; no standby partitions until the next rebalance`,
        );
        return [];
      }
      return cluster.standbys();
    } catch (error) {
      this.options.logger?.debug(
        `assignor: no standbys for generation ${generation}: ${(error as Error).message}`,
      );
      return [];
    } finally {
      clearTimeout(timer);
    }
  }

  /** Table partitions this worker has local state for (preferred when partitions move). */
  setWarmPartitions(partitions: TopicPartitions): void {
    this.warm = copy(partitions);
  }

  /** The cluster assignment of the latest rebalance read so far (undefined before the first). */
  current(): ClusterAssignment | undefined {
    return this.cluster;
  }

  /**
   * Resolves with the cluster assignment of `generation` or a later one (check `.generation`);
   * rejects once the consumer stopped.
   */
  whenAssigned(generation = 1): Promise<ClusterAssignment> {
    if (this.cluster && this.cluster.generation >= generation) return Promise.resolve(this.cluster);
    if (this.stopped) return Promise.reject(new Error('assignor: the consumer stopped'));
    return new Promise((resolve, reject) => this.waiters.push({ generation, resolve, reject }));
  }

  /** Called with each new cluster assignment; returns a function that unsubscribes. */
  onAssigned(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- GroupAssignor --------------------------------------------------------------------------

  subscription(_topics: readonly string[]): Buffer {
    const data: SubscriptionData = {
      url: this.url(),
      tables: this.tables,
      previous: this.previous,
      warm: this.warm,
    };
    return encodeSubscription(data);
  }

  assign(
    members: readonly GroupMemberSubscription[],
    partitionCount: (topic: string) => number | undefined,
  ): GroupMemberAssignment[] {
    const urls = new Map<string, string | undefined>();
    const assignorMembers: AssignorMember[] = members.map((member) => {
      let data: SubscriptionData;
      try {
        data = decodeSubscription(member.userData);
      } catch (error) {
        this.options.logger?.warn(
          `assignor: member ${member.memberId} sent unreadable subscription data; it is assigned without ` +
            `its previous partitions, tables or URL: ${(error as Error).message}`,
        );
        data = { url: undefined, tables: [], previous: { actives: {}, standbys: {} }, warm: {} };
      }
      urls.set(member.memberId, data.url);
      return {
        memberId: member.memberId,
        topics: member.topics,
        tables: data.tables,
        previous: data.previous,
        warm: data.warm,
      };
    });
    const plan = planAssignment({
      members: assignorMembers,
      partitionCount,
      standbyReplicas: this.standbyReplicas(),
    });
    for (const warning of plan.warnings) this.options.logger?.warn(`assignor: ${warning}`);
    const assignmentId = randomUUID();
    this.options.logger?.debug('assignor: assignment computed', {
      assignmentId,
      members: members.length,
      groups: plan.groups.map((group) => `${group.topics.join('+')} (${group.partitions} partitions)`),
    });
    return members.map((member) => {
      const memberPlan = plan.members.get(member.memberId)!;
      const partitions: TopicPartition[] = [];
      for (const topic of member.topics) {
        for (const partition of memberPlan.actives[topic] ?? []) partitions.push({ topic, partition });
      }
      const data: AssignmentData = {
        assignmentId,
        url: urls.get(member.memberId),
        actives: memberPlan.actives,
        standbys: memberPlan.standbys,
      };
      return { memberId: member.memberId, partitions, userData: encodeAssignment(data) };
    });
  }

  memberUrl(): string | undefined {
    return this.url();
  }

  attachGroupReader(reader: GroupReader): void {
    this.reader = reader;
  }

  joined(info: JoinedGroup): void {
    this.stopped = false;
    this.latest = { ...info, assignment: info.assignment.map((tp) => ({ ...tp })), topics: [...info.topics] };
    // Until the group is read, the Kafka assignment and the standbys of before are the best guess.
    this.previous = { actives: toTopicPartitions(info.assignment), standbys: this.previous.standbys };
    void this.readGroup(this.latest);
  }

  left(): void {
    this.stopped = true;
    this.latest = undefined;
    // A later consumer (a restart in this process) numbers its generations anew.
    this.cluster = undefined;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(new Error('assignor: the consumer stopped'));
  }

  // ---- reading the group ----------------------------------------------------------------------

  private url(): string | undefined {
    const { url } = this.options;
    return typeof url === 'function' ? url() : url;
  }

  private isCurrent(info: JoinedGroup): boolean {
    return !this.stopped && this.latest === info;
  }

  /** Reads the whole group until it shows this join's assignment, or a newer join supersedes it. */
  private async readGroup(info: JoinedGroup): Promise<void> {
    const reader = this.reader;
    if (!reader) {
      if (!this.warnedNoReader) {
        this.warnedNoReader = true;
        this.options.logger?.warn(
          'assignor: this transport cannot read the group; standbys and other workers are unknown',
        );
      }
      this.publish(this.ownOnly(info));
      return;
    }
    let delay = this.options.retryDelayMs ?? 50;
    const timeoutMs = this.options.groupReadTimeoutMs ?? 60_000;
    const started = Date.now();
    for (let attempt = 1; this.isCurrent(info); attempt++) {
      let problem: string;
      try {
        const outcome = await this.readOnce(reader, info);
        if (!this.isCurrent(info)) return;
        if (outcome instanceof ClusterAssignment) {
          this.publish(outcome);
          return;
        }
        problem = outcome;
      } catch (error) {
        problem = `reading the group failed: ${(error as Error).message}`;
      }
      if (Date.now() - started >= timeoutMs) {
        this.options.logger?.warn(
          `assignor: generation ${info.generation}: the group still does not show this join's assignment ` +
            `after ${attempt} reads in ${timeoutMs} ms (${problem}); going on with this worker's own ` +
            'partitions only (no standbys, other workers unknown) until the next rebalance',
        );
        this.publish(this.ownOnly(info));
        return;
      }
      const log = attempt % PATIENT_READS === 0 ? this.options.logger?.warn : this.options.logger?.debug;
      log?.call(
        this.options.logger,
        `assignor: generation ${info.generation} not readable yet (${problem}); retrying`,
        {
          attempt,
        },
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 2000);
    }
  }

  /** The cluster assignment, or why the group does not show this join's assignment (yet). */
  private async readOnce(reader: GroupReader, info: JoinedGroup): Promise<ClusterAssignment | string> {
    const snapshot = await reader();
    if (snapshot.state !== 'stable') return `the group is ${snapshot.state}`;
    if (snapshot.protocol !== undefined && snapshot.protocol !== PROTOCOL_NAME) {
      return this.derive(snapshot.protocol, snapshot.members, info);
    }
    const members: MemberAssignment[] = [];
    let assignmentId: string | undefined;
    for (const member of snapshot.members) {
      let data: AssignmentData;
      try {
        data = decodeAssignment(member.userData);
      } catch (error) {
        return `member ${member.memberId}: ${(error as Error).message}`;
      }
      if (assignmentId === undefined) assignmentId = data.assignmentId;
      else if (assignmentId !== data.assignmentId) return 'members hold parts of different assignments';
      members.push({
        memberId: member.memberId,
        url: data.url,
        actives: data.actives,
        standbys: data.standbys,
      });
    }
    const self = members.find((member) => member.memberId === info.memberId);
    if (!self) return `this member (${info.memberId}) is not in the group yet`;
    const mine = new Set(info.assignment.map(({ topic, partition }) => `${partition}:${topic}`));
    const described = new Set(
      info.topics.flatMap((topic) => (self.actives[topic] ?? []).map((partition) => `${partition}:${topic}`)),
    );
    if (mine.size !== described.size || [...mine].some((key) => !described.has(key))) {
      return 'the group shows another assignment for this member (a newer rebalance)';
    }
    return new ClusterAssignment(info.generation, info.memberId, assignmentId!, members, true);
  }

  /** A group on one of Kafka's own assignors: every member derives the same from the members' parts. */
  private derive(
    protocol: string,
    members: GroupSnapshot['members'],
    info: JoinedGroup,
  ): ClusterAssignment | string {
    const derived = deriveCluster({
      joined: info,
      protocol,
      members,
      tables: this.tables,
      standbyReplicas: this.standbyReplicas(),
      selfUrl: this.url(),
    });
    if (typeof derived === 'string') return derived;
    for (const warning of derived.warnings) {
      this.options.logger?.warn(`assignor: generation ${info.generation}: ${warning}`);
    }
    return derived.cluster;
  }

  private ownOnly(info: JoinedGroup): ClusterAssignment {
    const self: MemberAssignment = {
      memberId: info.memberId,
      url: this.url(),
      actives: toTopicPartitions(info.assignment),
      standbys: {},
    };
    return new ClusterAssignment(info.generation, info.memberId, '', [self], false);
  }

  private publish(assignment: ClusterAssignment): void {
    this.cluster = assignment;
    const { self } = assignment;
    this.previous = { actives: copy(self.actives), standbys: copy(self.standbys) };
    const ready = this.waiters.filter((waiter) => waiter.generation <= assignment.generation);
    this.waiters = this.waiters.filter((waiter) => waiter.generation > assignment.generation);
    for (const waiter of ready) waiter.resolve(assignment);
    for (const listener of this.listeners) {
      try {
        listener(assignment);
      } catch (error) {
        this.options.logger?.warn(`assignor: an onAssigned listener threw: ${(error as Error).message}`);
      }
    }
  }
}

function toTopicPartitions(partitions: readonly TopicPartition[]): TopicPartitions {
  const result: TopicPartitions = {};
  for (const { topic, partition } of partitions) addPartition(result, topic, partition);
  for (const list of Object.values(result)) list.sort((a, b) => a - b);
  return result;
}

function copy(partitions: Readonly<TopicPartitions>): TopicPartitions {
  return Object.fromEntries(Object.entries(partitions).map(([topic, list]) => [topic, [...list]]));
}
