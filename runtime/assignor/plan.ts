/**
 * The assignment algorithm, pure: who reads which partition (active), who keeps a warm copy of which
 * table partition (standby), for one consumer group.
 *
 * 1. Co-partitioning. Topics with the same partition count and the same set of members form a
 *    co-partitioned group (as in Faust); partition N of every topic in a group goes to the same
 *    member, so the worker reading source partition N also holds changelog partition N.
 * 2. Balance. In each group every member gets floor(P/N) or ceil(P/N) actives, and exactly P mod N
 *    members get the larger count, so no member is starved (Faust's capacity ceil(P/N) can leave a
 *    rejoining worker with nothing, faust#93). Ties go to the member with fewer partitions overall.
 * 3. Stickiness. A member keeps the partitions it had (up to its share); a freed partition goes
 *    first to a member holding a standby or local state of it. So a member joining only takes
 *    partitions over, and a member leaving only gives its own away.
 * 4. Standbys. Groups containing table topics get min(standbyReplicas, N-1) standbys per partition,
 *    never on the member holding it active, balanced, sticky, and preferring the member that just
 *    gave the partition up (it has the data).
 * 5. Global tables: every member declaring one gets all of its partitions as actives.
 * Everything is ordered by member id, so every run over the same input gives the same output.
 */
import type { TableTopic, TopicPartitions } from './types.js';

export interface AssignorMember {
  readonly memberId: string;
  /** Topics the member subscribes to through the group. */
  readonly topics: readonly string[];
  /** Table topics the member keeps (subscribed or read by the table layer itself). */
  readonly tables: readonly TableTopic[];
  /** The member's assignment before this rebalance (empty for a new member). */
  readonly previous: { readonly actives: TopicPartitions; readonly standbys: TopicPartitions };
  /** Table partitions the member has local state for (e.g. a restarted worker's store). */
  readonly warm?: TopicPartitions;
}

export interface AssignmentProblem {
  readonly members: readonly AssignorMember[];
  /** Partition count of a subscribed topic per the broker; undefined when unknown. */
  partitionCount(topic: string): number | undefined;
  readonly standbyReplicas: number;
}

export interface MemberPlan {
  actives: TopicPartitions;
  standbys: TopicPartitions;
}

export interface CopartitionedGroup {
  /** Sorted topic names. */
  topics: string[];
  partitions: number;
  /** Sorted member ids. */
  members: string[];
  /** The group's table topics, which get standbys. */
  tableTopics: string[];
}

export interface AssignmentPlan {
  members: Map<string, MemberPlan>;
  groups: CopartitionedGroup[];
  /** Global table topics with their partition counts. */
  globalTopics: Map<string, number>;
  /** Inconsistencies the leader should log (e.g. members disagreeing on a partition count). */
  warnings: string[];
}

interface GroupState {
  readonly group: CopartitionedGroup;
  /** partition -> member id */
  readonly active: (string | undefined)[];
  /** partition -> standby member ids */
  readonly standby: Set<string>[];
  readonly prevActive: Map<string, Set<number>>;
  readonly prevStandby: Map<string, Set<number>>;
  readonly warm: Map<string, Set<number>>;
  /** Members granted a share of ceil(P/N). */
  readonly bigShare: Set<string>;
}

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function planAssignment(problem: AssignmentProblem): AssignmentPlan {
  const warnings: string[] = [];
  const members = [...problem.members].sort((a, b) => byId(a.memberId, b.memberId));
  const ids = members.map((member) => member.memberId);
  if (new Set(ids).size !== ids.length)
    throw new Error(`assignor: duplicate member ids in ${ids.join(', ')}`);
  if (!Number.isSafeInteger(problem.standbyReplicas) || problem.standbyReplicas < 0) {
    throw new Error(`assignor: standbyReplicas must be an integer >= 0, got ${problem.standbyReplicas}`);
  }
  const { counts, tableTopics, globalTopics } = resolveTopics(members, problem, warnings);

  const plans = new Map<string, MemberPlan>();
  for (const id of ids) plans.set(id, { actives: {}, standbys: {} });
  for (const [topic, partitions] of globalTopics) {
    for (const member of members) {
      if (holds(member, topic)) plans.get(member.memberId)!.actives[topic] = range(partitions);
    }
  }

  const states = buildGroups(members, counts, tableTopics, globalTopics).map((group) =>
    groupState(group, members),
  );
  const load = new Map<string, number>(ids.map((id) => [id, 0]));
  const standbyLoad = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const state of states) keepPrevious(state, load);
  for (const state of states) distribute(state, load);
  for (const state of states) assignStandbys(state, problem.standbyReplicas, standbyLoad);

  for (const state of states) {
    const { group } = state;
    state.active.forEach((memberId, partition) => {
      const plan = plans.get(memberId!)!;
      for (const topic of group.topics) addPartition(plan.actives, topic, partition);
    });
    state.standby.forEach((holders, partition) => {
      for (const memberId of holders) {
        const plan = plans.get(memberId)!;
        for (const topic of group.tableTopics) addPartition(plan.standbys, topic, partition);
      }
    });
  }
  for (const plan of plans.values()) {
    plan.actives = sortedTopicPartitions(plan.actives);
    plan.standbys = sortedTopicPartitions(plan.standbys);
  }
  return { members: plans, groups: states.map((state) => state.group), globalTopics, warnings };
}

