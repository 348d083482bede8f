import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Arrivals, PendingReplies } from '../../../../../runtime/agents/rpc/index.js';

describe('PendingReplies', () => {
  it('settles a request with its reply once; later replies for the id are not taken', async () => {
    const pending = new PendingReplies();
    const reply = pending.expect('a', 'agent-x', Infinity, () => new Error('timeout'));
    assert.equal(pending.size, 1);
    assert.equal(pending.resolve('a', 42), true);
    assert.equal(pending.resolve('a', 43), false);
    assert.equal(pending.resolve('unknown', 1), false);
    assert.equal(await reply, 42);
    assert.equal(pending.size, 0);
  });

  it('rejects with the timeout error when no reply comes in time', async () => {
    const pending = new PendingReplies();
    const reply = pending.expect('a', 'agent-x', 1, () => new Error('no reply to a'));
    await assert.rejects(reply, /no reply to a/);
    assert.equal(pending.has('a'), false);
    assert.equal(pending.resolve('a', 1), false, 'a reply after the timeout is not taken');
  });

  it('a request nobody awaits any more times out without an unhandled rejection', async () => {
    const pending = new PendingReplies();
    pending.expect('a', 'agent-x', 1, () => new Error('ignored'));
    const settled = pending.expect('b', 'agent-x', 2, () => new Error('b timed out'));
    await assert.rejects(settled, /b timed out/);
  });

  it('reject() and rejectAll() fail requests with errors naming their agent', async () => {
    const pending = new PendingReplies();
    const a = pending.expect('a', 'agent-a', Infinity, () => new Error('timeout'));
    const b = pending.expect('b', 'agent-b', Infinity, () => new Error('timeout'));
    const c = pending.expect('c', 'agent-c', Infinity, () => new Error('timeout'));
    assert.equal(
      pending.reject('a', (agent) => new Error(`${agent}: unreadable`)),
      true,
    );
    await assert.rejects(a, /agent-a: unreadable/);
    pending.rejectAll((agent, id) => new Error(`${agent}/${id}: stopped`));
    await assert.rejects(b, /agent-b\/b: stopped/);
    await assert.rejects(c, /agent-c\/c: stopped/);
    assert.equal(pending.size, 0);
  });

  it('cancel() forgets a request; a second wait for a waiting id is refused', () => {
    const pending = new PendingReplies();
    pending.expect('a', 'agent-x', Infinity, () => new Error('timeout'));
    assert.throws(
      () => pending.expect('a', 'agent-x', Infinity, () => new Error('timeout')),
      /agent agent-x: correlation id a is already waiting/,
    );
    pending.cancel('a');
    assert.equal(pending.size, 0);
    assert.equal(pending.resolve('a', 1), false);
  });
});

describe('Arrivals', () => {
  it('hands out values in the order they were pushed, then ends once closed and complete', async () => {
    const arrivals = new Arrivals<string>();
    arrivals.expect();
    arrivals.expect();
    arrivals.close();
    const first = arrivals.next();
    arrivals.push('second-sent, first-arrived');
    assert.deepEqual(await first, { done: false, value: 'second-sent, first-arrived' });
    const second = arrivals.next();
    arrivals.push('first-sent');
    assert.deepEqual(await second, { done: false, value: 'first-sent' });
    assert.deepEqual(await arrivals.next(), { done: true, value: undefined });
  });

  it('does not end while expected values are missing, even when closed', async () => {
    const arrivals = new Arrivals<number>();
    arrivals.expect();
    arrivals.close();
    let ended = false;
    const next = arrivals.next().then((result) => {
      ended = true;
      return result;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(ended, false);
    arrivals.push(7);
    assert.deepEqual(await next, { done: false, value: 7 });
  });

  it('delivers the values that came before a failure, then the failure', async () => {
    const arrivals = new Arrivals<number>();
    arrivals.expect();
    arrivals.expect();
    arrivals.push(1);
    arrivals.fail(new Error('first failure'));
    arrivals.fail(new Error('second failure'));
    assert.deepEqual(await arrivals.next(), { done: false, value: 1 });
    await assert.rejects(arrivals.next(), /first failure/);
  });
});
