import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DerivationInput, deriveCluster } from '../../../../runtime/assignor/derived.js';
import type { TableTopic } from '../../../../runtime/assignor/types.js';
import type { GroupSnapshotMember } from '../../../../runtime/transport/group-protocol.js';
import type { TopicPartition } from '../../../../runtime/transport/types.js';

const ORDERS = 'orders';
const PAYMENTS = 'payments';
const CHANGELOG = 'app-totals-changelog';
const TABLES: TableTopic[] = [{ topic: CHANGELOG, partitions: 6, global: false }];

const parts = (topic: string, partitions: number[]): TopicPartition[] =>
  partitions.map((partition) => ({ topic, partition }));

/** What librdkafka's range gives 3 members over two 6-partition topics: 0-1, 2-3, 4-5 of each. */
function rangeGroup(): GroupSnapshotMember[] {
  const ranges: Record<string, number[]> = { 'm-a': [0, 1], 'm-b': [2, 3], 'm-c': [4, 5] };
  return Object.entries(ranges).map(([memberId, partitions]) => ({
    memberId,
    userData: Buffer.alloc(0),
    url: `http://${memberId}:6066`,
    partitions: [...parts(ORDERS, partitions), ...parts(PAYMENTS, partitions)],
  }));
}

function inputFor(memberId: string, members: GroupSnapshotMember[], extra: Partial<DerivationInput> = {}) {
  const self = members.find((member) => member.memberId === memberId)!;
  return {
    joined: { memberId, generation: 7, assignment: self.partitions!, topics: [ORDERS, PAYMENTS] },
    protocol: 'range',
    members,
    tables: TABLES,
    standbyReplicas: 1,
    selfUrl: `http://${memberId}:6066`,
    ...extra,
  };
}

function derive(input: DerivationInput) {
  const derived = deriveCluster(input);
  if (typeof derived === 'string') throw new Error(`not derived: ${derived}`);
  return derived;
}

