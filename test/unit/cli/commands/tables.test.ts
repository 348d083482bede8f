/** `faustgen tables` in a built project: each table with its local state, as columns or --json. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { builtProject, runCli, writeLocalTable } from './cli.js';

const project = builtProject();
after(() => project.cleanup());
const datadir = join(project.scratch, 'data');
const env = { FAUSTGEN_BROKER: 'memory://', FAUSTGEN_DATADIR: datadir };

describe('faustgen tables', () => {
  it('lists a table without local state with dashes, then with its local keys and size (exit 0)', async () => {
    const before = runCli(project.dir, ['tables'], { env });
    assert.equal(before.status, 0, before.stderr);
    assert.match(before.stdout, /^table +kind +changelog +partitions +store +local keys +on disk +help$/m);
    assert.match(before.stdout, /^done +table +cli-probe-done-changelog +2 +lmdb:\/\/ +- +-/m);
    await writeLocalTable(datadir, 'done', 5);
    const after = runCli(project.dir, ['tables'], { env });
    assert.match(after.stdout, /^done +table +cli-probe-done-changelog +2 +lmdb:\/\/ +5 +\d+(\.\d)? [KM]iB/m);
  });

  it('--json prints the same as objects, with numbers and null for no local state', () => {
    const run = runCli(project.dir, ['tables', '--json'], {
      env: { ...env, FAUSTGEN_DATADIR: join(project.scratch, 'empty') },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), [
      {
        table: 'done',
        kind: 'table',
        changelog: 'cli-probe-done-changelog',
        partitions: 2,
        store: 'lmdb://',
        localKeys: null,
        diskBytes: null,
        help: '',
      },
    ]);
  });

  it('--store memory:// (a setting as a flag) has no local state to show', () => {
    const run = runCli(project.dir, ['tables', '--store', 'memory://'], { env });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^done +table +\S+ +2 +memory:\/\/ +- +-/m);
  });

  it('exits 2 naming a bad setting value, and 1 outside a project', () => {
    const bad = runCli(project.dir, ['tables', '--loglevel', 'loud'], { env });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /logLevel/);
    const outside = runCli(project.scratch, ['tables'], { env });
    assert.equal(outside.status, 1);
    assert.match(outside.stderr, /is not a faustgen project/);
  });
});
