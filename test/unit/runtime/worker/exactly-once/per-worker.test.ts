/**
 * ExactlyOnce with one transaction per worker (EOS v2, KIP-447): every partition's sends go into
 * the one producer's transaction, a commit cycle commits all partitions' offsets together, and
 * a commit the coordinator refuses (a zombie's old generation) aborts it and processes every
 * partition again from its committed offset.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runForEvent } from '../../../../../runtime/streams/context.js';
import { isTransactionAborted } from '../../../../../runtime/transport/transaction-aborted.js';
import { perWorkerLayout } from '../../../../../runtime/worker/exactly-once/layout.js';
import { batch, eventOf, harness, out, partitions, settle } from './support.js';

const ID = 'app-worker-w1';

/** Assigns partitions 0 and 1 in generation 1 and delivers offsets 0..2 of each, processed. */
async function twoPartitions() {
  const h = harness(perWorkerLayout(ID));
  await h.eos.assigned(partitions(0, 1), 1);
  for (const p of [0, 1]) {
    const b = batch(0, 3, 1, p);
    await settle(h.eos, b);
    assert.equal(h.eos.admit(b), true);
    for (const m of b.messages) h.track(m.offset, p);
  }
  const receipts = [0, 1].map((p) => runForEvent(eventOf(2, 1, p), () => h.eos.send(out(p))));
  for (const p of [0, 1]) for (const offset of [0, 1, 2]) h.ack(offset, p);
  return { h, receipts };
}

describe('ExactlyOnce, one transaction per worker', () => {
  it('one producer for all partitions; a commit cycle sends every partition’s offsets in one transaction', async () => {
    const { h, receipts } = await twoPartitions();
    await h.eos.commit();
    assert.deepEqual(
      h.producers.map((p) => p.transactionalId),
      [ID],
      'one producer, the worker’s id',
    );
    const [producer] = h.producers;
    assert.equal(producer!.sent.length, 2, 'both partitions’ sends in its transaction');
    assert.deepEqual(producer!.offsetCalls, [
      [
        { topic: 'events', partition: 0, offset: 3 },
        { topic: 'events', partition: 1, offset: 3 },
      ],
    ]);
    assert.equal(producer!.commits, 1, 'one commit for both partitions');
    for (const receipt of receipts) await receipt;
    await h.eos.close();
  });

  it('offsets the coordinator refuses (an old generation) abort the transaction and rewind every partition', async () => {
    const { h, receipts } = await twoPartitions();
    h.producers[0]!.refuseOffsets = new Error('ILLEGAL_GENERATION: the group has moved on');
    await h.eos.commit();
    for (const receipt of receipts) await assert.rejects(receipt, (error) => isTransactionAborted(error));
    assert.equal(h.producers[0]!.commits, 0, 'nothing committed');
    assert.equal(h.producers[0]!.aborts, 1);
    assert.deepEqual(
      h.producers.map((p) => p.transactionalId),
      [ID, ID],
      'a new producer with the same id replaced the refused one',
    );
    assert.deepEqual(
      h.seeks.map(({ partition, offset }) => [partition.partition, offset]).sort(),
      [
        [0, 0],
        [1, 0],
      ],
      'both partitions read again from their committed offsets',
    );
    await h.eos.close();
  });

  it('a revoke while one partition’s event is unfinished aborts the whole transaction, commits nothing', async () => {
    const { h, receipts } = await twoPartitions();
    h.track(3, 1);
    const unfinished = runForEvent(eventOf(3, 1, 1), () => h.eos.send(out(3)));
    await h.eos.revoking(1);
    for (const receipt of [...receipts, unfinished])
      await assert.rejects(receipt, (error) => isTransactionAborted(error));
    assert.equal(h.producers[0]!.commits, 0);
    assert.deepEqual(h.producers[0]!.offsetCalls, [], 'no offsets of either partition');
    await h.eos.close();
  });

  it('sends with no offsets to go with them wait: a worker’s transaction is fenced only through its offsets', async () => {
    const { h, receipts } = await twoPartitions();
    await h.eos.commit();
    for (const receipt of receipts) await receipt;
    const late = runForEvent(eventOf(2, 1, 0), () => h.eos.send(out(9)));
    await h.eos.flush();
    await h.eos.commit();
    assert.equal(h.producers[0]!.commits, 1, 'no commit without offsets');
    await h.eos.close();
    await assert.rejects(late, (error) => isTransactionAborted(error), 'aborted at the close');
  });

  it('a partition given up after a revoke leaves the transaction to the others; the last one closes it', async () => {
    const { h } = await twoPartitions();
    await h.eos.revoking(1);
    assert.equal(h.producers[0]!.commits, 1);
    await h.eos.assigned(partitions(1), 2);
    const b = batch(3, 1, 2, 1);
    await settle(h.eos, b);
    assert.equal(h.eos.admit(b), true);
    await assert.rejects(
      runForEvent(eventOf(2, 2, 0), () => h.eos.send(out(0))),
      (error) => isTransactionAborted(error),
      'partition 0 is no longer this worker’s',
    );
    assert.equal(h.producers.length, 1, 'the kept partition stays in the same producer’s transactions');
    await h.eos.assigned([], 3);
    assert.equal(h.producers.length, 1);
    await h.eos.close();
  });
});
