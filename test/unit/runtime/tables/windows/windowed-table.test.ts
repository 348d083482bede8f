import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  hopping,
  sliding,
  tumbling,
  WATERMARK_META,
  type WindowedKey,
} from '../../../../../runtime/tables/windows/index.js';
import { eventAt, FakeHost, processing } from './fake-host.js';

const counter = () => new FakeHost<number>({ default: () => 0 });

describe('WindowedTable: windows and changelog keys', () => {
  it("update() adds to every window the event's time falls in; keys are Faust's bytes", () => {
    const host = counter();
    const table = hopping<string, number>(host, 10, 5);
    processing(eventAt(6_000), () => table.update('k', (v) => v + 1));
    assert.deepEqual(host.keys(0), ['["k",[0.0,9.9]]', '["k",[5.0,14.9]]']);
    processing(eventAt(7_500), () => table.update('k', (v) => v + 1));
    assert.deepEqual(
      host.changelog.map(([partition, key, value]) => `${partition} ${key} ${value}`),
      ['0 ["k",[0.0,9.9]] 1', '0 ["k",[5.0,14.9]] 1', '0 ["k",[0.0,9.9]] 2', '0 ["k",[5.0,14.9]] 2'],
    );
  });

  it('a tumbling window at a real timestamp writes [key,[1603122420.0,1603122479.9]]', () => {
    const host = counter();
    const table = tumbling<number, number>(host, 60);
    processing(eventAt(1603122451544, { partition: 2 }), () => table.update(621, (v) => v + 5));
    assert.deepEqual(host.keys(2), ['[621,[1603122420.0,1603122479.9]]']);
  });

  it('WindowSet: value(), current(), delta(), at(), now()', () => {
    const host = counter();
    let nowMs = 0;
    const table = tumbling<string, number>(host, 60, { clock: () => nowMs });
    for (const ms of [10_000, 20_000, 70_000]) processing(eventAt(ms), () => table.update('k', (v) => v + 1));
    processing(eventAt(75_000), () => {
      const windows = table.get('k');
      assert.equal(windows.value(), 1, 'window [60, 120) holds one event');
      assert.equal(windows.current(), 1);
      assert.equal(windows.delta(60), 2, 'window [0, 60) holds two');
      assert.equal(windows.at([0, 59.9]), 2);
      assert.equal(windows.at([120, 179.9]), 0, 'an empty window has the default');
      nowMs = 30_000;
      assert.equal(windows.now(), 2, 'the window of the wall clock');
      assert.equal(windows.value(eventAt(5_000)), 2, 'another event picks another window');
    });
  });

  it('keys(), items() and values() over the local windows', () => {
    const host = counter();
    const table = tumbling<string, number>(host, 60);
    processing(eventAt(1_000), () => table.update('a', (v) => v + 1));
    processing(eventAt(61_000, { partition: 1 }), () => table.update('b', (v) => v + 2));
    assert.deepEqual(table.keys().sort(), ['a', 'b']);
    processing(eventAt(62_000, { partition: 1 }), () => {
      assert.deepEqual(table.items(), [['b', 2]]);
      assert.deepEqual(table.values(), [2]);
    });
  });

  it('set() and delete() act on every window of the time', () => {
    const host = counter();
    const table = hopping<string, number>(host, 10, 5);
    processing(eventAt(6_000), () => table.set('k', 9));
    assert.equal(host.keys(0).length, 2);
    processing(eventAt(6_000), () => table.delete('k'));
    assert.deepEqual(host.keys(0), []);
    assert.equal(host.changelog.filter(([, , value]) => value === null).length, 2, 'tombstones');
  });

  it('changes outside of a stream are refused', () => {
    const table = tumbling<string, number>(counter(), 60);
    assert.throws(() => table.update('k', (v) => v + 1), /update\(\) outside of a stream/);
    assert.throws(() => table.get('k').current(), /outside of a stream/);
  });

  it('declares a compact,delete changelog kept for the window span + expires', () => {
    const host = counter();
    tumbling<string, number>(host, 60, { expires: 3600 });
    assert.deepEqual(host.changelogConfig, { deleting: true, retentionMs: 3_660_000 });
    const noExpiry = counter();
    sliding<string, number>(noExpiry, 5, 5);
    assert.deepEqual(noExpiry.changelogConfig, { deleting: true });
  });
});

