/** Reads test/fixtures/faust-windows.json, written by faust_vectors.py from Python Faust's own code. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../core/settings/repo.js';

export interface HoppingVector {
  size: number;
  step: number;
  /** Python repr of the timestamp. */
  ts: string;
  ranges: [string, string][];
  current: [string, string];
  earliest: [string, string];
  /** delta(ts, 90) */
  delta: [string, string];
  /** json.dumps([621, list(range)]) for each range. */
  keys: string[];
}

export interface SlidingVector {
  before: number;
  after: number;
  ts: string;
  ranges: [string, string][];
  /** json.dumps(["abc", list(range)]) for each range. */
  keys: string[];
}

export interface FaustVectors {
  hopping: HoppingVector[];
  sliding: SlidingVector[];
  /** [big-endian IEEE 754 hex, json.dumps(x)] */
  floats: [string, string][];
}

export const FAUST_VECTORS = JSON.parse(
  readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'faust-windows.json'), 'utf8'),
) as FaustVectors;
