/** A renamed agent leaves its stub behind as an orphan: the build skips it, and generate says how to move it. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { initProject } from '../../../../generator/project/init.js';
import { generateProject } from '../../../../generator/write/project.js';
import { linkDependencies, runTsc } from '../emit/tsc.js';
import { exampleTopology, writeTopology } from '../support.js';

const work = mkdtempSync(join(tmpdir(), 'faustgen-orphans-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** The example project, inited as a user would, with `collect-alerts` renamed to `remember-alerts`. */
async function renamedProject(name: string): Promise<string> {
  const dir = join(work, name);
  const init = await initProject({ dir, faustgen: 'file:../faustgen.tgz' });
  assert.equal(init.generate?.status, 'written');
  linkDependencies(dir);
  const topology = exampleTopology();
  topology.agents['remember-alerts'] = topology.agents['collect-alerts'];
  delete topology.agents['collect-alerts'];
  writeTopology(dir, topology);
  return dir;
}

describe('orphan stubs', () => {
  it('after an agent is renamed, the project still typechecks, and generate says how to move the code', async () => {
    const dir = await renamedProject('renamed');
    const result = await generateProject({ projectDir: dir });
    assert.equal(result.status, 'written');
    const [orphan, ...others] = result.stubProblems;
    assert.deepEqual(others, []);
    assert.equal(orphan?.file, 'src/agents/collect-alerts.ts');
    assert.equal(orphan?.kind, 'orphan');
    assert.match(orphan!.message, /the build skips this file \(src\/generated\/tsconfig\.orphans\.json\)/);
    assert.match(
      orphan!.message,
      /Renamed to 'remember-alerts'\? Move its code: `mv -f src\/agents\/collect-alerts\.ts src\/agents\/remember-alerts\.ts`.*defineAgent\('remember-alerts', \.\.\.\)/,
    );
    assert.deepEqual(
      JSON.parse(
        readFileSync(join(dir, 'src/generated/tsconfig.orphans.json'), 'utf8').replace(/^\/\/.*\n/gm, ''),
      ),
      {
        exclude: ['../agents/collect-alerts.ts'],
      },
    );
    await runTsc(dir);
    // --check agrees: nothing to write.
    assert.equal((await generateProject({ projectDir: dir, check: true })).status, 'up-to-date');
  });

  it('a tsconfig.json that does not extend the orphans tsconfig gets told how to', async () => {
    const dir = await renamedProject('old-tsconfig');
    const tsconfig = join(dir, 'tsconfig.json');
    writeFileSync(tsconfig, readFileSync(tsconfig, 'utf8').replace(/\s*"extends": [^\n]*/, ''));
    const result = await generateProject({ projectDir: dir });
    assert.match(
      result.stubProblems[0]!.message,
      /tsc still compiles this file: add "extends": "\.\/src\/generated\/tsconfig\.orphans\.json" to tsconfig\.json/,
    );
    // Without the exclusion the orphan breaks the build: what the first test's tsc run shows fixed.
    await assert.rejects(runTsc(dir), /src\/agents\/collect-alerts\.ts.*TS2345/);
  });
});
