import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOffsetReset } from '../../../../../runtime/transport/librdkafka/offset-reset.js';

describe("librdkafka's offset reset log lines", () => {
  it('reads a reset librdkafka made itself (auto.offset.reset earliest), with the thread prefix', () => {
    const line =
      '[thrd:main]: in-1 [3]: offset reset (at offset 1822 (leader epoch 0), broker 1) to offset BEGINNING ' +
      '(leader epoch -1): fetch failed due to requested offset not available on the broker: Broker: Offset out of range';
    assert.deepEqual(parseOffsetReset(line), {
      topic: 'in-1',
      partition: 3,
      fetchOffset: 1822,
      resetTo: 'BEGINNING',
      outOfRange: true,
    });
  });

  it('reads a reset to a cached start and one left to the application (auto.offset.reset error)', () => {
    const cached =
      't.x [0]: offset reset (at offset 9 (leader epoch 2), broker 1) to cached BEGINNING offset offset 4 ' +
      '(leader epoch -1): fetch failed due to requested offset not available on the broker: Broker: Offset out of range';
    assert.equal(parseOffsetReset(cached)?.resetTo, '4');
    const stopped =
      't [1]: offset reset (at offset INVALID (leader epoch -1), broker -1) to offset INVALID (leader epoch -1): ' +
      'no previously committed offset available: Local: No offset stored';
    assert.deepEqual(parseOffsetReset(stopped), {
      topic: 't',
      partition: 1,
      fetchOffset: undefined,
      resetTo: 'INVALID',
      outOfRange: false,
    });
  });

  it('ignores other OFFSET lines', () => {
    assert.equal(parseOffsetReset('t [0]: Offset reply for offset BEGINNING: 0'), undefined);
  });
});
