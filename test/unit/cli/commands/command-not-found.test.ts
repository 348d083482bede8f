import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '../../generator/topology/repo.js';

const cwd = mkdtempSync(join(tmpdir(), 'faustgen-cli-'));
after(() => rmSync(cwd, { recursive: true, force: true }));

function faustgen(...args: string[]) {
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'run.js'), ...args], {
    cwd,
    encoding: 'utf8',
  });
  return { status: run.status, stderr: run.stderr.replace(/\s*\n\s*›\s*/g, ' ') };
}

describe('an unknown command', () => {
  it('names the closest command and exits 2', () => {
    const typo = faustgen('genrate');
    assert.equal(typo.status, 2);
    assert.match(typo.stderr, /'genrate' is not a faustgen command; did you mean 'generate'\?/);
    assert.match(faustgen('wroker', '--allow-stale').stderr, /did you mean 'worker'\?/);
  });

  it('without a plausible match, points at --help and exits 2', () => {
    const unknown = faustgen('frobnicate');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /'frobnicate' is not a faustgen command; see faustgen --help/);
    assert.doesNotMatch(unknown.stderr, /did you mean/);
  });
});
