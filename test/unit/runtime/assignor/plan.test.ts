import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AssignmentPlan,
  type AssignorMember,
  planAssignment,
} from '../../../../runtime/assignor/plan.js';
import type { TableTopic, TopicPartitions } from '../../../../runtime/assignor/types.js';

/** A small deterministic PRNG (mulberry32), so the randomised cases are the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SOURCE = 'orders';
const CHANGELOG = 'app-totals-changelog';

interface MemberSpec {
  id: string;
  topics?: string[];
  tables?: TableTopic[];
  previous?: { actives: TopicPartitions; standbys: TopicPartitions };
  warm?: TopicPartitions;
}

const table = (topic: string, partitions: number, global = false): TableTopic => ({
  topic,
  partitions,
  global,
});

function worker(id: string, partitions: number, extra: Partial<MemberSpec> = {}): MemberSpec {
  return { id, topics: [SOURCE], tables: [table(CHANGELOG, partitions)], ...extra };
}

function plan(members: MemberSpec[], counts: Record<string, number>, standbyReplicas = 1): AssignmentPlan {
  return planAssignment({
    members: members.map(
      (spec): AssignorMember => ({
        memberId: spec.id,
        topics: spec.topics ?? [],
        tables: spec.tables ?? [],
        previous: spec.previous ?? { actives: {}, standbys: {} },
        ...(spec.warm ? { warm: spec.warm } : {}),
      }),
    ),
    partitionCount: (topic) => counts[topic],
    standbyReplicas,
  });
}

/** members carried into the next rebalance with what they hold now */
function carry(result: AssignmentPlan, specs: MemberSpec[]): MemberSpec[] {
  return specs.map((spec) => {
    const held = result.members.get(spec.id);
    return held ? { ...spec, previous: { actives: held.actives, standbys: held.standbys } } : spec;
  });
}

function owners(
  result: AssignmentPlan,
  topic: string,
  partition: number,
  kind: 'actives' | 'standbys',
): string[] {
  return [...result.members]
    .filter(([, member]) => member[kind][topic]?.includes(partition))
    .map(([id]) => id);
}

const count = (result: AssignmentPlan, id: string, topic: string, kind: 'actives' | 'standbys' = 'actives') =>
  result.members.get(id)![kind][topic]?.length ?? 0;

/** The invariants every assignment must satisfy. */
function checkInvariants(result: AssignmentPlan, members: MemberSpec[], replicas: number): void {
  for (const group of result.groups) {
    const n = group.members.length;
    for (let partition = 0; partition < group.partitions; partition++) {
      const active = owners(result, group.topics[0]!, partition, 'actives');
      assert.equal(active.length, 1, `${group.topics[0]}[${partition}] has exactly one active: ${active}`);
      for (const topic of group.topics) {
        assert.deepEqual(
          owners(result, topic, partition, 'actives'),
          active,
          `co-partitioned ${topic}[${partition}]`,
        );
      }
      for (const topic of group.tableTopics) {
        const standbys = owners(result, topic, partition, 'standbys');
        assert.equal(new Set(standbys).size, standbys.length);
        assert.equal(
          standbys.length,
          Math.min(replicas, n - 1),
          `${topic}[${partition}] standbys ${standbys}`,
        );
        assert.ok(!standbys.includes(active[0]!), `${topic}[${partition}]: standby on the active member`);
      }
    }
    const perMember = group.members.map((id) => count(result, id, group.topics[0]!));
    assert.ok(Math.max(...perMember) - Math.min(...perMember) <= 1, `balanced: ${perMember}`);
    assert.equal(
      perMember.filter((value) => value === Math.ceil(group.partitions / n)).length,
      group.partitions % n === 0 ? n : group.partitions % n,
    );
    if (group.tableTopics.length > 0 && n > 1) {
      const standbyCounts = group.members.map((id) => count(result, id, group.tableTopics[0]!, 'standbys'));
      const spread = Math.max(...standbyCounts) - Math.min(...standbyCounts);
      assert.ok(spread <= 1, `standbys balanced: ${standbyCounts}`);
    }
    if (group.tableTopics.length === 0) {
      for (const id of group.members) {
        for (const topic of group.topics) assert.equal(count(result, id, topic, 'standbys'), 0);
      }
    }
  }
  for (const spec of members) {
    for (const topic of Object.keys(result.members.get(spec.id)!.actives)) {
      const holds = (spec.topics ?? []).includes(topic) || (spec.tables ?? []).some((t) => t.topic === topic);
      assert.ok(holds, `${spec.id} got ${topic} which it neither subscribes nor keeps`);
    }
  }
}

