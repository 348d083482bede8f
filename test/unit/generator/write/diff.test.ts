/** shortDiff: the first region that differs, as `generate --check` prints it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shortDiff } from '../../../../generator/write/diff.js';

describe('shortDiff', () => {
  it('shows a changed line with its line number', () => {
    assert.equal(shortDiff('a\nb\nc\n', 'a\nB\nc\n'), '@@ line 2 @@\n- b\n+ B');
  });

  it('shows added and removed lines alone', () => {
    assert.equal(shortDiff('a\nc', 'a\nb\nc'), '@@ line 2 @@\n+ b');
    assert.equal(shortDiff('a\nb\nc', 'a\nc'), '@@ line 2 @@\n- b');
    assert.equal(shortDiff('a', 'a\nb'), '@@ line 2 @@\n+ b');
  });

  it('spans from the first to the last differing line, keeping the unchanged lines between', () => {
    assert.equal(shortDiff('1\n2\n3\n4\n5', '1\nX\n3\nY\n5'), '@@ line 2 @@\n- 2\n- 3\n- 4\n+ X\n+ 3\n+ Y');
  });

  it('cuts a long region after maxLines lines, saying how many more there are', () => {
    const before = Array.from({ length: 10 }, (_, i) => `old ${i}`).join('\n');
    const after = Array.from({ length: 10 }, (_, i) => `new ${i}`).join('\n');
    const diff = shortDiff(before, after, 4).split('\n');
    assert.deepEqual(diff, [
      '@@ line 1 @@',
      '- old 0',
      '- old 1',
      '- old 2',
      '- old 3',
      '  ... 16 more lines',
    ]);
    assert.equal(shortDiff('a\nb', 'c\nd', 3).split('\n').at(-1), '  ... 1 more line');
    assert.equal(shortDiff('a\nb', 'c\nd', 4).includes('more'), false);
  });
});
