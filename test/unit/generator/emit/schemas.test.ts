/**
 * The real-world schema corpus (test/fixtures/schemas): every schema the loader accepts becomes a
 * model of one generated project that must type-check (with isolatedModules) and whose models the
 * runtime must declare and validate with as the loader did; every other one is refused with the
 * coded error its manifest names, at the place it names.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { formatTopologyError, loadTopology } from '../../../../generator/topology/index.js';
import { generateProject } from '../../../../generator/write/project.js';
import { type JsonObject, tempProject } from '../support.js';
import { REPO_ROOT } from '../topology/repo.js';
import { prepareProject, runTsc } from './tsc.js';

const SCHEMAS_DIR = join(REPO_ROOT, 'test', 'fixtures', 'schemas');

interface Entry {
  file: string;
  model: string;
  error?: { code: string; pointer: string; suggestion?: string };
  valid?: unknown[];
  invalid?: unknown[];
}

const manifest = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'manifest.json'), 'utf8')) as { schemas: Entry[] };
const schemaOf = (entry: Entry): JsonObject =>
  JSON.parse(readFileSync(join(SCHEMAS_DIR, entry.file), 'utf8')) as JsonObject;
const accepted = manifest.schemas.filter((entry) => entry.error === undefined);
const refused = manifest.schemas.filter((entry) => entry.error !== undefined);

/** The model names a schema's `$ref`s give, transitively, with the schema's own. */
function withReferenced(entry: Entry): Entry[] {
  const found = new Map<string, Entry>();
  const visit = (current: Entry) => {
    if (found.has(current.model)) return;
    found.set(current.model, current);
    for (const [, name] of readFileSync(join(SCHEMAS_DIR, current.file), 'utf8').matchAll(
      /"\$ref": "([A-Za-z][A-Za-z0-9]*)"/g,
    )) {
      const target = manifest.schemas.find((other) => other.model === name);
      if (target !== undefined) visit(target);
    }
  };
  visit(entry);
  return [...found.values()];
}

function topologyOf(entries: readonly Entry[]): JsonObject {
  return {
    app: { id: 'schemas' },
    models: Object.fromEntries(entries.map((entry) => [entry.model, { schema: schemaOf(entry) }])),
  };
}

function valueAt(text: string, pointer: string): unknown {
  let value: unknown = JSON.parse(text);
  for (const segment of pointer.split('/').slice(1)) value = (value as Record<string, unknown>)[segment];
  return value;
}

interface RuntimeModel {
  isValid(value: unknown): boolean;
}

describe('the real-world schema corpus', () => {
  it('has at least 40 schemas, with titles, recursion and every draft', () => {
    assert.ok(manifest.schemas.length >= 40, `only ${manifest.schemas.length} schemas`);
    const drafts = new Set(manifest.schemas.map((entry) => String(schemaOf(entry).$schema)));
    for (const draft of ['draft-04', 'draft-06', 'draft-07', '2019-09', '2020-12'])
      assert.ok(
        [...drafts].some((value) => value.includes(draft)),
        `no schema of ${draft}`,
      );
  });

  it('the accepted schemas generate one project that type-checks, and the runtime validates as the loader does', async () => {
    const { dir, cleanup } = tempProject(topologyOf(accepted));
    try {
      const result = await generateProject({ projectDir: dir });
      assert.deepEqual(result.errors.map(formatTopologyError), []);
      prepareProject(dir, true);
      await runTsc(dir);
      const models = (await import(
        pathToFileURL(join(dir, 'dist', 'generated', 'models.js')).href
      )) as Record<string, RuntimeModel>;
      for (const entry of accepted) {
        const declared = models[entry.model];
        assert.ok(declared !== undefined, `model ${entry.model} is exported`);
        for (const value of entry.valid ?? [])
          assert.ok(declared.isValid(value), `${entry.model} accepts ${JSON.stringify(value)}`);
        for (const value of entry.invalid ?? [])
          assert.ok(!declared.isValid(value), `${entry.model} refuses ${JSON.stringify(value)}`);
      }
    } finally {
      cleanup();
    }
  });

  for (const entry of refused) {
    const expected = entry.error as NonNullable<Entry['error']>;
    it(`${entry.file}: ${expected.code} ${expected.pointer}`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'faustgen-schema-'));
      try {
        const file = join(dir, 'topology.json');
        const text = `${JSON.stringify(topologyOf(withReferenced(entry)), null, 2)}\n`;
        writeFileSync(file, text);
        const result = loadTopology(file);
        assert.deepEqual(
          result.errors.map((error) => ({
            code: error.code,
            pointer: error.pointer,
            ...(error.suggestion === undefined ? {} : { suggestion: error.suggestion }),
          })),
          [expected],
          result.errors.map(formatTopologyError).join('\n'),
        );
        const [error] = result.errors;
        const key = JSON.stringify(expected.pointer.split('/').pop());
        const there = (text.split('\n')[(error?.line ?? 0) - 1] ?? '').slice((error?.column ?? 0) - 1);
        assert.ok(
          there.startsWith(key) || there.startsWith(JSON.stringify(valueAt(text, expected.pointer))),
          `line:column points at ${key} or its value, found ${JSON.stringify(there)}`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
