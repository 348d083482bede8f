import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rangeAssign } from '../../../../../runtime/transport/memory/range-assignor.js';

const counts: Record<string, number> = { a: 5, b: 2, c: 1 };
const partitionCount = (topic: string) => counts[topic];
const names = (assignment: { topic: string; partition: number }[] | undefined) =>
  (assignment ?? []).map((tp) => `${tp.topic}${tp.partition}`);

describe('rangeAssign', () => {
  it('gives each member a consecutive range, the first members one extra, sorted by member id', () => {
    const result = rangeAssign(
      [
        { memberId: 'm2', topics: new Set(['a']) },
        { memberId: 'm1', topics: new Set(['a']) },
      ],
      partitionCount,
    );
    assert.deepEqual(names(result.get('m1')), ['a0', 'a1', 'a2']);
    assert.deepEqual(names(result.get('m2')), ['a3', 'a4']);
  });

  it('assigns each topic over its own subscribers only', () => {
    const result = rangeAssign(
      [
        { memberId: 'x', topics: new Set(['a', 'b']) },
        { memberId: 'y', topics: new Set(['b']) },
      ],
      partitionCount,
    );
    assert.deepEqual(names(result.get('x')), ['a0', 'a1', 'a2', 'a3', 'a4', 'b0']);
    assert.deepEqual(names(result.get('y')), ['b1']);
  });

  it('leaves members beyond the partition count empty and skips missing topics', () => {
    const result = rangeAssign(
      [
        { memberId: 'x', topics: new Set(['c', 'missing']) },
        { memberId: 'y', topics: new Set(['c']) },
      ],
      partitionCount,
    );
    assert.deepEqual(names(result.get('x')), ['c0']);
    assert.deepEqual(result.get('y'), []);
  });
});
