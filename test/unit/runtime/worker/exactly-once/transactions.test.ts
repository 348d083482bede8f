/**
 * ExactlyOnce when the consumer reads a partition again without a revoke: a rejoin after a crash
 * (kafkajs restarted the consumer during a broker outage) or a position moved back within the
 * generation. The open transaction already holds the effects of the events that come again, so
 * it must be aborted, and the old events' later sends refused as aborted (tables drop them).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runForEvent } from '../../../../../runtime/streams/context.js';
import { isTransactionAborted } from '../../../../../runtime/transport/transaction-aborted.js';
import { perPartitionLayout, perWorkerLayout } from '../../../../../runtime/worker/exactly-once/layout.js';
import { TOPIC, batch, eventOf, harness, out, settle } from './support.js';

for (const layout of [perPartitionLayout('app'), perWorkerLayout('app-worker-1')])
  describe(`ExactlyOnce (one transaction per ${layout.kind}): a partition read again without a revoke`, () => {
    it('a rejoin with no revoke before it aborts the kept partition’s open transaction and refuses the old events’ sends', async () => {
      const h = harness(layout);
      await h.eos.assigned([{ topic: TOPIC, partition: 0 }], 1);
      const first = batch(0, 3, 1);
      await settle(h.eos, first);
      assert.equal(h.eos.admit(first), true);
      for (const m of first.messages) h.track(m.offset);
      const receipt = runForEvent(eventOf(1, 1), () => h.eos.send(out(1)));
      await h.eos.flush();
      assert.equal(h.producers[0]!.sent.length, 1);

      // The consumer crashed and joined again (generation 2) without onRevoking.
      h.newTrackers();
      await h.eos.assigned([{ topic: TOPIC, partition: 0 }], 2);
      const again = batch(0, 3, 2);
      await settle(h.eos, again);
      await assert.rejects(receipt, (error) => isTransactionAborted(error));
      assert.equal(h.producers[0]!.aborts, 1, 'the open transaction was aborted');
      assert.equal(h.producers[0]!.commits, 0, 'nothing of generation 1 was committed');
      assert.ok(h.producers.length >= 2, 'a new producer fenced the old one');
      await assert.rejects(
        runForEvent(eventOf(2, 1), () => h.eos.send(out(2))),
        (error) => isTransactionAborted(error),
        'a late send of an old event is refused as aborted',
      );
      assert.equal(h.eos.admit(again), true, 'the partition is read again from the committed offset');
      await h.eos.close();
    });

    it('a batch that starts at an offset already delivered aborts the transaction and rewinds to the committed offset', async () => {
      const h = harness(layout);
      await h.eos.assigned([{ topic: TOPIC, partition: 0 }], 1);
      const first = batch(0, 5, 1);
      await settle(h.eos, first);
      assert.equal(h.eos.admit(first), true);
      for (const m of first.messages) h.track(m.offset);
      const receipt = runForEvent(eventOf(4, 1), () => h.eos.send(out(4)));
      await h.eos.flush();

      const movedBack = batch(3, 5, 1);
      await settle(h.eos, movedBack);
      await assert.rejects(receipt, (error) => isTransactionAborted(error));
      assert.equal(h.producers[0]!.aborts, 1);
      assert.equal(h.eos.admit(movedBack), false, 'the batch that moved back is dropped');
      assert.deepEqual(h.restarts, [{ topic: TOPIC, partition: 0 }]);
      assert.deepEqual(
        h.seeks.map((s) => s.offset),
        [0],
        'read again from the committed offset, not from where the position moved to',
      );
      await h.eos.close();
    });
  });