/** Whether the member subscribes to or keeps a table on the topic. */
function holds(member: AssignorMember, topic: string): boolean {
  return member.topics.includes(topic) || member.tables.some((table) => table.topic === topic);
}

function resolveTopics(
  members: readonly AssignorMember[],
  problem: AssignmentProblem,
  warnings: string[],
): { counts: Map<string, number>; tableTopics: Set<string>; globalTopics: Map<string, number> } {
  const declared = new Map<string, { partitions: number; by: string; global: boolean }>();
  const tableTopics = new Set<string>();
  const globalNames = new Set<string>();
  for (const member of members) {
    for (const table of member.tables) {
      tableTopics.add(table.topic);
      if (table.global) globalNames.add(table.topic);
      const seen = declared.get(table.topic);
      if (!seen) {
        declared.set(table.topic, {
          partitions: table.partitions,
          by: member.memberId,
          global: table.global,
        });
        continue;
      }
      if (seen.partitions !== table.partitions) {
        warnings.push(
          `table topic ${table.topic}: member ${seen.by} says ${seen.partitions} partitions, member ` +
            `${member.memberId} says ${table.partitions}; using ${seen.partitions}`,
        );
      }
      if (seen.global !== table.global) {
        warnings.push(
          `table topic ${table.topic}: members disagree whether it is global; treating it as global`,
        );
      }
    }
  }
  const counts = new Map<string, number>();
  const names = new Set<string>();
  for (const member of members) for (const topic of member.topics) names.add(topic);
  for (const topic of declared.keys()) names.add(topic);
  for (const topic of [...names].sort()) {
    const subscribed = members.some((member) => member.topics.includes(topic));
    const fromBroker = subscribed ? problem.partitionCount(topic) : undefined;
    const fromTable = declared.get(topic)?.partitions;
    if (fromBroker !== undefined && fromTable !== undefined && fromBroker !== fromTable) {
      warnings.push(
        `table topic ${topic}: declared with ${fromTable} partitions, the broker has ${fromBroker}; using ${fromBroker}`,
      );
    }
    const count = fromBroker ?? fromTable;
    if (count === undefined || !Number.isSafeInteger(count) || count <= 0) {
      warnings.push(`topic ${topic}: partition count unknown (does it exist?); not assigned`);
      continue;
    }
    counts.set(topic, count);
  }
  const globalTopics = new Map<string, number>();
  for (const topic of [...globalNames].sort()) {
    const count = counts.get(topic);
    if (count !== undefined) globalTopics.set(topic, count);
  }
  return { counts, tableTopics, globalTopics };
}

function buildGroups(
  members: readonly AssignorMember[],
  counts: ReadonlyMap<string, number>,
  tableTopics: ReadonlySet<string>,
  globalTopics: ReadonlyMap<string, number>,
): CopartitionedGroup[] {
  const groups = new Map<string, CopartitionedGroup>();
  for (const [topic, partitions] of counts) {
    if (globalTopics.has(topic)) continue;
    const holders = members.filter((member) => holds(member, topic)).map((member) => member.memberId);
    if (holders.length === 0) continue;
    const key = `${partitions}\u0000${holders.join('\u0000')}`;
    let group = groups.get(key);
    if (!group) {
      group = { topics: [], partitions, members: holders, tableTopics: [] };
      groups.set(key, group);
    }
    group.topics.push(topic);
    if (tableTopics.has(topic)) group.tableTopics.push(topic);
  }
  return [...groups.values()].sort((a, b) => a.partitions - b.partitions || byId(a.topics[0]!, b.topics[0]!));
}

function groupState(group: CopartitionedGroup, members: readonly AssignorMember[]): GroupState {
  const inGroup = members.filter((member) => group.members.includes(member.memberId));
  const claims = (pick: (member: AssignorMember) => TopicPartitions | undefined, topics: string[]) =>
    new Map(
      inGroup.map((member) => {
        const partitions = new Set<number>();
        const owned = pick(member) ?? {};
        for (const topic of topics) {
          for (const partition of owned[topic] ?? []) {
            if (Number.isSafeInteger(partition) && partition >= 0 && partition < group.partitions) {
              partitions.add(partition);
            }
          }
        }
        return [member.memberId, partitions] as const;
      }),
    );
  return {
    group,
    active: new Array<string | undefined>(group.partitions).fill(undefined),
    standby: Array.from({ length: group.partitions }, () => new Set<string>()),
    prevActive: claims((member) => member.previous.actives, group.topics),
    prevStandby: claims((member) => member.previous.standbys, group.topics),
    warm: claims((member) => member.warm, group.topics),
    bigShare: new Set(),
  };
}

