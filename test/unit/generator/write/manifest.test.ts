/** src/generated/manifest.json: what it records, how it is printed and read back. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MANIFEST_FILE } from '../../../../generator/plan/plan.js';
import { parseTopology } from '../../../../generator/topology/index.js';
import {
  type Manifest,
  readManifest,
  renderManifest,
  stateOf,
} from '../../../../generator/write/manifest.js';
import { exampleTopology, tempProject } from '../support.js';

function manifestOf(files: Record<string, string>): Manifest {
  const topology = parseTopology(JSON.stringify(exampleTopology()), 't.json').topology!;
  return { generator: 'faustgen', topologyHash: '0123456789abcdef', files, state: stateOf(topology) };
}

describe('manifest', () => {
  it('records the state tables and source topics depend on, names sorted', () => {
    const topology = exampleTopology();
    topology.app.version = 3;
    const state = stateOf(parseTopology(JSON.stringify(topology), 't.json').topology!);
    assert.equal(state.appVersion, 3);
    const names = Object.keys(state.tables);
    assert.deepEqual(names, [...names].sort());
    assert.ok(names.length > 0);
    for (const table of Object.values(state.tables)) {
      // Recorded explicitly (undefined in topology.json means json), so a later change is visible.
      assert.equal(typeof table.keySerializer, 'string');
      assert.equal(typeof table.valueSerializer, 'string');
      assert.ok(table.window === null || /^(hopping|tumbling|sliding) /.test(table.window));
    }
    assert.ok(Object.keys(state.sourceTopics).includes('payments'));
  });

  it('prints files sorted by path, so the same generation gives the same bytes', () => {
    const a = renderManifest(manifestOf({ 'src/generated/b.ts': '2', 'src/generated/a.ts': '1' }));
    const b = renderManifest(manifestOf({ 'src/generated/a.ts': '1', 'src/generated/b.ts': '2' }));
    assert.equal(a, b);
    assert.ok(a.indexOf('a.ts') < a.indexOf('b.ts'));
    assert.ok(a.endsWith('}\n'));
  });

  it('reads back what it printed; a missing, unparsable or foreign manifest reads as none', () => {
    const { dir, cleanup } = tempProject();
    try {
      assert.equal(readManifest(dir), undefined);
      mkdirSync(join(dir, 'src', 'generated'), { recursive: true });
      const manifest = manifestOf({ 'src/generated/a.ts': 'ff' });
      writeFileSync(join(dir, MANIFEST_FILE), renderManifest(manifest));
      assert.deepEqual(readManifest(dir), JSON.parse(renderManifest(manifest)));
      writeFileSync(join(dir, MANIFEST_FILE), '{ not json');
      assert.equal(readManifest(dir), undefined);
      writeFileSync(join(dir, MANIFEST_FILE), '{ "generator": "other", "files": {} }');
      assert.equal(readManifest(dir), undefined);
    } finally {
      cleanup();
    }
  });
});
