import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeWindowedKey,
  encodeWindowedKey,
  WindowedKeyError,
} from '../../../../../runtime/tables/windows/window-key.js';
import {
  HoppingWindow,
  SlidingWindow,
  TumblingWindow,
} from '../../../../../runtime/tables/windows/window.js';
import { FAUST_VECTORS } from './faust-vectors.js';

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('windowed changelog keys', () => {
  it("are byte-identical to Faust's: b'[621,[1603100040.0,1603100099.9]]'", () => {
    const [range] = new TumblingWindow(60).ranges(1603100075.123);
    assert.deepEqual(
      encodeWindowedKey(json(621), range!),
      Buffer.from('[621,[1603100040.0,1603100099.9]]', 'latin1'),
    );
  });

  it('string keys keep their quotes; every hopping range gets its own key', () => {
    const keys = new HoppingWindow(10, 5).ranges(6).map((range) => encodeWindowedKey(json('abc'), range));
    assert.deepEqual(
      keys.map((key) => key.toString('latin1')),
      ['["abc",[0.0,9.9]]', '["abc",[5.0,14.9]]'],
    );
  });

  it(`match Python's json.dumps([621, range]) for ${FAUST_VECTORS.hopping.length} hopping cases`, () => {
    for (const vector of FAUST_VECTORS.hopping) {
      const window = new HoppingWindow(vector.size, vector.step);
      const keys = window
        .ranges(Number(vector.ts))
        .map((range) => encodeWindowedKey(json(621), range).toString());
      assert.deepEqual(keys, vector.keys, `hopping(${vector.size}, ${vector.step}) at ${vector.ts}`);
    }
  });

  it(`match Python's json.dumps(["abc", range]) for ${FAUST_VECTORS.sliding.length} sliding cases`, () => {
    for (const vector of FAUST_VECTORS.sliding) {
      const window = new SlidingWindow(vector.before, vector.after);
      const keys = window
        .ranges(Number(vector.ts))
        .map((range) => encodeWindowedKey(json('abc'), range).toString());
      assert.deepEqual(keys, vector.keys, `sliding(${vector.before}, ${vector.after}) at ${vector.ts}`);
    }
  });

  it('decode back into the key bytes and the range', () => {
    for (const key of [621, 'abc', 'with [brackets], and "quotes"', { id: [1, 2] }, [3, [4, 5]]]) {
      const encoded = encodeWindowedKey(json(key), [1603100040, 1603100099.9]);
      const { keyJson, range } = decodeWindowedKey(encoded);
      assert.deepEqual(JSON.parse(keyJson.toString()), key);
      assert.deepEqual(range, [1603100040, 1603100099.9]);
    }
  });

  it("decode the spaced form of older Faust releases and Python's exponent and NaN words", () => {
    const spaced = decodeWindowedKey(Buffer.from('[621, [1603100040.0, 1603100099.9]]'));
    assert.equal(spaced.keyJson.toString(), '621');
    assert.deepEqual(spaced.range, [1603100040, 1603100099.9]);
    assert.deepEqual(decodeWindowedKey(Buffer.from('["k",[1e+16,-1.5e-07]]')).range, [1e16, -1.5e-7]);
    assert.ok(Number.isNaN(decodeWindowedKey(Buffer.from('["k",[NaN,Infinity]]')).range[0]));
  });

  it('refuse what is not a windowed key, naming the problem', () => {
    const cases: [string, RegExp][] = [
      ['"abc"', /not a JSON list/],
      ['[621]', /no \[start,end\] range/],
      ['[621,[1.0]]', /exactly two numbers/],
      ['[621,[1.0,x]]', /"x" is not a number/],
      ['[[0.0,9.9]]', /no comma between the key and its range|the key is empty/],
      ['[621[0.0,9.9]]', /no comma between the key and its range/],
    ];
    for (const [text, problem] of cases) {
      assert.throws(
        () => decodeWindowedKey(Buffer.from(text)),
        (error: unknown) => error instanceof WindowedKeyError && problem.test(error.message),
        text,
      );
    }
  });
});