describe("deriveCluster (a group on one of Kafka's own assignors)", () => {
  it('gives every member the same cluster assignment, whatever order the group is listed in', () => {
    const members = rangeGroup();
    const answers = ['m-a', 'm-b', 'm-c'].map((id) => derive(inputFor(id, members)).cluster);
    const shuffled = derive(inputFor('m-b', [members[2]!, members[0]!, members[1]!])).cluster;
    for (const answer of [...answers, shuffled]) {
      assert.deepEqual(answer.toJSON().members, answers[0]!.toJSON().members);
      assert.equal(answer.assignmentId, answers[0]!.assignmentId);
      assert.equal(answer.complete, true);
      assert.equal(answer.generation, 7);
    }
    assert.deepEqual(
      answers.map((answer) => answer.memberId),
      ['m-a', 'm-b', 'm-c'],
    );
    assert.match(answers[0]!.assignmentId, /^range:[0-9a-f]{16}$/);
  });

  it("keeps the group's actives, puts table partitions with their source partitions, and standbys elsewhere", () => {
    const { cluster, warnings } = derive(inputFor('m-a', rangeGroup()));
    assert.deepEqual(warnings, []);
    const standbyCounts = new Map<string, number>();
    for (let partition = 0; partition < 6; partition++) {
      const owner = cluster.owner(ORDERS, partition)!;
      assert.equal(cluster.owner(PAYMENTS, partition)?.memberId, owner.memberId);
      assert.equal(cluster.owner(CHANGELOG, partition)?.memberId, owner.memberId, `changelog ${partition}`);
      const standbys = cluster.standbyOwners(CHANGELOG, partition);
      assert.equal(standbys.length, 1, `one standby of changelog ${partition}`);
      assert.notEqual(standbys[0]!.memberId, owner.memberId);
      standbyCounts.set(standbys[0]!.memberId, (standbyCounts.get(standbys[0]!.memberId) ?? 0) + 1);
      assert.deepEqual(cluster.standbyOwners(ORDERS, partition), [], 'only table topics get standbys');
    }
    assert.deepEqual([...standbyCounts.values()], [2, 2, 2], 'standbys balanced');
    assert.deepEqual(cluster.actives(), [
      ...parts(CHANGELOG, [0, 1]),
      ...parts(ORDERS, [0, 1]),
      ...parts(PAYMENTS, [0, 1]),
    ]);
    assert.equal(cluster.urlFor(CHANGELOG, 4), 'http://m-c:6066');
  });

  it('standbyReplicas above the group size gives each partition every other member', () => {
    const { cluster } = derive(inputFor('m-a', rangeGroup(), { standbyReplicas: 5 }));
    for (let partition = 0; partition < 6; partition++) {
      assert.equal(cluster.standbyOwners(CHANGELOG, partition).length, 2);
    }
    const none = derive(inputFor('m-a', rangeGroup(), { standbyReplicas: 0 })).cluster;
    assert.deepEqual(none.standbys(), []);
  });

  it("gives every member a global table's partitions as actives", () => {
    const tables = [...TABLES, { topic: 'app-rates-changelog', partitions: 3, global: true }];
    const { cluster } = derive(inputFor('m-b', rangeGroup(), { tables }));
    for (const member of cluster.members) assert.deepEqual(member.actives['app-rates-changelog'], [0, 1, 2]);
  });

  it('takes the URL from the group, and its own from the worker when the group shows none', () => {
    const members = rangeGroup().map(({ url: _url, ...member }) => member);
    const { cluster } = derive(inputFor('m-a', members, { selfUrl: 'http://self:1' }));
    assert.equal(cluster.member('m-a')?.url, 'http://self:1');
    assert.equal(cluster.member('m-b')?.url, undefined);
  });

  it('answers why not while the group shows another assignment for this member (a newer rebalance)', () => {
    const members = rangeGroup();
    const stale = {
      ...inputFor('m-a', members),
      joined: { memberId: 'm-a', generation: 6, assignment: parts(ORDERS, [0, 1, 2]), topics: [ORDERS] },
    };
    assert.match(deriveCluster(stale) as string, /another assignment for this member/);
    const absent = { ...inputFor('m-a', members), members: members.slice(1) };
    assert.match(deriveCluster(absent) as string, /this member \(m-a\) is not in the group yet/);
  });

  it('answers why not while members hold parts of different rebalances', () => {
    const members = rangeGroup();
    members[1] = {
      ...members[1]!,
      partitions: [...members[1]!.partitions!, { topic: ORDERS, partition: 0 }],
    };
    assert.match(deriveCluster(inputFor('m-a', members)) as string, /m-a and m-b both hold orders\[0\]/);
    const gap = rangeGroup();
    gap[1] = { ...gap[1]!, partitions: parts(ORDERS, [2, 3]) };
    assert.match(deriveCluster(inputFor('m-a', gap)) as string, /nobody holds payments\[2\]/);
    const unknown = rangeGroup();
    delete unknown[2]!.partitions;
    assert.match(deriveCluster(inputFor('m-a', unknown)) as string, /does not show member m-c's partitions/);
  });

  it("warns when the group's assignment does not line up with the co-partitioned tables", () => {
    const members = rangeGroup();
    // As cooperative-sticky may leave it: orders and payments of one partition on different members.
    members[0] = { ...members[0]!, partitions: [...parts(ORDERS, [0, 1]), ...parts(PAYMENTS, [0, 2])] };
    members[1] = { ...members[1]!, partitions: [...parts(ORDERS, [2, 3]), ...parts(PAYMENTS, [1, 3])] };
    const { cluster, warnings } = derive(inputFor('m-a', members));
    assert.ok(warnings.some((warning) => /range assignment gives member m-a partitions of/.test(warning)));
    assert.deepEqual(cluster.self.actives[PAYMENTS], [0, 2], "what it consumes stays the group's");
  });
});