describe('planAssignment: co-partitioning and balance', () => {
  it('gives partition N of the source and of the changelog to the same member', () => {
    const members = [worker('a', 4), worker('b', 4)];
    const result = plan(members, { [SOURCE]: 4 });
    checkInvariants(result, members, 1);
    assert.equal(result.groups.length, 1);
    assert.deepEqual(result.groups[0]!.topics, [CHANGELOG, SOURCE]);
    for (const [, member] of result.members)
      assert.deepEqual(member.actives[SOURCE], member.actives[CHANGELOG]);
  });

  it('balances to floor/ceil shares: 7 partitions over 3 members -> 3, 2, 2', () => {
    const members = [worker('a', 7), worker('b', 7), worker('c', 7)];
    const result = plan(members, { [SOURCE]: 7 });
    checkInvariants(result, members, 1);
    assert.deepEqual(['a', 'b', 'c'].map((id) => count(result, id, SOURCE)).sort(), [2, 2, 3]);
  });

  it('more members than partitions: one each, the rest idle', () => {
    const members = ['a', 'b', 'c', 'd', 'e'].map((id) => worker(id, 3));
    const result = plan(members, { [SOURCE]: 3 });
    checkInvariants(result, members, 1);
    assert.equal(['a', 'b', 'c', 'd', 'e'].filter((id) => count(result, id, SOURCE) === 1).length, 3);
  });

  it('topics with different partition counts form separate groups, each balanced', () => {
    const members = ['a', 'b', 'c'].map((id) => ({ id, topics: ['four', 'eight', 'eight-too'] }));
    const result = plan(members, { four: 4, eight: 8, 'eight-too': 8 }, 0);
    checkInvariants(result, members, 0);
    assert.deepEqual(
      result.groups.map((group) => group.topics),
      [['four'], ['eight', 'eight-too']],
    );
    // overall load balanced too: 12 partitions of work over 3 members
    const totals = ['a', 'b', 'c'].map((id) => count(result, id, 'four') + count(result, id, 'eight'));
    assert.ok(Math.max(...totals) - Math.min(...totals) <= 1, `totals ${totals}`);
  });

  it('same partition count but different subscribers: not co-partitioned', () => {
    const members = [
      { id: 'a', topics: ['x', 'y'] },
      { id: 'b', topics: ['x'] },
    ];
    const result = plan(members, { x: 2, y: 2 }, 0);
    checkInvariants(result, members, 0);
    assert.equal(result.groups.length, 2);
    assert.deepEqual(result.members.get('a')!.actives.y, [0, 1]);
  });

  it('many small groups spread over the members instead of piling on the first', () => {
    const topics = ['t1', 't2', 't3', 't4'];
    const members = [
      { id: 'a', topics: ['t1', 't2', 't3', 't4'] },
      { id: 'b', topics: ['t1', 't2', 't3', 't4'] },
    ];
    // distinct subscriber sets are equal, but each topic has its own partition count
    const result = plan(members, { t1: 1, t2: 2, t3: 3, t4: 1 }, 0);
    const totals = ['a', 'b'].map((id) => topics.reduce((sum, topic) => sum + count(result, id, topic), 0));
    assert.deepEqual(totals.sort(), [3, 4]);
  });

  it('topics with unknown partition counts are left out, with a warning', () => {
    const result = plan([{ id: 'a', topics: ['missing', SOURCE] }], { [SOURCE]: 2 }, 0);
    assert.deepEqual(result.members.get('a')!.actives, { [SOURCE]: [0, 1] });
    assert.match(result.warnings.join('\n'), /missing: partition count unknown/);
  });

  it("a table topic nobody subscribes to takes the declared count; the broker's wins on conflict", () => {
    const result = plan([worker('a', 4), worker('b', 4)], { [SOURCE]: 4 });
    assert.equal(result.groups[0]!.partitions, 4);
    const conflict = plan([{ id: 'a', topics: [CHANGELOG], tables: [table(CHANGELOG, 3)] }], {
      [CHANGELOG]: 4,
    });
    assert.equal(conflict.groups[0]!.partitions, 4);
    assert.match(conflict.warnings.join('\n'), /declared with 3 partitions, the broker has 4/);
  });

  it('is deterministic: the same input in any order gives the same output', () => {
    const members = ['c', 'a', 'd', 'b'].map((id) => worker(id, 10));
    const one = plan(members, { [SOURCE]: 10 }, 2);
    const two = plan([...members].reverse(), { [SOURCE]: 10 }, 2);
    assert.deepEqual([...one.members].sort(), [...two.members].sort());
  });

  it('refuses duplicate member ids and negative replicas', () => {
    assert.throws(() => plan([worker('a', 1), worker('a', 1)], { [SOURCE]: 1 }), /duplicate member ids/);
    assert.throws(
      () => plan([worker('a', 1)], { [SOURCE]: 1 }, -1),
      /standbyReplicas must be an integer >= 0/,
    );
  });
});

