import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  type GroupMemberClient,
  GroupCoordinator,
} from '../../../../../runtime/transport/memory/group-coordinator.js';
import type { TopicPartition } from '../../../../../runtime/transport/types.js';

/** A member whose calls are recorded; the test decides when it rejoins. */
class FakeMember implements GroupMemberClient {
  readonly topics: ReadonlySet<string>;
  readonly calls: string[] = [];
  assignment: TopicPartition[] = [];
  generation = 0;
  expelledCalled: (() => void) | undefined;

  constructor(...topics: string[]) {
    this.topics = new Set(topics);
  }

  rebalanceStarted(): void {
    this.calls.push('started');
  }

  assigned(generation: number, assignment: TopicPartition[]): void {
    this.calls.push(`assigned:${generation}`);
    this.generation = generation;
    this.assignment = assignment;
  }

  expelled(): void {
    this.calls.push('expelled');
    this.expelledCalled?.();
  }

  partitions(): number[] {
    return this.assignment.map((tp) => tp.partition);
  }
}

const counts: Record<string, number> = { t: 4, u: 1 };
const groups: GroupCoordinator[] = [];
/** A group disposed after the test, so a rebalance left pending does not hold its timer. */
function newGroup(): GroupCoordinator {
  const group = new GroupCoordinator('g', (topic) => counts[topic]);
  groups.push(group);
  return group;
}

/** Joins two members and completes the rebalance, both having adopted generation 2. */
function twoMembers(group: GroupCoordinator): [FakeMember, FakeMember] {
  const a = new FakeMember('t');
  const b = new FakeMember('t');
  group.join('a', a, 60_000);
  group.markApplied('a', 1);
  group.join('b', b, 60_000);
  group.rejoin('a');
  group.markApplied('a', 2);
  group.markApplied('b', 2);
  return [a, b];
}

