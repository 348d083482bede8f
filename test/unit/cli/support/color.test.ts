import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wantsColor } from '../../../../cli/support/color.js';

describe('wantsColor', () => {
  it('colours a terminal, not a pipe', () => {
    assert.equal(wantsColor({ isTTY: true }, {}), true);
    assert.equal(wantsColor({ isTTY: false }, {}), false);
    assert.equal(wantsColor({}, {}), false);
  });

  it('NO_COLOR turns colour off, FORCE_COLOR on (0 off)', () => {
    assert.equal(wantsColor({ isTTY: true }, { NO_COLOR: '1' }), false);
    assert.equal(wantsColor({ isTTY: false }, { FORCE_COLOR: '1' }), true);
    assert.equal(wantsColor({ isTTY: true }, { FORCE_COLOR: '0' }), false);
    assert.equal(wantsColor({ isTTY: true }, { NO_COLOR: '', FORCE_COLOR: '' }), true);
  });
});
