import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaustgenAssignor } from '../../../../runtime/assignor/assignor.js';
import type { GroupSnapshot } from '../../../../runtime/transport/group-protocol.js';
import { isGroupAssignor } from '../../../../runtime/transport/group-protocol.js';

const SOURCE = 'orders';
const CHANGELOG = 'app-t-changelog';

interface FakeMember {
  memberId: string;
  assignor: FaustgenAssignor;
  topics: string[];
}

/** The group protocol in miniature: the first member leads, the others get their parts. */
class FakeGroup {
  readonly members: FakeMember[] = [];
  state: GroupSnapshot['state'] = 'stable';
  generation = 0;
  private userData = new Map<string, Buffer>();
  reads = 0;

  add(memberId: string, url: string, standbyReplicas = 1): FaustgenAssignor {
    const warnings: string[] = [];
    const assignor = new FaustgenAssignor({
      url,
      standbyReplicas,
      retryDelayMs: 1,
      logger: { debug: () => {}, info: () => {}, warn: (message) => warnings.push(message) },
    });
    assignor.declareTables([{ topic: CHANGELOG, partitions: 4, global: false }]);
    assignor.attachGroupReader(async () => {
      this.reads++;
      return {
        state: this.state,
        members: this.members.map((member) => ({
          memberId: member.memberId,
          userData: this.userData.get(member.memberId) ?? Buffer.alloc(0),
        })),
      };
    });
    this.members.push({ memberId, assignor, topics: [SOURCE] });
    return assignor;
  }

  remove(memberId: string): void {
    const index = this.members.findIndex((member) => member.memberId === memberId);
    this.members[index]!.assignor.left();
    this.members.splice(index, 1);
  }

  rebalance(): void {
    this.generation++;
    const subscriptions = this.members.map((member) => ({
      memberId: member.memberId,
      topics: member.topics,
      userData: member.assignor.subscription(member.topics),
    }));
    const leader = this.members[0]!.assignor;
    const assignments = leader.assign(subscriptions, (topic) => (topic === SOURCE ? 4 : undefined));
    this.userData = new Map(assignments.map((assignment) => [assignment.memberId, assignment.userData]));
    for (const member of this.members) {
      const mine = assignments.find((assignment) => assignment.memberId === member.memberId)!;
      member.assignor.joined({
        memberId: member.memberId,
        generation: this.generation,
        assignment: mine.partitions,
        topics: member.topics,
      });
    }
  }
}

