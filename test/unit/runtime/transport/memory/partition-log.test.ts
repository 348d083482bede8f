import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PartitionLog } from '../../../../../runtime/transport/memory/partition-log.js';

function filled(count: number, valueBytes: number): PartitionLog {
  const log = new PartitionLog('t', 0);
  for (let i = 0; i < count; i++) {
    log.append({ key: null, value: Buffer.alloc(valueBytes, i), timestamp: i, headers: {} });
  }
  return log;
}

describe('PartitionLog', () => {
  it('appends at consecutive offsets from 0', () => {
    const log = new PartitionLog('t', 3);
    assert.equal(log.append({ key: null, value: null, timestamp: 1, headers: {} }), 0);
    assert.equal(log.append({ key: null, value: null, timestamp: 2, headers: {} }), 1);
    assert.equal(log.end, 2);
    assert.deepEqual(
      log.read(0, 0, 0).map((m) => [m.topic, m.partition, m.offset, m.timestamp]),
      [
        ['t', 3, 0, 1],
        ['t', 3, 1, 2],
      ],
    );
  });

  it('bounds a read by record count and by bytes, but always returns one record', () => {
    const log = filled(10, 100);
    assert.deepEqual(
      log.read(2, 3, 0).map((m) => m.offset),
      [2, 3, 4],
    );
    assert.deepEqual(
      log.read(0, 0, 250).map((m) => m.offset),
      [0, 1],
    );
    assert.deepEqual(
      log.read(5, 0, 10).map((m) => m.offset),
      [5],
      'a record larger than maxBytes still comes alone',
    );
    assert.deepEqual(log.read(10, 5, 0), []);
  });

  it('hands out fresh message and header objects on every read', () => {
    const log = new PartitionLog('t', 0);
    log.append({ key: null, value: null, timestamp: 0, headers: { h: Buffer.from('1') } });
    const [first] = log.read(0, 0, 0);
    first!.headers.extra = Buffer.from('x');
    const [second] = log.read(0, 0, 0);
    assert.notEqual(first, second);
    assert.deepEqual(Object.keys(second!.headers), ['h']);
  });

  it('wakes watchers only when asked, and no longer after unwatch', () => {
    const log = new PartitionLog('t', 0);
    let calls = 0;
    const watcher = () => calls++;
    log.watch(watcher);
    log.append({ key: null, value: null, timestamp: 0, headers: {} });
    assert.equal(calls, 0);
    log.notifyWatchers();
    assert.equal(calls, 1);
    log.unwatch(watcher);
    log.notifyWatchers();
    assert.equal(calls, 1);
  });
});
