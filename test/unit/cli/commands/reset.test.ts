/** `faustgen reset` in a built project: drops local table state, all of it or one table's. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { builtProject, runCli, writeLocalTable } from './cli.js';

const project = builtProject();
after(() => project.cleanup());

function envFor(name: string) {
  return { FAUSTGEN_BROKER: 'memory://', FAUSTGEN_DATADIR: join(project.scratch, name) };
}

describe('faustgen reset', () => {
  it('removes every table store and says how much it freed; a second run finds nothing (exit 0)', async () => {
    const env = envFor('all');
    await writeLocalTable(env.FAUSTGEN_DATADIR, 'done', 3);
    const store = join(env.FAUSTGEN_DATADIR, 'v1', 'tables', 'done.lmdb');
    const run = runCli(project.dir, ['reset'], { env });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^done: removed ${store} \\(\\d+(\\.\\d)? [KM]?i?B\\)$`, 'm'));
    assert.equal(existsSync(store), false);
    const again = runCli(project.dir, ['reset'], { env });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /^done: no local state$/m);
  });

  it('--table resets that table; an unknown table exits 2 naming the tables, and removes nothing', async () => {
    const env = envFor('one');
    await writeLocalTable(env.FAUSTGEN_DATADIR, 'done', 1);
    const store = join(env.FAUSTGEN_DATADIR, 'v1', 'tables', 'done.lmdb');
    const unknown = runCli(project.dir, ['reset', '--table', 'dnoe'], { env });
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /no table named dnoe; tables: done/);
    assert.ok(existsSync(store));
    const run = runCli(project.dir, ['reset', '--table', 'done'], { env });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^done: removed /m);
    assert.equal(existsSync(store), false);
  });

  it('exits 2 on an unknown setting flag, and 1 outside a project', () => {
    const env = envFor('flags');
    const bad = runCli(project.dir, ['reset', '--tabel', 'done'], { env });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /tabel \(flag --tabel\): unknown setting/);
    const outside = runCli(project.scratch, ['reset'], { env });
    assert.equal(outside.status, 1);
    assert.match(outside.stderr, /is not a faustgen project/);
  });
});
