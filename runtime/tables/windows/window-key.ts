/**
 * Windowed changelog keys as Python Faust writes them: the JSON text of the tuple
 * `(key, (start, end))` with compact separators, e.g. `[621,[1603100040.0,1603100099.9]]`.
 * The key part is whatever the table's key serializer wrote (JSON by default, so `"abc"` or
 * `621`); the bounds are Python float reprs, so integral bounds keep their `.0`.
 */
import { pythonFloatRepr } from './python-float.js';
import type { WindowRange } from './window.js';

const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const COMMA = 0x2c; // ,

/** `[<keyJson>,[<start>,<end>]]`. `keyJson` must be one JSON value (the table's key bytes). */
export function encodeWindowedKey(keyJson: Buffer, range: WindowRange): Buffer {
  const bounds = `,[${pythonFloatRepr(range[0])},${pythonFloatRepr(range[1])}]]`;
  const result = Buffer.allocUnsafe(1 + keyJson.length + bounds.length);
  result[0] = OPEN;
  keyJson.copy(result, 1);
  result.write(bounds, 1 + keyJson.length, 'latin1');
  return result;
}

/**
 * Splits a windowed key into the key's own bytes and its range. Accepts the spacing of older
 * Faust releases (`[621, [0.0, 9.9]]`). Throws a WindowedKeyError naming the problem.
 */
export function decodeWindowedKey(bytes: Buffer): { keyJson: Buffer; range: WindowRange } {
  let last = bytes.length - 1;
  while (last >= 0 && isSpace(bytes[last]!)) last--;
  let first = 0;
  while (first < bytes.length && isSpace(bytes[first]!)) first++;
  if (bytes[first] !== OPEN || bytes[last] !== CLOSE) fail(bytes, 'not a JSON list');
  // The bounds are numbers (no brackets), so the last '[' opens the range.
  const rangeOpen = bytes.lastIndexOf(OPEN, last);
  let rangeClose = last - 1;
  while (rangeClose > rangeOpen && isSpace(bytes[rangeClose]!)) rangeClose--;
  if (rangeOpen <= first || bytes[rangeClose] !== CLOSE) fail(bytes, 'no [start,end] range at its end');
  let comma = rangeOpen - 1;
  while (comma > first && isSpace(bytes[comma]!)) comma--;
  if (bytes[comma] !== COMMA) fail(bytes, 'no comma between the key and its range');
  const bounds = bytes.toString('latin1', rangeOpen + 1, rangeClose).split(',');
  if (bounds.length !== 2) fail(bytes, 'the range does not hold exactly two numbers');
  const [start, end] = bounds.map((text) => parseBound(text.trim(), bytes));
  const keyJson = bytes.subarray(first + 1, comma);
  if (keyJson.length === 0 || keyJson.every(isSpace)) fail(bytes, 'the key is empty');
  return { keyJson, range: [start!, end!] };
}

export class WindowedKeyError extends Error {
  override readonly name = 'WindowedKeyError';
}

function parseBound(text: string, bytes: Buffer): number {
  if (!/^-?(?:NaN|Infinity|(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)$/.test(text)) {
    fail(bytes, `window bound ${JSON.stringify(text)} is not a number`);
  }
  return Number(text);
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

function fail(bytes: Buffer, problem: string): never {
  const shown = bytes.length > 120 ? `${bytes.toString('latin1', 0, 120)}…` : bytes.toString('latin1');
  throw new WindowedKeyError(`invalid windowed table key ${JSON.stringify(shown)}: ${problem}`);
}