function shares(state: GroupState): { base: number; extra: number } {
  const n = state.group.members.length;
  return { base: Math.floor(state.group.partitions / n), extra: state.group.partitions % n };
}

function activeCount(state: GroupState, memberId: string): number {
  let count = 0;
  for (const owner of state.active) if (owner === memberId) count++;
  return count;
}

/**
 * Each member keeps its previous partitions up to its share. Members that had more than the base
 * share get the ceil(P/N) shares first (the most previous partitions first), so a balanced group
 * stays exactly as it was. A partition two members claim (a zombie) goes to the first in order.
 * A member over its share gives up first the partitions another member has a standby of.
 */
function keepPrevious(state: GroupState, load: Map<string, number>): void {
  const { base, extra } = shares(state);
  const claimed = (id: string) => state.prevActive.get(id)!.size;
  const order = [...state.group.members].sort((a, b) => claimed(b) - claimed(a) || byId(a, b));
  let bigLeft = extra;
  for (const memberId of order) {
    if (claimed(memberId) > base && bigLeft > 0) {
      state.bigShare.add(memberId);
      bigLeft--;
    }
  }
  const standbyElsewhere = (memberId: string, partition: number) =>
    [...state.prevStandby].some(([other, partitions]) => other !== memberId && partitions.has(partition));
  for (const memberId of state.group.members) {
    const share = base + (state.bigShare.has(memberId) ? 1 : 0);
    const mine = [...state.prevActive.get(memberId)!].sort(
      (a, b) => Number(standbyElsewhere(memberId, a)) - Number(standbyElsewhere(memberId, b)) || a - b,
    );
    let kept = 0;
    for (const partition of mine) {
      if (kept >= share) break;
      if (state.active[partition] !== undefined) continue;
      state.active[partition] = memberId;
      kept++;
    }
    load.set(memberId, load.get(memberId)! + kept);
  }
}

/**
 * The partitions nobody kept go to members below their share: a member with a standby or local
 * state of the partition first (no restore needed), then the least loaded. Every member reaches
 * the base share before anyone takes a ceil(P/N) share.
 */
function distribute(state: GroupState, load: Map<string, number>): void {
  const { base, extra } = shares(state);
  const { members } = state.group;
  const counts = new Map(members.map((id) => [id, activeCount(state, id)]));
  const n = members.length;
  for (let partition = 0; partition < state.group.partitions; partition++) {
    if (state.active[partition] !== undefined) continue;
    const bigLeft = extra - state.bigShare.size;
    const underBase = members.filter((id) => counts.get(id)! < base);
    const candidates =
      underBase.length > 0
        ? underBase
        : members.filter((id) =>
            state.bigShare.has(id) ? counts.get(id)! <= base : counts.get(id)! === base && bigLeft > 0,
          );
    if (candidates.length === 0) {
      throw new Error(
        `assignor: no member can take partition ${partition} of ${state.group.topics.join(', ')}`,
      );
    }
    const warmth = (id: string) =>
      state.prevStandby.get(id)!.has(partition) || state.warm.get(id)!.has(partition) ? 0 : 1;
    // Rotate the last tie-break by partition, so equally loaded members alternate.
    const rotation = (id: string) => (members.indexOf(id) - (partition % n) + n) % n;
    const chosen = [...candidates].sort(
      (a, b) =>
        warmth(a) - warmth(b) ||
        counts.get(a)! - counts.get(b)! ||
        load.get(a)! - load.get(b)! ||
        rotation(a) - rotation(b),
    )[0]!;
    state.active[partition] = chosen;
    counts.set(chosen, counts.get(chosen)! + 1);
    load.set(chosen, load.get(chosen)! + 1);
    if (counts.get(chosen)! > base) state.bigShare.add(chosen);
  }
}

/**
 * min(replicas, N-1) standbys per partition of a group with table topics, never on the member
 * holding the partition active. Shares are balanced as for actives: floor or ceil of P*r/N each.
 * Previous standbys stay (up to the member's share). Then, per partition: a member below its share,
 * preferring one that had the partition active or has local state of it, then one holding the
 * fewest standbys of the same active member (a departing member's partitions spread over several
 * survivors), then one with fewer actives (it has room to take the partition over), then the least
 * loaded. When every eligible member is full, one of them hands a standby to a member with room.
 */
