/** The small parts of the table core: local state, key index, replicas, progress lines. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Collection } from '../../../../runtime/tables/collection.js';
import { KeyIndex } from '../../../../runtime/tables/key-index.js';
import { DELETED, LocalState } from '../../../../runtime/tables/local-state.js';
import { describeProgress, formatDuration } from '../../../../runtime/tables/progress.js';
import { PartitionReplica } from '../../../../runtime/tables/replica.js';
import type { Message } from '../../../../runtime/transport/types.js';

const key = (text: string) => Buffer.from(text);

describe('LocalState', () => {
  it('keeps pending writes through eviction and releases them after their last write', () => {
    const state = new LocalState<number>(16);
    state.write(0, 'p', key('p'), 1);
    state.write(0, 'p', key('p'), 2);
    for (let i = 0; i < 100; i++) state.cache(0, `c${i}`, key(`c${i}`), i);
    assert.equal(state.get(0, 'p')?.value, 2, 'a pending write is never evicted');
    assert.equal(state.get(0, 'c0'), undefined, 'old cached values are');
    assert.ok([...state.entries(0)].length <= 17);
    state.release(0, 'p');
    assert.equal(state.get(0, 'p')?.pending, 1);
    state.invalidate(0, 'p');
    assert.equal(state.get(0, 'p')?.value, 2, 'invalidation keeps a pending write');
    state.release(0, 'p');
    state.invalidate(0, 'p');
    assert.equal(state.get(0, 'p'), undefined);
  });

  it('forgets a deletion once the store has it', () => {
    const state = new LocalState<number>(100);
    state.write(1, 'd', key('d'), DELETED);
    assert.equal(state.get(1, 'd')?.value, DELETED);
    state.release(1, 'd');
    assert.equal(state.get(1, 'd'), undefined);
  });
});

describe('KeyIndex', () => {
  it('is an LRU of key -> partition of tableKeyIndexSize entries', () => {
    const index = new KeyIndex(2);
    index.set('a', 0);
    index.set('b', 1);
    assert.equal(index.get('a'), 0);
    index.set('c', 2);
    assert.equal(index.get('b'), undefined, 'the least recently used key went');
    assert.equal(index.get('a'), 0);
    index.forgetPartition(2);
    assert.equal(index.get('c'), undefined);
    const off = new KeyIndex(0);
    off.set('a', 1);
    assert.equal(off.size, 0);
  });
});

/** A table that records the batches applied to it. */
function fakeTable(batches: number[][]): Collection<unknown> {
  return {
    name: 't',
    changelogTopic: 'app-t-changelog',
    applyChangelog: async (_partition: number, messages: Message[]) => {
      batches.push(messages.map((m) => m.offset));
      return messages.length;
    },
  } as unknown as Collection<unknown>;
}

const records = (...offsets: number[]): Message[] =>
  offsets.map((offset) => ({
    topic: 'app-t-changelog',
    partition: 0,
    offset,
    key: Buffer.from('"k"'),
    value: Buffer.from(String(offset)),
    timestamp: 0,
    headers: {},
  }));

describe('PartitionReplica', () => {
  it('catches up over compaction holes, batching by the buffer size', async () => {
    const batches: number[][] = [];
    const replica = new PartitionReplica(fakeTable(batches), 0, 'recovery', 3, 2, (e) => assert.fail(e));
    const done = replica.catchUp(10);
    let finished = false;
    void done.then(() => {
      finished = true;
    });
    await replica.onRecords(records(3, 5));
    await replica.onRecords(records(6));
    await replica.drained();
    assert.equal(finished, false);
    assert.equal(replica.progress().done, 4);
    assert.equal(replica.progress().total, 7);
    await replica.onRecords(records(9));
    await done;
    assert.deepEqual(batches, [[3, 5], [6], [9]], 'drained() applied the partial batch');
    assert.equal(replica.applied, 4);
  });

  it('reaches the high watermark through a position report when the tail is transaction markers', async () => {
    const batches: number[][] = [];
    const replica = new PartitionReplica(fakeTable(batches), 0, 'recovery', 0, 100, (e) => assert.fail(e));
    const done = replica.catchUp(5);
    await replica.onRecords(records(0, 1, 2));
    replica.onPosition(5);
    await done;
    assert.deepEqual(batches, [[0, 1, 2]]);
    assert.equal(replica.position, 5);
  });

  it('is done at once when there is nothing to read; cancel() lets waiters go', async () => {
    const replica = new PartitionReplica(fakeTable([]), 0, 'recovery', 7, 10, (e) => assert.fail(e));
    await replica.catchUp(7);
    const waiting = replica.catchUp(100);
    replica.cancel();
    await waiting;
  });

  it('applies every batch at once once it follows for good (standby)', async () => {
    const batches: number[][] = [];
    const replica = new PartitionReplica(fakeTable(batches), 0, 'standby', 0, 1000, (e) => assert.fail(e));
    await replica.onRecords(records(0));
    await replica.onRecords(records(1, 2));
    await replica.drained();
    assert.deepEqual(batches, [[0], [1, 2]]);
  });
});

describe('recovery progress', () => {
  it('says records done/total, records/s and the time left', () => {
    assert.equal(
      describeProgress(25_000, 100_000, 2, 3),
      'recovering tables (3 changelog partitions): 25,000/100,000 records (25.0%), 12,500 records/s, ETA 6s',
    );
    assert.match(describeProgress(0, 10, 1, 1), /\(1 changelog partition\).*ETA unknown/);
    assert.equal(formatDuration(200), '3m 20s');
    assert.equal(formatDuration(3900), '1h 5m');
  });
});
