import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  ERROR_CODES,
  renderTopologyDoc,
  renderTopologySchemaFile,
  TOPOLOGY_SCHEMA_FILE,
} from '../../../../generator/topology/index.js';
import { REPO_ROOT, TOPOLOGY_DOC } from './repo.js';

const STALE = 'run `npm run build && npm run docs` and commit the result';

describe('docs/topology.md and the shipped schema', () => {
  it('docs/topology.md is what the schema generates', () => {
    assert.ok(existsSync(TOPOLOGY_DOC), `docs/topology.md is missing: ${STALE}`);
    assert.ok(
      readFileSync(TOPOLOGY_DOC, 'utf8') === renderTopologyDoc(),
      `docs/topology.md is stale: ${STALE}`,
    );
  });

  it(`${TOPOLOGY_SCHEMA_FILE} is what the schema module generates`, () => {
    const file = join(REPO_ROOT, TOPOLOGY_SCHEMA_FILE);
    assert.ok(existsSync(file), `${TOPOLOGY_SCHEMA_FILE} is missing: ${STALE}`);
    assert.ok(
      readFileSync(file, 'utf8') === renderTopologySchemaFile(),
      `${TOPOLOGY_SCHEMA_FILE} is stale: ${STALE}`,
    );
  });

  it('documents every error code and every section', () => {
    const doc = renderTopologyDoc();
    for (const [code, kind] of Object.entries(ERROR_CODES)) {
      assert.ok(doc.includes(`| ${code} | ${kind.title} |`), `${code} is not in the error table`);
    }
    for (const section of [
      'app',
      'models',
      'codecs',
      'topics',
      'channels',
      'tables',
      'agents',
      'tasks',
      'timers',
      'crontabs',
      'services',
      'routes',
    ]) {
      assert.match(doc, new RegExp(`^## ${section}$`, 'm'));
    }
  });

  it('ships the schema in the package', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { files: string[] };
    assert.ok(
      pkg.files.includes(TOPOLOGY_SCHEMA_FILE.split('/')[0]!),
      `package.json "files" lacks ${TOPOLOGY_SCHEMA_FILE}`,
    );
  });
});
