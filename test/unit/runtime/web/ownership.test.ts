import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClusterAssignment } from '../../../../runtime/assignor/cluster-assignment.js';
import { Unavailable } from '../../../../runtime/web/errors.js';
import { OwnershipState, place } from '../../../../runtime/web/ownership.js';

const SELF = 'http://a:1';
const OTHER = 'http://b:2';

function cluster(generation: number): ClusterAssignment {
  return new ClusterAssignment(
    generation,
    'member-a',
    'x',
    [
      { memberId: 'member-a', url: SELF, actives: { 't-changelog': [0, 1] }, standbys: {} },
      { memberId: 'member-b', url: OTHER, actives: { 't-changelog': [2, 3] }, standbys: {} },
    ],
    true,
  );
}

function readyState(generation = 1): OwnershipState {
  const state = new OwnershipState();
  state.rebalanceStarted(generation);
  state.rebalanceSettled(generation);
  state.markReady();
  return state;
}

describe('placing a key partition', () => {
  it('is local when this worker serves the partition', () => {
    const placement = place(
      readyState(),
      { cluster: () => cluster(1), selfUrl: () => SELF },
      't-changelog',
      1,
      () => true,
      undefined,
    );
    assert.deepEqual(placement, { kind: 'local', partition: 1 });
  });

  it("is the owner's URL when another worker owns it", () => {
    const placement = place(
      readyState(),
      { cluster: () => cluster(1), selfUrl: () => SELF },
      't-changelog',
      3,
      () => false,
      undefined,
    );
    assert.deepEqual(placement, { kind: 'remote', partition: 3, url: OTHER });
  });

  it('is unavailable before the first recovery, during a rebalance and while stopping', () => {
    const source = { cluster: () => cluster(1), selfUrl: () => SELF };
    const starting = new OwnershipState();
    assert.throws(() => place(starting, source, 't-changelog', 1, () => true, undefined), /starting/);
    const rebalancing = readyState();
    rebalancing.rebalanceStarted(2);
    assert.throws(() => place(rebalancing, source, 't-changelog', 1, () => true, undefined), /rebalance/);
    rebalancing.rebalanceSettled(2);
    assert.throws(
      () => place(rebalancing, source, 't-changelog', 1, () => true, undefined),
      /group assignment is changing/,
      'the group assignment read is older than the rebalance',
    );
    const stopping = readyState();
    stopping.markStopping();
    assert.throws(() => place(stopping, source, 't-changelog', 1, () => true, undefined), /shutting down/);
  });

  it('is unavailable when the group assignment read is newer than the settled rebalance', () => {
    assert.throws(
      () =>
        place(
          readyState(1),
          { cluster: () => cluster(2), selfUrl: () => SELF },
          't-changelog',
          1,
          () => true,
          undefined,
        ),
      /rebalance is under way/,
    );
  });

  it('does not serve a partition the table holds but the settled assignment gives to another worker', () => {
    // The table layer took partition 3 in a rebalance the web layer has not seen yet: not recovered.
    const placement = place(
      readyState(),
      { cluster: () => cluster(1), selfUrl: () => SELF },
      't-changelog',
      3,
      () => true,
      undefined,
    );
    assert.deepEqual(placement, { kind: 'remote', partition: 3, url: OTHER });
  });

  it('never forwards a forwarded request again (loop protection)', () => {
    assert.throws(
      () =>
        place(
          readyState(),
          { cluster: () => cluster(1), selfUrl: () => SELF },
          't-changelog',
          3,
          () => false,
          OTHER,
        ),
      (error: unknown) =>
        error instanceof Unavailable &&
        error.statusCode === 503 &&
        /forwarded here by http:\/\/b:2/.test(error.message),
    );
  });

  it('is unavailable when nobody owns the partition or the assignment names this worker but it does not serve it', () => {
    const source = { cluster: () => cluster(1), selfUrl: () => SELF };
    assert.throws(
      () => place(readyState(), source, 'other-topic', 0, () => false, undefined),
      /no worker owns/,
    );
    assert.throws(
      () => place(readyState(), source, 't-changelog', 0, () => false, undefined),
      /moving to this worker/,
    );
  });

  it('finds the owner through a co-partitioned topic when the changelog is not in the assignment', () => {
    const sources = new ClusterAssignment(
      1,
      'member-a',
      'x',
      [
        { memberId: 'member-a', url: SELF, actives: { words: [0, 1] }, standbys: {} },
        { memberId: 'member-b', url: OTHER, actives: { words: [2, 3] }, standbys: {} },
      ],
      true,
    );
    const placement = place(
      readyState(),
      { cluster: () => sources, selfUrl: () => SELF },
      ['t-changelog', 'words'],
      2,
      () => false,
      undefined,
    );
    assert.deepEqual(placement, { kind: 'remote', partition: 2, url: OTHER });
  });

  it('503s carry Retry-After', () => {
    const error = new Unavailable('later', 3);
    assert.deepEqual(error.headers, { 'retry-after': '3' });
  });
});