describe('planAssignment: standbys', () => {
  it('one standby per changelog partition, never on the active member, spread evenly', () => {
    const members = ['a', 'b', 'c'].map((id) => worker(id, 6));
    const result = plan(members, { [SOURCE]: 6 }, 1);
    checkInvariants(result, members, 1);
    assert.deepEqual(
      ['a', 'b', 'c'].map((id) => count(result, id, CHANGELOG, 'standbys')),
      [2, 2, 2],
    );
    // the source topic itself gets no standbys: only table topics do
    for (const id of ['a', 'b', 'c']) assert.equal(count(result, id, SOURCE, 'standbys'), 0);
  });

  it('replicas are capped at members - 1; one member alone has no standby', () => {
    const two = [worker('a', 4), worker('b', 4)];
    checkInvariants(plan(two, { [SOURCE]: 4 }, 5), two, 5);
    const alone = plan([worker('a', 4)], { [SOURCE]: 4 }, 2);
    assert.deepEqual(alone.members.get('a')!.standbys, {});
  });

  it('standbyReplicas 0: none', () => {
    const result = plan([worker('a', 4), worker('b', 4)], { [SOURCE]: 4 }, 0);
    for (const [, member] of result.members) assert.deepEqual(member.standbys, {});
  });

  it('a departed active is replaced by the standby holder of its partitions (promotion)', () => {
    let members = ['a', 'b', 'c'].map((id) => worker(id, 6));
    const first = plan(members, { [SOURCE]: 6 }, 1);
    members = carry(first, members);
    const leaving = 'b';
    const survivors = members.filter((member) => member.id !== leaving);
    const second = plan(survivors, { [SOURCE]: 6 }, 1);
    checkInvariants(second, survivors, 1);
    for (const partition of first.members.get(leaving)!.actives[CHANGELOG]!) {
      const standby = owners(first, CHANGELOG, partition, 'standbys')[0]!;
      assert.deepEqual(owners(second, CHANGELOG, partition, 'actives'), [standby], `partition ${partition}`);
    }
  });

  it('standbys stay where they were when nothing changes; a moved partition keeps a standby that has its data', () => {
    let members = ['a', 'b'].map((id) => worker(id, 4));
    const first = plan(members, { [SOURCE]: 4 }, 1);
    members = carry(first, members);
    assert.deepEqual(plan(members, { [SOURCE]: 4 }, 1).members, first.members);
    const grown = [...members, worker('c', 4)];
    const second = plan(grown, { [SOURCE]: 4 }, 1);
    checkInvariants(second, grown, 1);
    const moved = second.members.get('c')!.actives[CHANGELOG] ?? [];
    assert.ok(moved.length > 0);
    for (const partition of moved) {
      const hadData = [
        ...owners(first, CHANGELOG, partition, 'actives'),
        ...owners(first, CHANGELOG, partition, 'standbys'),
      ];
      const [standby] = owners(second, CHANGELOG, partition, 'standbys');
      assert.ok(hadData.includes(standby!), `partition ${partition}: standby ${standby} had no data`);
    }
  });

  it('prefers a member with local state of a partition (warm) when assigning it', () => {
    const members = [worker('a', 2), worker('b', 2, { warm: { [CHANGELOG]: [0] } })];
    const result = plan(members, { [SOURCE]: 2 }, 0);
    assert.deepEqual(result.members.get('b')!.actives[CHANGELOG], [0]);
  });
});