describe('WindowedTable: time relativity', () => {
  it('relativeToField: seconds, Date or ISO-8601 string in the value', () => {
    const host = counter();
    const table = tumbling<string, number>(host, 60).relativeToField('ts');
    processing(eventAt(999_000, { value: { ts: 125.5 } }), () => table.update('k', (v) => v + 1));
    processing(eventAt(999_000, { value: { ts: new Date(130_000) } }), () => table.update('k', (v) => v + 1));
    processing(eventAt(999_000, { value: { ts: '1970-01-01T00:02:10Z' } }), () =>
      table.update('k', (v) => v + 1),
    );
    assert.deepEqual(host.keys(0), ['["k",[120.0,179.9]]']);
    assert.equal(host.data.get(0)!.get('["k",[120.0,179.9]]'), 3);
    assert.throws(
      () => processing(eventAt(0, { value: { other: 1 } }), () => table.update('k', (v) => v + 1)),
      /field 'ts' of the event's value is undefined/,
    );
  });

  it('relativeToNow uses the wall clock; views share the data', () => {
    const host = counter();
    const base = tumbling<string, number>(host, 60, { clock: () => 3_600_000 });
    processing(eventAt(5_000), () => base.relativeToNow().update('k', (v) => v + 1));
    assert.deepEqual(host.keys(0), ['["k",[3600.0,3659.9]]']);
    processing(eventAt(5_000), () => assert.equal(base.relativeToNow().get('k').value(), 1));
    processing(eventAt(5_000), () => assert.equal(base.relativeToStream().get('k').value(), 0));
    processing(eventAt(5_000), () => assert.equal(base.relativeTo(3630).get('k').value(), 1));
  });
});

