/** `faustgen clean-versions` in a built project: removes the data of other app versions only. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { builtProject, runCli } from './cli.js';

const project = builtProject();
after(() => project.cleanup());

function envFor(name: string) {
  return { FAUSTGEN_BROKER: 'memory://', FAUSTGEN_DATADIR: join(project.scratch, name) };
}

describe('faustgen clean-versions', () => {
  it('says so when there is no data directory (exit 0)', () => {
    const env = envFor('none');
    const run = runCli(project.dir, ['clean-versions'], { env });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^no data directory ${env.FAUSTGEN_DATADIR}$`, 'm'));
  });

  it("removes other versions' folders, keeps the current one and other files (exit 0)", () => {
    const env = envFor('some');
    const datadir = env.FAUSTGEN_DATADIR;
    for (const version of ['v1', 'v2', 'v10'])
      mkdirSync(join(datadir, version, 'tables'), { recursive: true });
    writeFileSync(join(datadir, 'v2', 'tables', 'x'), 'xx');
    mkdirSync(join(datadir, 'notes'));
    const run = runCli(project.dir, ['clean-versions'], { env });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^removed ${join(datadir, 'v2')} \\(2 B\\)$`, 'm'));
    assert.match(run.stdout, new RegExp(`^removed ${join(datadir, 'v10')} `, 'm'));
    assert.deepEqual(
      ['v1', 'v2', 'v10', 'notes'].map((name) => existsSync(join(datadir, name))),
      [true, false, false, true],
    );
    const again = runCli(project.dir, ['clean-versions'], { env });
    assert.match(again.stdout, /nothing to remove: only v1 \(the current version\) is in /);
  });

  it('exits 2 on an unknown setting flag, and 1 outside a project', () => {
    const env = envFor('flags');
    const bad = runCli(project.dir, ['clean-versions', '--all'], { env });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /all \(flag --all\): unknown setting/);
    const outside = runCli(project.scratch, ['clean-versions'], { env });
    assert.equal(outside.status, 1);
    assert.match(outside.stderr, /is not a faustgen project/);
  });
});