function assignStandbys(state: GroupState, standbyReplicas: number, standbyLoad: Map<string, number>): void {
  const { group } = state;
  const { members } = group;
  const n = members.length;
  const replicas = Math.min(standbyReplicas, n - 1);
  if (group.tableTopics.length === 0 || replicas <= 0) return;
  const base = Math.floor((group.partitions * replicas) / n);
  const extra = (group.partitions * replicas) % n;
  const bigShare = new Set<string>();
  const counts = new Map(members.map((id) => [id, 0]));
  const held = new Map(members.map((id) => [id, new Set<number>()]));
  const actives = new Map(members.map((id) => [id, activeCount(state, id)]));
  const share = (id: string) => base + (bigShare.has(id) ? 1 : 0);
  const canHold = (memberId: string, partition: number) =>
    state.active[partition] !== memberId && !state.standby[partition]!.has(memberId);
  const take = (partition: number, memberId: string) => {
    state.standby[partition]!.add(memberId);
    held.get(memberId)!.add(partition);
    counts.set(memberId, counts.get(memberId)! + 1);
    standbyLoad.set(memberId, standbyLoad.get(memberId)! + 1);
    if (counts.get(memberId)! > base) bigShare.add(memberId);
  };
  const release = (partition: number, memberId: string) => {
    state.standby[partition]!.delete(memberId);
    held.get(memberId)!.delete(partition);
    counts.set(memberId, counts.get(memberId)! - 1);
    standbyLoad.set(memberId, standbyLoad.get(memberId)! - 1);
  };
  /** Whether the member can hold one more standby within the balanced shares. */
  const hasRoom = (id: string) =>
    counts.get(id)! < share(id) || (counts.get(id)! === base && !bigShare.has(id) && bigShare.size < extra);

  const previous = (id: string) =>
    [...state.prevStandby.get(id)!]
      .filter((partition) => state.active[partition] !== id)
      .sort((a, b) => a - b);
  const order = [...members].sort((a, b) => previous(b).length - previous(a).length || byId(a, b));
  for (const id of order) if (previous(id).length > base && bigShare.size < extra) bigShare.add(id);
  for (const id of members) {
    for (const partition of previous(id)) {
      if (counts.get(id)! >= share(id)) break;
      if (state.standby[partition]!.size < replicas && canHold(id, partition)) take(partition, id);
    }
  }

  /** Standbys `candidate` holds of partitions whose active is `owner`. */
  const pairs = (candidate: string, owner: string | undefined) => {
    let total = 0;
    for (const partition of held.get(candidate)!) if (state.active[partition] === owner) total++;
    return total;
  };
  for (let partition = 0; partition < group.partitions; partition++) {
    while (state.standby[partition]!.size < replicas) {
      const eligible = members.filter((id) => canHold(id, partition));
      const underBase = eligible.filter((id) => counts.get(id)! < base);
      let pool = underBase.length > 0 ? underBase : eligible.filter(hasRoom);
      if (pool.length === 0) pool = makeRoom(eligible);
      const owner = state.active[partition];
      const hadIt = (id: string) =>
        state.prevActive.get(id)!.has(partition) || state.warm.get(id)!.has(partition) ? 0 : 1;
      const rotation = (id: string) => (members.indexOf(id) - (partition % n) + n) % n;
      const chosen = [...pool].sort(
        (a, b) =>
          hadIt(a) - hadIt(b) ||
          pairs(a, owner) - pairs(b, owner) ||
          actives.get(a)! - actives.get(b)! ||
          counts.get(a)! - counts.get(b)! ||
          standbyLoad.get(a)! - standbyLoad.get(b)! ||
          rotation(a) - rotation(b),
      )[0]!;
      take(partition, chosen);
    }
  }

  /**
   * Every eligible member is full: find one whose standby of another partition can move to a member
   * with room, move it, and return that member as the only candidate. Without such a move (tiny
   * groups), the eligible members themselves: one goes over its share.
   */
  function makeRoom(eligible: string[]): string[] {
    for (const full of eligible) {
      for (const other of [...held.get(full)!].sort((a, b) => a - b)) {
        const spare = members.find((id) => id !== full && hasRoom(id) && canHold(id, other));
        if (spare !== undefined) {
          release(other, full);
          take(other, spare);
          return [full];
        }
      }
    }
    return eligible;
  }
}

export function addPartition(target: TopicPartitions, topic: string, partition: number): void {
  const list = target[topic];
  if (list) list.push(partition);
  else target[topic] = [partition];
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

function sortedTopicPartitions(partitions: TopicPartitions): TopicPartitions {
  const result: TopicPartitions = {};
  for (const topic of Object.keys(partitions).sort()) {
    result[topic] = [...new Set(partitions[topic])].sort((a, b) => a - b);
  }
  return result;
}