describe('WindowedTable: closing by event time', () => {
  function closingTable(host: FakeHost<number>, closes: [WindowedKey<string>, number][]) {
    return tumbling<string, number>(host, 10, {
      grace: 5,
      expires: 20,
      onWindowClose: (key, value) => {
        closes.push([key, value]);
      },
    });
  }

  it('onWindowClose fires once per key of a window, after its end + grace in event time', async () => {
    const host = counter();
    const closes: [WindowedKey<string>, number][] = [];
    const table = closingTable(host, closes);
    processing(eventAt(1_000), () => table.update('a', (v) => v + 1));
    processing(eventAt(2_000), () => table.update('b', (v) => v + 10));
    processing(eventAt(14_000), () => table.update('a', (v) => v + 1));
    assert.deepEqual(closes, [], 'end 10 + grace 5 not reached');
    processing(eventAt(15_000), () => table.update('c', (v) => v + 1));
    assert.deepEqual(closes, [
      [['a', [0, 9.9]], 1],
      [['b', [0, 9.9]], 10],
    ]);
    processing(eventAt(16_000), () => table.update('a', (v) => v + 1));
    await table.flush();
    assert.equal(host.meta.get(`0/${WATERMARK_META}`), '15', 'the watermark of the close is recorded');
    processing(eventAt(29_000), () => table.update('a', (v) => v + 1));
    assert.deepEqual(
      (closes as [WindowedKey<string>, number][]).slice(2).map(([key, value]) => [key[0], key[1][0], value]),
      [
        ['a', 10, 2],
        ['c', 10, 1],
      ],
      'the next window closes; the first never again',
    );
    await table.flush();
    assert.equal(host.meta.get(`0/${WATERMARK_META}`), '29');
  });

  it('a late event does not change a closed window', () => {
    const host = counter();
    const closes: [WindowedKey<string>, number][] = [];
    const table = closingTable(host, closes);
    processing(eventAt(1_000), () => table.update('a', (v) => v + 1));
    processing(eventAt(15_000), () => table.update('a', (v) => v + 1));
    processing(eventAt(3_000), () => table.update('a', (v) => v + 100));
    assert.equal(host.data.get(0)!.get('["a",[0.0,9.9]]'), 1);
    assert.equal(table.stats.lateWrites, 1);
    processing(eventAt(12_000), () => table.update('a', (v) => v + 1));
    assert.equal(
      host.data.get(0)!.get('["a",[10.0,19.9]]'),
      2,
      'an event in the grace period of its window counts',
    );
  });

  it("each partition closes by its own events' time", () => {
    const host = counter();
    const closes: [WindowedKey<string>, number][] = [];
    const table = closingTable(host, closes);
    processing(eventAt(1_000, { partition: 0 }), () => table.update('a', (v) => v + 1));
    processing(eventAt(1_000, { partition: 1 }), () => table.update('b', (v) => v + 1));
    processing(eventAt(50_000, { partition: 1 }), () => table.update('b', (v) => v + 1));
    assert.deepEqual(
      closes.map(([key]) => key[0]),
      ['b'],
    );
    assert.equal(table.watermark(0), 1);
    assert.equal(table.watermark(1), 50);
  });

  it('data expires at end + expires in event time', () => {
    const host = counter();
    const table = closingTable(host, []);
    processing(eventAt(1_000), () => table.update('a', (v) => v + 1));
    processing(eventAt(29_000), () => table.update('x', (v) => v + 1));
    assert.equal(host.data.get(0)!.has('["a",[0.0,9.9]]'), true, 'closed, still readable');
    processing(eventAt(30_000), () => {
      table.update('x', (v) => v + 1);
      assert.equal(table.get('a').at([0, 9.9]), 0, 'expired: the default');
    });
    assert.deepEqual(host.expired, [[0, '["a",[0.0,9.9]]']], 'dropped locally');
    assert.deepEqual(
      host.changelog.filter(([, , value]) => value === null),
      [[0, '["a",[0.0,9.9]]', null]],
      'and tombstoned in the changelog',
    );
    assert.equal(table.stats.expiredKeys, 1);
  });

  it('a restart fires only the windows still open, and restored keys expire too', async () => {
    const host = counter();
    const before: [WindowedKey<string>, number][] = [];
    const first = closingTable(host, before);
    processing(eventAt(1_000), () => first.update('a', (v) => v + 1));
    processing(eventAt(21_000), () => first.update('b', (v) => v + 1));
    assert.deepEqual(
      before.map(([key]) => key[0]),
      ['a'],
    );
    await first.flush();

    // the same local data and recorded watermark, a new table object, a new consumer generation
    const after: [WindowedKey<string>, number][] = [];
    const second = closingTable(host, after);
    processing(eventAt(36_000, { generation: 2 }), () => second.update('c', (v) => v + 1));
    assert.deepEqual(
      after,
      [[['b', [20, 29.9]], 1]],
      "'a' closed before the restart and does not fire again",
    );
    assert.deepEqual(
      host.expired.map(([, key]) => key),
      ['["a",[0.0,9.9]]'],
      "restored 'a' expired (its end 10 + expires 20 <= 36)",
    );
  });

  it('a crash before the watermark is recorded fires the window again after the restart (at least once)', async () => {
    const host = counter();
    const closes: string[] = [];
    let release: () => void = () => {};
    const first = tumbling<string, number>(host, 10, {
      // still running when the worker dies: the watermark is recorded only after it settles
      onWindowClose: ([key]) =>
        new Promise<void>((resolve) => {
          closes.push(key);
          release = resolve;
        }),
    });
    processing(eventAt(1_000), () => first.update('a', (v) => v + 1));
    processing(eventAt(12_000), () => first.update('b', (v) => v + 1));
    assert.deepEqual(closes, ['a']);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(host.meta.size, 0, 'nothing recorded while onWindowClose runs');
    const second = tumbling<string, number>(host, 10, { onWindowClose: ([key]) => void closes.push(key) });
    processing(eventAt(13_000, { generation: 2 }), () => second.update('b', (v) => v + 1));
    assert.deepEqual(closes, ['a', 'a'], 'fired again after the crash');
    release();
    await Promise.all(host.flushers.map((flush) => flush()));
    assert.equal(host.meta.get(`0/${WATERMARK_META}`), '12', 'a graceful stop awaits the flushers');
  });

  it('a partition moved without a recorded watermark fires its windows at least once', () => {
    const host = counter();
    const closes: [WindowedKey<string>, number][] = [];
    const first = closingTable(host, closes);
    processing(eventAt(1_000), () => first.update('a', (v) => v + 1));
    processing(eventAt(16_000), () => first.update('b', (v) => v + 1));
    assert.equal(closes.length, 1);
    host.meta.clear();
    const second = closingTable(host, closes);
    processing(eventAt(17_000, { generation: 2 }), () => second.update('b', (v) => v + 1));
    assert.deepEqual(
      closes.map(([key]) => key),
      [
        ['a', [0, 9.9]],
        ['a', [0, 9.9]],
      ],
    );
  });

  it('after a rebalance the windows are rebuilt from the local data', () => {
    const host = counter();
    const closes: [WindowedKey<string>, number][] = [];
    const table = closingTable(host, closes);
    processing(eventAt(1_000, { generation: 1 }), () => table.update('a', (v) => v + 1));
    // another worker wrote 'z' to the partition meanwhile (replayed here from the changelog)
    host.data.get(0)!.set('["z",[0.0,9.9]]', 7);
    processing(eventAt(15_000, { generation: 2 }), () => table.update('b', (v) => v + 1));
    assert.deepEqual(
      closes.map(([key, value]) => [key[0], value]),
      [
        ['a', 1],
        ['z', 7],
      ],
    );
  });

  it('an onWindowClose that throws is logged; the others still run', async () => {
    const host = counter();
    const errors: string[] = [];
    const seen: string[] = [];
    const table = tumbling<string, number>(host, 10, {
      onWindowClose: async ([key]) => {
        if (key === 'bad') throw new Error('boom');
        seen.push(key);
      },
      logger: {
        debug: () => {},
        warn: () => {},
        error: (message, extra) => errors.push(`${message} ${extra?.error}`),
      },
    });
    processing(eventAt(1_000), () => {
      table.update('bad', (v) => v + 1);
      table.update('good', (v) => v + 1);
    });
    processing(eventAt(10_000), () => table.update('x', (v) => v + 1));
    await table.flush();
    assert.deepEqual(seen, ['good']);
    assert.match(errors.join('\n'), /onWindowClose threw for window \[0, 9\.9\] boom/);
  });

  it("the table's own onWindowClose option is used when the window gives none", () => {
    const closes: unknown[] = [];
    const host = new FakeHost<number>({
      default: () => 0,
      onWindowClose: (key, value) => void closes.push([key, value]),
    });
    const table = sliding<string, number>(host, 1, 1);
    processing(eventAt(10_000), () => table.update('k', (v) => v + 1));
    processing(eventAt(11_500), () => table.update('k', (v) => v + 1));
    assert.deepEqual(closes, [[['k', [9, 11]], 1]]);
  });
});

