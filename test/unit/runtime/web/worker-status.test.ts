/** /health's status: a stalled partition makes a ready worker not ready, naming the partition. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OwnershipState } from '../../../../runtime/web/ownership.js';
import { workerStatus } from '../../../../runtime/web/worker-view.js';

const readyState = { isReady: true, isRebalancing: false, currentGeneration: 3 } as OwnershipState;

describe('workerStatus', () => {
  it('is ready with no stalled partitions', () => {
    assert.deepEqual(workerStatus(readyState, []), {
      live: true,
      ready: true,
      rebalancing: false,
      generation: 3,
      stalled: [],
    });
  });

  it('is not ready while a partition with lag makes no progress, and names it with its offsets', () => {
    const status = workerStatus(readyState, [
      {
        topic: 'payments',
        partition: 2,
        committed: 11_387,
        high: 53_900,
        lag: 42_513,
        stalledForMs: 125_000,
      },
    ]);
    assert.equal(status.ready, false);
    assert.deepEqual(status.stalled, ['payments[2]: committed 11387, high 53900, no progress for 125 s']);
  });
});