describe('FaustgenAssignor', () => {
  it('is recognised as a GroupAssignor by transports', () => {
    assert.equal(isGroupAssignor(new FaustgenAssignor({ standbyReplicas: 0 })), true);
    assert.equal(
      isGroupAssignor(() => ({})),
      false,
    );
    assert.equal(isGroupAssignor(undefined), false);
  });

  it('after a rebalance every member knows all actives, standbys and URLs', async () => {
    const group = new FakeGroup();
    const a = group.add('member-a', 'http://a:6066');
    const b = group.add('member-b', 'http://b:6066');
    group.rebalance();
    const [mapA, mapB] = await Promise.all([a.whenAssigned(1), b.whenAssigned(1)]);
    assert.equal(mapA.assignmentId, mapB.assignmentId);
    assert.equal(mapA.complete, true);
    for (let partition = 0; partition < 4; partition++) {
      const owner = mapA.owner(SOURCE, partition)!;
      assert.equal(mapA.owner(CHANGELOG, partition)?.memberId, owner.memberId, 'co-partitioned');
      assert.equal(
        mapB.urlFor(CHANGELOG, partition),
        owner.memberId === 'member-a' ? 'http://a:6066' : 'http://b:6066',
      );
      const [standby] = mapB.standbyOwners(CHANGELOG, partition);
      assert.ok(standby && standby.memberId !== owner.memberId, `standby of ${partition}`);
    }
    assert.equal(mapA.standbys().length, 2);
    assert.deepEqual(mapA.actives(SOURCE).length, 2);
    assert.equal(a.current(), mapA);
  });

  it('sends its previous assignment at the next join, so a rebalance with the same members moves nothing', async () => {
    const group = new FakeGroup();
    const a = group.add('member-a', 'http://a:6066');
    group.add('member-b', 'http://b:6066');
    group.rebalance();
    const first = await a.whenAssigned(1);
    const sent = JSON.parse(a.subscription([SOURCE]).toString());
    assert.deepEqual(sent.previous.actives, first.self.actives);
    assert.deepEqual(sent.previous.standbys, first.self.standbys);
    assert.equal(sent.url, 'http://a:6066');
    assert.deepEqual(sent.tables, [{ topic: CHANGELOG, partitions: 4, global: false }]);
    group.rebalance();
    const second = await a.whenAssigned(2);
    assert.equal(second.generation, 2);
    assert.deepEqual(second.toJSON().members, first.toJSON().members);
  });

  it('promotes the standby when a member leaves, and notifies listeners', async () => {
    const group = new FakeGroup();
    const a = group.add('member-a', 'http://a:6066');
    const b = group.add('member-b', 'http://b:6066');
    group.rebalance();
    const before = await a.whenAssigned(1);
    const seen: number[] = [];
    a.onAssigned((map) => seen.push(map.generation));
    group.remove('member-b');
    group.rebalance();
    const after = await a.whenAssigned(2);
    assert.equal(after.actives(CHANGELOG).length, 4);
    assert.deepEqual(after.standbys(), []);
    assert.deepEqual(seen, [2]);
    assert.ok(before.standbys().length > 0);
    await assert.rejects(b.whenAssigned(3), /the consumer stopped/);
    assert.equal(
      b.current(),
      undefined,
      'a stopped member forgets the map (a restart numbers generations anew)',
    );
  });

  it('reads the group again while it is not stable', async () => {
    const group = new FakeGroup();
    const a = group.add('member-a', 'http://a:6066');
    group.state = 'rebalancing';
    group.rebalance();
    const waiting = a.whenAssigned(1);
    while (group.reads < 3) await new Promise((resolve) => setImmediate(resolve));
    group.state = 'stable';
    const map = await waiting;
    assert.equal(map.complete, true);
    assert.equal(map.actives(SOURCE).length, 4);
  });

  it("does not take a newer rebalance's data for its own, and gives way to the newer join", async () => {
    const group = new FakeGroup();
    const a = group.add('member-a', 'http://a:6066');
    group.rebalance();
    await a.whenAssigned(1);
    // Generation 2 is joined, but the group already shows generation 3's assignment (b joined).
    group.add('member-b', 'http://b:6066');
    const subscriptions = group.members.map((member) => ({
      memberId: member.memberId,
      topics: [SOURCE],
      userData: member.assignor.subscription([SOURCE]),
    }));
    const newer = a.assign(subscriptions, () => 4);
    (group as unknown as { userData: Map<string, Buffer> }).userData = new Map(
      newer.map((assignment) => [assignment.memberId, assignment.userData]),
    );
    a.joined({
      memberId: 'member-a',
      generation: 2,
      assignment: [0, 1, 2, 3].map((partition) => ({ topic: SOURCE, partition })),
      topics: [SOURCE],
    });
    const readsBefore = group.reads;
    while (group.reads < readsBefore + 3) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(a.current()?.generation, 1, 'generation 2 is not published from generation 3 data');
    a.joined({
      memberId: 'member-a',
      generation: 3,
      assignment: newer.find((assignment) => assignment.memberId === 'member-a')!.partitions,
      topics: [SOURCE],
    });
    const map = await a.whenAssigned(2);
    assert.equal(map.generation, 3);
    assert.equal(map.members.length, 2);
  });

  it('without a group reader it knows only its own Kafka assignment', async () => {
    const assignor = new FaustgenAssignor({ standbyReplicas: 1, url: () => 'http://late:1' });
    assignor.joined({
      memberId: 'm',
      generation: 1,
      assignment: [{ topic: SOURCE, partition: 2 }],
      topics: [SOURCE],
    });
    const map = await assignor.whenAssigned(1);
    assert.equal(map.complete, false);
    assert.deepEqual(map.actives(), [{ topic: SOURCE, partition: 2 }]);
    assert.equal(map.self.url, 'http://late:1');
  });

  it('assigns a member whose subscription data is unreadable, with a warning', () => {
    const warnings: string[] = [];
    const leader = new FaustgenAssignor({
      standbyReplicas: 0,
      logger: { debug: () => {}, info: () => {}, warn: (message) => warnings.push(message) },
    });
    const result = leader.assign(
      [
        { memberId: 'a', topics: [SOURCE], userData: leader.subscription([SOURCE]) },
        { memberId: 'b', topics: [SOURCE], userData: Buffer.from('garbage') },
      ],
      () => 4,
    );
    assert.deepEqual(
      result.map((assignment) => assignment.partitions.length),
      [2, 2],
    );
    assert.match(warnings.join('\n'), /member b sent unreadable subscription data/);
  });

  it('refuses bad options', () => {
    assert.throws(() => new FaustgenAssignor({ standbyReplicas: 1.5 }), /standbyReplicas must be an integer/);
    assert.throws(
      () =>
        new FaustgenAssignor({ standbyReplicas: 1 }).declareTables([
          { topic: 't', partitions: 0, global: false },
        ]),
      /needs a positive partition count/,
    );
  });
});

