import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pythonFloatRepr } from '../../../../../runtime/tables/windows/python-float.js';
import { FAUST_VECTORS } from './faust-vectors.js';

describe('pythonFloatRepr', () => {
  it('keeps the .0 of integral floats, as Python does', () => {
    assert.equal(pythonFloatRepr(1603122420), '1603122420.0');
    assert.equal(pythonFloatRepr(0), '0.0');
    assert.equal(pythonFloatRepr(-0), '-0.0');
    assert.equal(pythonFloatRepr(-5), '-5.0');
    assert.equal(pythonFloatRepr(1234567890123456), '1234567890123456.0');
  });

  it('writes the shortest round-trip digits', () => {
    assert.equal(pythonFloatRepr(1603122479.9), '1603122479.9');
    assert.equal(pythonFloatRepr(0.1 + 0.2), '0.30000000000000004');
    assert.equal(pythonFloatRepr(1603122451.544989), '1603122451.544989');
  });

  it("switches to exponents at Python's thresholds, with a signed two-digit exponent", () => {
    assert.equal(pythonFloatRepr(1e16), '1e+16');
    assert.equal(pythonFloatRepr(12345678901234568), '1.2345678901234568e+16');
    assert.equal(pythonFloatRepr(0.0001), '0.0001');
    assert.equal(pythonFloatRepr(0.00001), '1e-05');
    assert.equal(pythonFloatRepr(-1.5e-7), '-1.5e-07');
    assert.equal(pythonFloatRepr(1.7976931348623157e308), '1.7976931348623157e+308');
    assert.equal(pythonFloatRepr(5e-324), '5e-324');
  });

  it("writes json.dumps's words for non-finite values", () => {
    assert.equal(pythonFloatRepr(Number.NaN), 'NaN');
    assert.equal(pythonFloatRepr(Number.POSITIVE_INFINITY), 'Infinity');
    assert.equal(pythonFloatRepr(Number.NEGATIVE_INFINITY), '-Infinity');
  });

  it(`agrees with Python's json.dumps on ${FAUST_VECTORS.floats.length} doubles of every magnitude`, () => {
    assert.ok(FAUST_VECTORS.floats.length > 1000);
    for (const [hex, expected] of FAUST_VECTORS.floats) {
      const value = Buffer.from(hex, 'hex').readDoubleBE(0);
      assert.equal(pythonFloatRepr(value), expected, `double 0x${hex}`);
    }
  });
});