describe('WindowedTable: expiry, one rule for every read', () => {
  // tumbling 10 s, grace 5, expires 20: window [0, 10) closes at 15 and expires at 30 (event time)
  const table = (host: FakeHost<number>) => tumbling<string, number>(host, 10, { grace: 5, expires: 20 });

  it('a partition moved here answers its expired windows as absent before it is written', () => {
    const host = counter();
    // replayed from the changelog: 'a' in [0, 10), 'b' in [30, 40) proves event time 30 >= 30
    host.data.set(
      0,
      new Map([
        ['["a",[0.0,9.9]]', 3],
        ['["b",[30.0,39.9]]', 1],
      ]),
    );
    const windows = table(host);
    assert.equal(windows.get('a').at([0, 9.9]), 0, 'expired: the default, not 3');
    assert.equal(windows.get('b').at([30, 39.9]), 1);
    assert.deepEqual(windows.keys(), ['b']);
    assert.deepEqual(host.expired, [], 'nothing deleted yet: the rule alone hides it');
    processing(eventAt(31_000, { generation: 2 }), () => {
      assert.deepEqual(windows.items(eventAt(5_000)), [], 'items() of the expired window');
      windows.update('b', (v) => v + 1);
      assert.equal(windows.get('a').at([0, 9.9]), 0, 'the same answer once the cleanup ran');
    });
    assert.deepEqual(host.expired, [[0, '["a",[0.0,9.9]]']]);
  });

  it('after a restart the recorded watermark hides a quiet key the busy keys would have expired', () => {
    const host = counter();
    host.data.set(0, new Map([['["quiet",[0.0,9.9]]', 3]]));
    host.meta.set(`0/${WATERMARK_META}`, '30');
    const windows = table(host);
    assert.equal(windows.get('quiet').at([0, 9.9]), 0);
    assert.equal(windows.get('quiet').at(windows.window.current(5)), 0, 'window.current(t) + at()');
    assert.deepEqual(windows.keys(), []);
  });

  it('a quiet key and a busy key of one partition expire at the same watermark', () => {
    const host = counter();
    const windows = table(host);
    processing(eventAt(1_000), () => {
      windows.update('quiet', (v) => v + 1);
      windows.update('busy', (v) => v + 1);
    });
    for (const ms of [12_000, 22_000, 29_000])
      processing(eventAt(ms), () => windows.update('busy', (v) => v + 1));
    assert.equal(windows.get('quiet').at([0, 9.9]), 1, 'closed, not expired: served');
    assert.equal(windows.get('busy').at([0, 9.9]), 1);
    processing(eventAt(30_000), () => windows.update('busy', (v) => v + 1));
    assert.equal(windows.get('quiet').at([0, 9.9]), 0);
    assert.equal(windows.get('busy').at([0, 9.9]), 0);
  });

  it("the watermark is the partition's own: a partition without later events still serves", () => {
    const host = counter();
    const windows = table(host);
    processing(eventAt(1_000, { partition: 1 }), () => windows.update('p1', (v) => v + 1));
    processing(eventAt(1_000), () => windows.update('p0', (v) => v + 1));
    processing(eventAt(30_000), () => windows.update('later', (v) => v + 1));
    assert.equal(windows.get('p0').at([0, 9.9]), 0, 'partition 0 reached 30');
    assert.equal(windows.get('p1').at([0, 9.9]), 1, 'partition 1 is still at 1');
  });

  it('a late event does not write into a window expired by what the partition proves', () => {
    const host = counter();
    host.data.set(0, new Map([['["b",[50.0,59.9]]', 1]]));
    const windows = tumbling<string, number>(host, 10, { grace: 5, expires: 5 });
    // restored without a record: closes count from 50 - 10 - 5 = 35 (at least once), expiry from
    // the proof, 50: window [30, 40) is open for closing but expired (40 + 5 <= 50)
    processing(eventAt(35_000, { generation: 2 }), () => windows.update('a', (v) => v + 1));
    assert.equal(windows.get('a').at([30, 39.9]), 0);
    assert.deepEqual(host.keys(0), ['["b",[50.0,59.9]]'], 'not written: late');
    assert.equal(windows.stats.lateWrites, 1);
  });
});

