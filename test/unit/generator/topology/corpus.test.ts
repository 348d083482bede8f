import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ERROR_CODES, loadTopology, type TopologyError } from '../../../../generator/topology/index.js';
import { splitPointer } from '../../../../generator/topology/json-source.js';
import { CORPUS_DIR } from './repo.js';

interface Expected {
  code: string;
  pointer: string;
  line: number;
  column: number;
  suggestion?: string;
}

interface Manifest {
  fixtures: { file: string; errors: Expected[] }[];
}

const manifest = JSON.parse(readFileSync(join(CORPUS_DIR, 'manifest.json'), 'utf8')) as Manifest;

function observed(error: TopologyError): Expected {
  const { code, pointer, line, column, suggestion } = error;
  return suggestion === undefined
    ? { code, pointer, line, column }
    : { code, pointer, line, column, suggestion };
}

/** The text at line:column must be the value the pointer names, or the property name that holds it. */
function assertPositionFitsPointer(text: string, error: Expected): void {
  if (error.pointer === '') return;
  const line = text.split(/\r?\n/)[error.line - 1] ?? '';
  const there = line.slice(error.column - 1);
  const segments = splitPointer(error.pointer);
  let value: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
  for (const segment of segments) {
    value =
      value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
  }
  const key = JSON.stringify(segments[segments.length - 1]);
  const startsWithValue =
    value !== undefined &&
    (typeof value === 'object'
      ? there.startsWith(Array.isArray(value) ? '[' : '{')
      : there.startsWith(JSON.stringify(value)));
  assert.ok(
    there.startsWith(key) || startsWithValue,
    `${error.code} at ${error.line}:${error.column} should point at ${key} or its value, found ${JSON.stringify(there.slice(0, 30))}`,
  );
}

describe('the broken-topology corpus', () => {
  it('has at least 30 files and one for every error code', () => {
    assert.ok(manifest.fixtures.length >= 30, `only ${manifest.fixtures.length} fixtures`);
    const covered = new Set(
      manifest.fixtures.flatMap((fixture) => fixture.errors.map((error) => error.code)),
    );
    const missing = Object.keys(ERROR_CODES).filter((code) => !covered.has(code));
    assert.deepEqual(missing, [], `error codes without a fixture: ${missing.join(', ')}`);
  });

  for (const fixture of manifest.fixtures) {
    it(`${fixture.file}: ${fixture.errors.map((error) => `${error.code} ${error.pointer || '#'}`).join(', ')}`, () => {
      const path = join(CORPUS_DIR, fixture.file);
      const result = loadTopology(path);
      assert.equal(result.topology, undefined, 'an invalid file gives no topology');
      assert.deepEqual(result.errors.map(observed), fixture.errors);
      for (const error of result.errors) {
        assert.equal(error.file, path);
        assert.ok(
          error.message.length > 0 && error.fix.length > 0,
          `${error.code} says what is wrong and how to fix it`,
        );
      }
      if (result.text !== undefined)
        for (const error of fixture.errors) assertPositionFitsPointer(result.text, error);
    });
  }
});
