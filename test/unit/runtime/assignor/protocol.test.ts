import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  ProtocolDataError,
} from '../../../../runtime/assignor/protocol.js';

describe('faustgen protocol user data', () => {
  it('a subscription round-trips as versioned JSON', () => {
    const data = {
      url: 'http://worker-1:6066',
      tables: [{ topic: 'app-t-changelog', partitions: 4, global: false }],
      previous: { actives: { orders: [0, 2] }, standbys: { 'app-t-changelog': [1] } },
      warm: { 'app-t-changelog': [3] },
    };
    const bytes = encodeSubscription(data);
    assert.equal(JSON.parse(bytes.toString()).v, 1);
    assert.deepEqual(decodeSubscription(bytes), data);
  });

  it('an assignment round-trips, with or without a URL', () => {
    const data = {
      assignmentId: 'abc',
      url: undefined,
      actives: { orders: [1], 'app-t-changelog': [1] },
      standbys: { 'app-t-changelog': [0] },
    };
    assert.deepEqual(decodeAssignment(encodeAssignment(data)), data);
    assert.equal(JSON.parse(encodeAssignment(data).toString()).url, null);
  });

  it('a later version with more fields is read for the fields it knows', () => {
    const later = Buffer.from(
      JSON.stringify({ v: 3, url: 'http://x:1', tables: [], previous: {}, rack: 'eu-1', weights: [1] }),
    );
    assert.deepEqual(decodeSubscription(later), {
      url: 'http://x:1',
      tables: [],
      previous: { actives: {}, standbys: {} },
      warm: {},
    });
  });

  it('refuses what it cannot read, naming the field', () => {
    const cases: [Buffer, RegExp][] = [
      [Buffer.alloc(0), /empty \(not a faustgen member\?\)/],
      [Buffer.from('{"v":'), /not JSON/],
      [Buffer.from('[]'), /subscription is not an object/],
      [Buffer.from('{"url":"x"}'), /no valid version/],
      [
        Buffer.from('{"v":1,"tables":[{"topic":"t","partitions":0}]}'),
        /tables\[0\]\.partitions is not a positive integer/,
      ],
      [
        Buffer.from('{"v":1,"previous":{"actives":{"t":[-1]}}}'),
        /previous\.actives\.t holds -1, not a partition/,
      ],
      [Buffer.from('{"v":1,"url":5}'), /subscription\.url is not a string/],
    ];
    for (const [bytes, problem] of cases) {
      assert.throws(
        () => decodeSubscription(bytes),
        (error: unknown) => error instanceof ProtocolDataError && problem.test(error.message),
        bytes.toString(),
      );
    }
    assert.throws(() => decodeAssignment(Buffer.from('{"v":1}')), /assignment\.id is missing/);
  });
});