describe('WindowedTable: the cleanup tick', () => {
  // tumbling 10 s, grace 5, expires 20: [0, 10) closes at 15 and expires at 30 (event time)
  function tickingTable(host: FakeHost<number>, closes: string[]) {
    return tumbling<string, number>(host, 10, {
      grace: 5,
      expires: 20,
      onWindowClose: ([key, [start]]: WindowedKey<string>, value: number) => {
        closes.push(`${key}@${start}=${value}`);
      },
    });
  }

  it('closes quiet keys by the committed event time of their partition, then tombstones them', async () => {
    const host = counter();
    const closes: string[] = [];
    const table = tickingTable(host, closes);
    processing(eventAt(1_000), () => table.update('a', (v) => v + 1));
    processing(eventAt(2_000, { partition: 1 }), () => table.update('b', (v) => v + 1));
    host.committed.set(0, 14_999);
    await host.tick();
    assert.deepEqual(closes, [], 'not before end + grace');
    host.committed.set(0, 15_000);
    await host.tick();
    assert.deepEqual(closes, ['a@0=1'], "partition 1's event time has not moved");
    host.committed.set(1, 40_000);
    await host.tick();
    await host.tick();
    assert.deepEqual(closes, ['a@0=1', 'b@0=1'], 'each once');
    assert.deepEqual(host.expired, [[1, '["b",[0.0,9.9]]']], 'b expired at 30');
    assert.equal(host.meta.get(`1/${WATERMARK_META}`), '40', 'the watermark recorded with the data');
  });

  it('a view with another time than the Kafka timestamp is moved by its writes only', async () => {
    const host = counter();
    const closes: string[] = [];
    const table = tickingTable(host, closes).relativeToField('at');
    processing(eventAt(100_000, { value: { at: 1 } }), () => table.update('a', (v) => v + 1));
    host.committed.set(0, 100_000);
    await host.tick();
    assert.deepEqual(closes, [], 'Kafka time 100 s says nothing about the field time');
  });

  it('a rebalance that keeps the partition keeps its windows: a close being recorded does not fire again', async () => {
    const host = counter();
    host.assignmentEpoch = 1;
    host.since.set(0, 1);
    const closes: string[] = [];
    const table = tickingTable(host, closes);
    processing(eventAt(1_000), () => table.update('a', (v) => v + 1));
    host.committed.set(0, 16_000);
    const first = host.tick(); // closes [0, 10); its watermark record is still to be written
    host.assignmentEpoch = 2; // a rebalance; partition 0 stays
    await host.tick();
    await first;
    assert.deepEqual(closes, ['a@0=1']);
  });

  it('a partition that left and came back is rebuilt from its data and recorded watermark', async () => {
    const host = counter();
    host.assignmentEpoch = 1;
    host.since.set(0, 1);
    const closes: string[] = [];
    const table = tickingTable(host, closes);
    processing(eventAt(1_000), () => table.update('a', (v) => v + 1));
    host.committed.set(0, 16_000);
    await host.tick();
    await table.flush();
    // Another worker had it meanwhile and wrote [10, 20); it is back since epoch 3.
    host.data.get(0)!.set('["b",[10.0,19.9]]', 4);
    host.assignmentEpoch = 3;
    host.since.set(0, 3);
    host.committed.set(0, 25_000);
    await host.tick();
    assert.deepEqual(closes, ['a@0=1', 'b@10=4'], "the other worker's key closes here; 'a' not again");
  });
});