describe('GroupCoordinator', () => {
  afterEach(() => {
    for (const group of groups.splice(0)) group.dispose();
  });

  it('completes at once for a lone member and assigns it every partition', () => {
    const group = newGroup();
    const a = new FakeMember('t');
    group.join('a', a, 60_000);
    assert.deepEqual(a.calls, ['assigned:1']);
    assert.deepEqual(a.partitions(), [0, 1, 2, 3]);
    assert.equal(group.isRebalancing, false);
  });

  it('waits for every existing member to rejoin before handing out a new generation', () => {
    const group = newGroup();
    const a = new FakeMember('t');
    const b = new FakeMember('t');
    group.join('a', a, 60_000);
    group.markApplied('a', 1);
    group.join('b', b, 60_000);
    assert.deepEqual(a.calls, ['assigned:1', 'started']);
    assert.deepEqual(b.calls, [], 'no assignment while a has not rejoined');
    assert.equal(group.isRebalancing, true);
    assert.equal(group.rejoin('a'), true);
    assert.deepEqual(a.calls, ['assigned:1', 'started', 'assigned:2']);
    assert.deepEqual(b.calls, ['assigned:2']);
    assert.deepEqual(a.partitions(), [0, 1]);
    assert.deepEqual(b.partitions(), [2, 3]);
  });

  it('accepts commits of the current generation while a rebalance is being prepared', () => {
    const group = newGroup();
    const a = new FakeMember('t');
    group.join('a', a, 60_000);
    group.markApplied('a', 1);
    group.join('b', new FakeMember('t'), 60_000);
    group.commit('a', [{ topic: 't', partition: 3, offset: 7 }]);
    assert.equal(group.committedOffset('t', 3), 7);
  });

  it('rejects commits until the member adopted the new generation, and for partitions it does not own', () => {
    const group = newGroup();
    const a = new FakeMember('t');
    group.join('a', a, 60_000);
    group.markApplied('a', 1);
    group.join('b', new FakeMember('t'), 60_000);
    group.rejoin('a');
    assert.throws(
      () => group.commit('a', [{ topic: 't', partition: 0, offset: 1 }]),
      /group "g": commit by member a rejected: rebalance in progress \(generation 2 is not yet adopted/,
    );
    group.markApplied('a', 2);
    group.commit('a', [{ topic: 't', partition: 0, offset: 1 }]);
    assert.throws(
      () => group.commit('a', [{ topic: 't', partition: 2, offset: 1 }]),
      /commit by member a rejected: t\[2\] is not assigned to it in generation 2/,
    );
    assert.throws(
      () => group.commit('zombie', [{ topic: 't', partition: 0, offset: 1 }]),
      /member zombie rejected: it is not a member of the group/,
    );
  });

  it('stores nothing from a commit with one bad entry', () => {
    const group = newGroup();
    twoMembers(group);
    assert.throws(
      () =>
        group.commit('a', [
          { topic: 't', partition: 0, offset: 5 },
          { topic: 't', partition: 1, offset: -3 },
        ]),
      /offset -3 for t\[1\] is invalid/,
    );
    assert.equal(group.committedOffset('t', 0), undefined);
  });

  it('rebalances when a member leaves, and bumps the generation when the last one does', () => {
    const group = newGroup();
    const [a, b] = twoMembers(group);
    group.leave('b');
    assert.deepEqual(a.calls.at(-1), 'started');
    group.rejoin('a');
    assert.equal(a.generation, 3);
    assert.deepEqual(a.partitions(), [0, 1, 2, 3]);
    assert.deepEqual(b.calls, ['assigned:2']);
    group.leave('a');
    assert.equal(group.generation, 4);
    assert.deepEqual(group.memberIds(), []);
    assert.equal(group.isRebalancing, false);
  });

  it('a leave during a rebalance completes it when the leaver was the one awaited', () => {
    const group = newGroup();
    const [a] = twoMembers(group);
    group.join('c', new FakeMember('t'), 60_000);
    group.rejoin('a');
    assert.equal(group.isRebalancing, true, 'b has not rejoined');
    group.leave('b');
    assert.equal(group.isRebalancing, false);
    assert.equal(a.generation, 3);
  });

  it('rebalances on topic changes only for groups subscribed to them', () => {
    const group = newGroup();
    const a = new FakeMember('t');
    group.join('a', a, 60_000);
    group.markApplied('a', 1);
    group.topicsChanged(['other']);
    assert.equal(group.isRebalancing, false);
    group.topicsChanged(['other', 't']);
    assert.equal(group.isRebalancing, true);
  });

  it('assigns per topic over the subscribers of each', () => {
    const group = newGroup();
    const a = new FakeMember('t', 'u');
    const b = new FakeMember('t');
    group.join('a', a, 60_000);
    group.join('b', b, 60_000);
    group.rejoin('a');
    assert.deepEqual(
      a.assignment.map((tp) => `${tp.topic}${tp.partition}`),
      ['t0', 't1', 'u0'],
    );
    assert.deepEqual(
      b.assignment.map((tp) => `${tp.topic}${tp.partition}`),
      ['t2', 't3'],
    );
  });

  it('expels a member that does not rejoin within the rebalance timeout', async () => {
    const group = newGroup();
    const a = new FakeMember('t');
    const b = new FakeMember('t');
    group.join('a', a, 20);
    group.markApplied('a', 1);
    const expelled = new Promise<void>((resolve) => {
      a.expelledCalled = resolve;
    });
    group.join('b', b, 20);
    await expelled;
    assert.deepEqual(group.memberIds(), ['b']);
    assert.deepEqual(b.calls, ['assigned:2']);
    assert.deepEqual(b.partitions(), [0, 1, 2, 3]);
    assert.equal(group.rejoin('a'), false, 'an expelled member must join again');
  });

  it('forgets the committed offsets of a deleted topic', () => {
    const group = newGroup();
    twoMembers(group);
    group.commit('a', [{ topic: 't', partition: 1, offset: 9 }]);
    group.forgetTopic('t');
    assert.equal(group.committedOffset('t', 1), undefined);
  });
});
