import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseLayout } from '../../../../../runtime/worker/exactly-once/layout.js';

const tp = (partition: number) => ({ topic: 'orders', partition });

describe('chooseLayout', () => {
  it('a transport that cannot fence by group metadata: one transaction per input partition, the same id on every worker', () => {
    const layout = chooseLayout({ groupId: 'app', fencesByGroupMetadata: false, groupInstanceId: 'w1' });
    assert.equal(layout.kind, 'partition');
    assert.equal(layout.transactionalId(tp(3)), 'app-orders-3');
    assert.notEqual(layout.transactionalId(tp(3)), layout.transactionalId(tp(4)));
  });

  it('a transport that fences by group metadata: one transaction per worker, named by its instance id when static', () => {
    const layout = chooseLayout({ groupId: 'app', fencesByGroupMetadata: true, groupInstanceId: 'w1' });
    assert.equal(layout.kind, 'worker');
    assert.equal(layout.transactionalId(tp(3)), 'app-worker-w1');
    assert.equal(layout.transactionalId(tp(4)), 'app-worker-w1');
  });

  it('without an instance id, each process gets an id of its own', () => {
    const one = chooseLayout({ groupId: 'app', fencesByGroupMetadata: true });
    const two = chooseLayout({ groupId: 'app', fencesByGroupMetadata: true });
    assert.match(one.transactionalId(tp(0)), /^app-worker-.+/);
    assert.notEqual(one.transactionalId(tp(0)), two.transactionalId(tp(0)));
    assert.equal(
      chooseLayout({ groupId: 'app', fencesByGroupMetadata: true, processId: 'p7' }).transactionalId(tp(0)),
      'app-worker-p7',
    );
  });
});
