import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClusterAssignment } from '../../../../runtime/assignor/cluster-assignment.js';

const CHANGELOG = 'app-t-changelog';

function cluster(self = 'b'): ClusterAssignment {
  return new ClusterAssignment(
    7,
    self,
    'id-1',
    [
      {
        memberId: 'b',
        url: 'http://b:6066',
        actives: { orders: [1], [CHANGELOG]: [1], 'app-g-changelog': [0, 1] },
        standbys: { [CHANGELOG]: [0] },
      },
      {
        memberId: 'a',
        url: 'http://a:6066',
        actives: { orders: [0], [CHANGELOG]: [0], 'app-g-changelog': [0, 1] },
        standbys: { [CHANGELOG]: [1] },
      },
    ],
    true,
  );
}

describe('ClusterAssignment', () => {
  it("answers who owns a partition, and that worker's URL", () => {
    const map = cluster();
    assert.equal(map.owner(CHANGELOG, 0)?.memberId, 'a');
    assert.equal(map.urlFor(CHANGELOG, 0), 'http://a:6066');
    assert.equal(map.urlFor('orders', 1), 'http://b:6066');
    assert.equal(map.urlFor('orders', 9), undefined);
    assert.deepEqual(
      map.standbyOwners(CHANGELOG, 0).map((member) => member.memberId),
      ['b'],
    );
    assert.equal(map.isLocal(CHANGELOG, 1), true);
    assert.equal(map.isLocal(CHANGELOG, 0), false);
  });

  it("lists this worker's actives and standbys", () => {
    const map = cluster();
    assert.deepEqual(map.standbys(), [{ topic: CHANGELOG, partition: 0 }]);
    assert.deepEqual(map.actives('orders'), [{ topic: 'orders', partition: 1 }]);
    assert.equal(map.actives().length, 4);
    assert.deepEqual(
      map.members.map((member) => member.memberId),
      ['a', 'b'],
    );
  });

  it('a partition held by every worker (global table) is owned locally', () => {
    assert.equal(cluster('b').owner('app-g-changelog', 0)?.memberId, 'b');
    assert.equal(cluster('a').owner('app-g-changelog', 0)?.memberId, 'a');
    assert.equal(cluster().activeOwners('app-g-changelog', 1).length, 2);
  });

  it('refuses a map that does not include this worker', () => {
    assert.throws(() => cluster('zz'), /does not include this member \(zz\)/);
  });

  it('serialises to plain data', () => {
    const data = JSON.parse(JSON.stringify(cluster()));
    assert.equal(data.generation, 7);
    assert.equal(data.members.length, 2);
  });
});