describe('planAssignment: stickiness', () => {
  it('a member joining only takes partitions over; nobody else moves', () => {
    let members = ['a', 'b', 'c'].map((id) => worker(id, 12));
    const first = plan(members, { [SOURCE]: 12 }, 1);
    members = carry(first, members);
    const grown = [...members, worker('d', 12)];
    const second = plan(grown, { [SOURCE]: 12 }, 1);
    checkInvariants(second, grown, 1);
    for (let partition = 0; partition < 12; partition++) {
      const [before] = owners(first, SOURCE, partition, 'actives');
      const [after] = owners(second, SOURCE, partition, 'actives');
      assert.ok(after === before || after === 'd', `partition ${partition} moved ${before} -> ${after}`);
    }
    assert.equal(count(second, 'd', SOURCE), 3);
  });

  it('a member leaving only gives its own partitions away', () => {
    let members = ['a', 'b', 'c', 'd'].map((id) => worker(id, 10));
    const first = plan(members, { [SOURCE]: 10 }, 1);
    members = carry(first, members);
    const survivors = members.filter((member) => member.id !== 'c');
    const second = plan(survivors, { [SOURCE]: 10 }, 1);
    checkInvariants(second, survivors, 1);
    for (let partition = 0; partition < 10; partition++) {
      const [before] = owners(first, SOURCE, partition, 'actives');
      const [after] = owners(second, SOURCE, partition, 'actives');
      if (before !== 'c') assert.equal(after, before, `partition ${partition}`);
    }
  });

  it('a rejoining member is never starved (uneven 5 partitions, 2 -> 3 members)', () => {
    let members = [worker('a', 5), worker('b', 5)];
    const first = plan(members, { [SOURCE]: 5 }, 1);
    members = carry(first, members);
    const grown = [...members, worker('c', 5)];
    const second = plan(grown, { [SOURCE]: 5 }, 1);
    checkInvariants(second, grown, 1);
    assert.ok(count(second, 'c', SOURCE) >= 1);
  });

  it('two members claiming one partition (a zombie): it stays with one of them', () => {
    const members = [
      worker('a', 2, { previous: { actives: { [SOURCE]: [0, 1], [CHANGELOG]: [0, 1] }, standbys: {} } }),
      worker('b', 2, { previous: { actives: { [SOURCE]: [1], [CHANGELOG]: [1] }, standbys: {} } }),
    ];
    const result = plan(members, { [SOURCE]: 2 }, 1);
    checkInvariants(result, members, 1);
    assert.deepEqual(result.members.get('a')!.actives[SOURCE], [0]);
    assert.deepEqual(result.members.get('b')!.actives[SOURCE], [1]);
  });

  it("previous partitions beyond a topic's partition count are ignored", () => {
    const members = [
      worker('a', 2, { previous: { actives: { [SOURCE]: [0, 7] }, standbys: { [CHANGELOG]: [9] } } }),
    ];
    const result = plan(members, { [SOURCE]: 2 }, 1);
    assert.deepEqual(result.members.get('a')!.actives[SOURCE], [0, 1]);
  });
});

describe('planAssignment: global tables', () => {
  it('every member holds every partition of a global table, as active, with no standbys', () => {
    const members = ['a', 'b', 'c'].map((id) => ({
      id,
      topics: [SOURCE],
      tables: [table('app-config-changelog', 4, true)],
    }));
    const result = plan(members, { [SOURCE]: 6 }, 2);
    checkInvariants(result, members, 2);
    for (const id of ['a', 'b', 'c']) {
      assert.deepEqual(result.members.get(id)!.actives['app-config-changelog'], [0, 1, 2, 3]);
      assert.equal(result.members.get(id)!.standbys['app-config-changelog'], undefined);
    }
    assert.deepEqual([...result.globalTopics], [['app-config-changelog', 4]]);
    assert.equal(result.groups.length, 1);
  });
});

describe('planAssignment: randomised rebalances keep every invariant', () => {
  it('300 rebalance sequences: invariants, stability, joins only take over, leaves only give away', () => {
    const next = random(0xfa057);
    for (let run = 0; run < 300; run++) {
      const partitions = 1 + Math.floor(next() * 16);
      const other = 1 + Math.floor(next() * 8);
      const replicas = Math.floor(next() * 3);
      const spec = (id: string): MemberSpec => ({
        id,
        topics: [SOURCE, 'clicks'],
        tables: [table(CHANGELOG, partitions), table('app-global-changelog', 3, true)],
      });
      let members = Array.from({ length: 1 + Math.floor(next() * 5) }, (_, i) => spec(`m${run}-${i}`));
      let nextId = members.length;
      const counts = { [SOURCE]: partitions, clicks: other };
      let previous: AssignmentPlan | undefined;
      for (let step = 0; step < 6; step++) {
        const result = plan(members, counts, replicas);
        checkInvariants(result, members, replicas);
        if (previous) {
          // stability: with the same members, an assignment reproduces itself
          const again = plan(carry(result, members), counts, replicas);
          assert.deepEqual(again.members, result.members, `run ${run} step ${step}: not stable`);
        }
        if (previous) {
          const before = previous;
          const stayed = members.filter((member) => before.members.has(member.id)).map((member) => member.id);
          for (let partition = 0; partition < partitions; partition++) {
            const [was] = owners(before, SOURCE, partition, 'actives');
            const [now] = owners(result, SOURCE, partition, 'actives');
            const joined = !before.members.has(now!);
            const left = !stayed.includes(was!);
            assert.ok(
              was === now || joined || left,
              `run ${run} step ${step}: ${SOURCE}[${partition}] moved ${was} -> ${now} between members that stayed`,
            );
          }
        }
        previous = result;
        members = carry(result, members);
        if (next() < 0.5 && members.length > 1) {
          members.splice(Math.floor(next() * members.length), 1);
        } else {
          members.push(spec(`m${run}-${nextId++}`));
        }
      }
    }
  });
});
