/**
 * Python's `repr(float)`, which is what `json.dumps` writes for a float, so that faustgen writes
 * window bounds byte for byte as Python Faust does (`1603122420.0`, not JavaScript's `1603122420`).
 *
 * Both languages print the shortest digit string that reads back as the same double, so the digits
 * always agree; they differ only in layout. Python keeps a `.0` on integral values, switches to an
 * exponent when the decimal point would sit more than 16 places right or 4 or more places left of
 * the first digit (`1e+16`, `1e-05`, `0.0001`), and writes a signed, at least two-digit exponent.
 */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  const { digits, pointPosition } = shortestDigits(Math.abs(value));
  if (pointPosition <= -4 || pointPosition > 16) {
    const mantissa = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    const exponent = pointPosition - 1;
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  if (pointPosition <= 0) return `${sign}0.${'0'.repeat(-pointPosition)}${digits}`;
  if (pointPosition >= digits.length) return `${sign}${digits}${'0'.repeat(pointPosition - digits.length)}.0`;
  return `${sign}${digits.slice(0, pointPosition)}.${digits.slice(pointPosition)}`;
}

/**
 * The shortest round-trip digits of a positive finite double and where the decimal point goes:
 * value = 0.<digits> * 10^pointPosition (Python's `decpt`).
 */
function shortestDigits(value: number): { digits: string; pointPosition: number } {
  // toExponential() without an argument prints as many digits as needed to be unique: the shortest.
  const text = value.toExponential();
  const e = text.indexOf('e');
  const digits = text.slice(0, e).replace('.', '');
  return { digits, pointPosition: Number(text.slice(e + 1)) + 1 };
}