describe('FaustgenAssignor as the table core sees it', () => {
  it('standbys(assignment, generation) gives this worker its standby partitions', async () => {
    const group = new FakeGroup();
    const a = group.add('member-a', 'http://a:6066');
    group.add('member-b', 'http://b:6066');
    group.rebalance();
    const standbys = await a.standbys([], 1);
    assert.deepEqual(standbys, (await a.whenAssigned(1)).standbys());
    assert.equal(standbys.length, 2);
    assert.ok(standbys.every(({ topic }) => topic === CHANGELOG));
  });

  it('standbys() answers none, with a warning, when the group cannot be read in time', async () => {
    const warnings: string[] = [];
    const assignor = new FaustgenAssignor({
      standbyReplicas: () => 1,
      retryDelayMs: 1,
      standbyLookupTimeoutMs: 20,
      logger: { debug: () => {}, info: () => {}, warn: (message) => warnings.push(message) },
    });
    assignor.attachGroupReader(async () => ({ state: 'rebalancing', members: [] }));
    assignor.joined({ memberId: 'm', generation: 4, assignment: [], topics: [SOURCE] });
    assert.deepEqual(await assignor.standbys([], 4), []);
    assert.match(warnings.join('\n'), /generation 4 was not readable within 20 ms; no standby partitions/);
    assignor.left();
  });
});

describe("FaustgenAssignor on a group of one of Kafka's own assignors (librdkafka)", () => {
  const range = (memberId: string, partitions: number[]) => ({
    memberId,
    userData: Buffer.alloc(0),
    url: `http://${memberId}:6066`,
    partitions: partitions.map((partition) => ({ topic: SOURCE, partition })),
  });
  const member = (options: { groupReadTimeoutMs?: number; warnings?: string[] } = {}) => {
    const assignor = new FaustgenAssignor({
      url: 'http://a:6066',
      standbyReplicas: 1,
      retryDelayMs: 1,
      ...(options.groupReadTimeoutMs === undefined ? {} : { groupReadTimeoutMs: options.groupReadTimeoutMs }),
      logger: { debug: () => {}, info: () => {}, warn: (message) => options.warnings?.push(message) },
    });
    assignor.declareTables([{ topic: CHANGELOG, partitions: 4, global: false }]);
    return assignor;
  };
  const joinedAs = (partitions: number[], generation: number) => ({
    memberId: 'a',
    generation,
    assignment: partitions.map((partition) => ({ topic: SOURCE, partition })),
    topics: [SOURCE],
  });

  it("reads the group until it shows this join's assignment, then derives standbys and URLs", async () => {
    const snapshots: GroupSnapshot[] = [
      // The generation before (a alone), then the new one (b joined), as DescribeGroups may lag.
      { state: 'stable', protocol: 'range', members: [range('a', [0, 1, 2, 3])] },
      { state: 'rebalancing', protocol: 'range', members: [] },
      { state: 'stable', protocol: 'range', members: [range('a', [0, 1]), range('b', [2, 3])] },
    ];
    let reads = 0;
    const assignor = member();
    assignor.attachGroupReader(async () => snapshots[Math.min(reads++, snapshots.length - 1)]!);
    assignor.joined(joinedAs([0, 1], 5));
    const map = await assignor.whenAssigned(5);
    assert.equal(reads, 3, 'the stale and the unsettled reads were retried');
    assert.equal(map.complete, true);
    assert.equal(map.generation, 5);
    assert.match(map.assignmentId, /^range:/);
    assert.deepEqual(
      map.actives(CHANGELOG),
      [0, 1].map((partition) => ({ topic: CHANGELOG, partition })),
    );
    assert.deepEqual(
      map.standbys(),
      [2, 3].map((partition) => ({ topic: CHANGELOG, partition })),
    );
    assert.equal(map.urlFor(CHANGELOG, 3), 'http://b:6066');
    assert.deepEqual(await assignor.standbys([], 5), map.standbys());
    assignor.left();
  });

  it('gives up after groupReadTimeoutMs with a warning, and goes on with its own partitions', async () => {
    const warnings: string[] = [];
    const assignor = member({ groupReadTimeoutMs: 0, warnings });
    assignor.attachGroupReader(async () => ({
      state: 'stable',
      protocol: 'range',
      members: [range('a', [0, 1, 2, 3])],
    }));
    assignor.joined(joinedAs([0, 1], 6));
    const map = await assignor.whenAssigned(6);
    assert.equal(map.complete, false);
    assert.deepEqual(
      map.actives(),
      [0, 1].map((partition) => ({ topic: SOURCE, partition })),
    );
    assert.deepEqual(map.standbys(), []);
    assert.match(
      warnings.join('\n'),
      /generation 6: the group still does not show this join's assignment after 1 reads in 0 ms \(the group shows another assignment for this member \(a newer rebalance\)\); going on with this worker's own partitions only/,
    );
    assignor.left();
  });

  it('tells the transport its URL for the client id', () => {
    assert.equal(member().memberUrl(), 'http://a:6066');
  });
});
