import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closestName } from '../../../../../runtime/channels/codecs/closest.js';

describe('closestName', () => {
  const names = ['binary', 'json', 'raw', 'msgpack'];

  it('finds typos, swaps and case differences', () => {
    assert.equal(closestName('jsno', names), 'json');
    assert.equal(closestName('JSON', names), 'json');
    assert.equal(closestName('bnary', names), 'binary');
    assert.equal(closestName('msgpak', names), 'msgpack');
    assert.equal(closestName('rw', names), 'raw');
  });

  it('suggests nothing when no name is near', () => {
    assert.equal(closestName('protobuf', names), undefined);
    assert.equal(closestName('x', []), undefined);
  });
});
