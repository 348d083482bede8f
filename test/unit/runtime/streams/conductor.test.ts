import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Conductor } from '../../../../runtime/streams/conductor.js';
import type { Message, MessageBatch } from '../../../../runtime/transport/types.js';

function batch(topic: string, partition: number, from: number, count: number, generation = 1): MessageBatch {
  const messages: Message[] = [];
  for (let i = 0; i < count; i++) {
    messages.push({ topic, partition, offset: from + i, key: null, value: null, timestamp: 0, headers: {} });
  }
  return { topic, partition, messages, highWatermark: from + count, generation };
}

const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await new Promise((r) => setImmediate(r));
  return done;
};

describe('Conductor', () => {
  it('fans a message out to every buffer of its topic; the offset is acked when all of them acked', () => {
    let acks = 0;
    const conductor = new Conductor({ maxsize: 100, onAck: () => acks++, commits: () => true });
    const a = conductor.subscribe('t');
    const b = conductor.subscribe('t');
    conductor.assigned([{ topic: 't', partition: 0 }], 1);
    conductor.deliver(batch('t', 0, 0, 1));
    const refA = a.take()!;
    const refB = b.take()!;
    assert.equal(refA, refB);
    refA.release();
    assert.equal(acks, 0);
    assert.deepEqual(conductor.ackTrackers.pendingCommits(), []);
    refB.release();
    assert.equal(acks, 1);
    assert.deepEqual(conductor.ackTrackers.pendingCommits(), [{ topic: 't', partition: 0, offset: 1 }]);
  });

  it('back-pressure: a batch that fills a buffer is accepted, and deliver() resolves once it drained to half', async () => {
    const conductor = new Conductor({ maxsize: 10, onAck: () => {}, commits: () => true });
    const buffer = conductor.subscribe('t');
    conductor.assigned([{ topic: 't', partition: 0 }], 1);
    assert.equal(conductor.deliver(batch('t', 0, 0, 4)), undefined, 'room left: no waiting');
    const waiting = conductor.deliver(batch('t', 0, 4, 16));
    assert.ok(waiting instanceof Promise, 'the buffer is full: the transport must wait');
    assert.equal(buffer.size, 20, 'the whole batch was accepted');
    for (let i = 0; i < 14; i++) buffer.take();
    assert.equal(await settled(waiting), false, '6 left: still above half');
    buffer.take();
    assert.equal(await settled(waiting), true, '5 left: drained to half');
  });

  it('a rebalance drops buffered messages of the old generation and releases waiting deliveries', async () => {
    const conductor = new Conductor({ maxsize: 2, onAck: () => {}, commits: () => true });
    const buffer = conductor.subscribe('t');
    conductor.assigned([{ topic: 't', partition: 0 }], 1);
    const waiting = conductor.deliver(batch('t', 0, 0, 5));
    assert.ok(waiting instanceof Promise);
    conductor.assigned([{ topic: 't', partition: 1 }], 2);
    assert.equal(await settled(waiting), true);
    assert.equal(buffer.size, 0);
    assert.equal(
      conductor.deliver(batch('t', 0, 5, 3, 1)),
      undefined,
      'a batch of the old generation is ignored',
    );
    assert.equal(buffer.size, 0);
    conductor.deliver(batch('t', 1, 0, 1, 2));
    assert.equal(buffer.size, 1);
  });

  it("revoke: drops what is buffered, refuses later batches of the generation, counts only events in agents' hands", async () => {
    const conductor = new Conductor({ maxsize: 4, onAck: () => {}, commits: () => true });
    const buffer = conductor.subscribe('t');
    conductor.assigned([{ topic: 't', partition: 0 }], 1);
    const waiting = conductor.deliver(batch('t', 0, 0, 6));
    const first = buffer.take()!;
    const second = buffer.take()!;
    first.release();
    assert.equal(conductor.inFlight(), 5, 'one acked, one in an agent, four buffered');
    assert.equal(conductor.revoke(1), 4);
    assert.ok(await settled(waiting as Promise<void>), 'a waiting delivery is released');
    assert.equal(buffer.size, 0);
    assert.equal(conductor.inFlight(), 1, 'only the event an agent holds is in flight');
    conductor.deliver(batch('t', 0, 6, 2));
    assert.equal(buffer.size, 0, 'batches of the revoked generation are refused');
    second.release();
    assert.equal(conductor.inFlight(), 0);
    assert.deepEqual(conductor.ackTrackers.pendingCommits(), [{ topic: 't', partition: 0, offset: 2 }]);
    assert.equal(conductor.revoke(0), 0, 'another generation: nothing to do');
    conductor.assigned([{ topic: 't', partition: 0 }], 2);
    conductor.deliver(batch('t', 0, 2, 2, 2));
    assert.equal(buffer.size, 2, 'the next generation delivers again');
  });

  it('acks at once the messages of a topic nobody reads, and never tracks topics without commits', () => {
    let acks = 0;
    const conductor = new Conductor({
      maxsize: 10,
      onAck: () => acks++,
      commits: (topic) => topic !== 'replies',
    });
    conductor.subscribe('other');
    conductor.assigned(
      [
        { topic: 'unread', partition: 0 },
        { topic: 'replies', partition: 0 },
      ],
      1,
    );
    conductor.deliver(batch('unread', 0, 0, 3));
    assert.equal(acks, 3);
    assert.deepEqual(conductor.ackTrackers.pendingCommits(), [{ topic: 'unread', partition: 0, offset: 3 }]);
    const replies = conductor.subscribe('replies');
    conductor.deliver(batch('replies', 0, 0, 2));
    replies.take()!.release();
    assert.deepEqual(
      conductor.ackTrackers.pendingCommits().filter((c) => c.topic === 'replies'),
      [],
    );
  });
});

describe('Conductor: a position moved back without a rebalance (an out-of-range reset to the earliest)', () => {
  it('starts tracking over from the new position instead of throwing "delivered out of order", and says so', () => {
    const rewinds: unknown[] = [];
    const conductor = new Conductor({
      maxsize: 100,
      onAck: () => {},
      commits: () => true,
      onRewind: (...args) => rewinds.push(args),
    });
    const buffer = conductor.subscribe('t');
    conductor.assigned([{ topic: 't', partition: 0 }], 1);
    conductor.deliver(batch('t', 0, 50, 5));
    buffer.take()!.release(); // 50 done: committable 51
    assert.deepEqual(conductor.ackTrackers.pendingCommits(), [{ topic: 't', partition: 0, offset: 51 }]);
    conductor.ackTrackers.markCommitted([{ topic: 't', partition: 0, offset: 51 }]);

    conductor.deliver(batch('t', 0, 0, 3));
    assert.deepEqual(rewinds, [['t', 0, 0, 54]]);
    assert.equal(buffer.size, 3, 'the events of the old position are dropped: they come again');
    buffer.take()!.release();
    assert.deepEqual(
      conductor.ackTrackers.pendingCommits(),
      [{ topic: 't', partition: 0, offset: 1 }],
      'commits follow the new position, even below the offset committed before',
    );
  });
});
