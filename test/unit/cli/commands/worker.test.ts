/** `faustgen worker` in a built project: a real worker process on memory://, its checks and exit codes. */
import assert from 'node:assert/strict';
import { readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from '../../../support/ports.js';
import { builtProject, runCli, startCli } from './cli.js';

const project = builtProject();
after(() => project.cleanup());

async function workerEnv(name: string) {
  return {
    FAUSTGEN_BROKER: 'memory://',
    FAUSTGEN_DATADIR: join(project.scratch, name),
    FAUSTGEN_WEB_BIND: '127.0.0.1',
    FAUSTGEN_WEB_PORT: String(await freePort()),
  };
}

describe('faustgen worker', () => {
  it('runs until SIGTERM, then stops and exits 0; setting flags reach it (--web-port)', async () => {
    const port = await freePort();
    const worker = startCli(project.dir, ['worker', '--web-port', String(port)], await workerEnv('run'));
    try {
      await worker.waitFor(/faustgen worker cli-probe ready/);
      assert.match(
        worker.output(),
        new RegExp(`"address":"http://127\\.0\\.0\\.1:${port}".*"msg":"web: listening"`),
      );
      const response = await fetch(`http://127.0.0.1:${port}/`);
      assert.ok(response.status < 500, `GET / answered ${response.status}`);
    } finally {
      worker.child.kill('SIGTERM');
    }
    assert.equal(await worker.exited, 0, worker.output());
    assert.match(worker.output(), /SIGTERM received: stopping/);
  });

  it('refuses to start when topology.json changed since generate (exit 1), unless --allow-stale', async () => {
    const file = join(project.dir, 'topology.json');
    const original = readFileSync(file, 'utf8');
    const changed = JSON.parse(original) as { app: { description?: string } };
    changed.app.description = 'changed after generate';
    writeFileSync(file, JSON.stringify(changed));
    try {
      const refused = runCli(project.dir, ['worker'], { env: await workerEnv('stale') });
      assert.equal(refused.status, 1);
      assert.match(
        refused.stderr,
        /^refusing to start the worker: the generated code is from topology \w+, but topology\.json is now \w+: run `faustgen generate`/m,
      );
      const worker = startCli(project.dir, ['worker', '--allow-stale'], await workerEnv('stale'));
      try {
        await worker.waitFor(/faustgen worker cli-probe ready/);
      } finally {
        worker.child.kill('SIGTERM');
      }
      assert.equal(await worker.exited, 0, worker.output());
    } finally {
      writeFileSync(file, original);
    }
  });

  it('exits 2 naming a bad setting, before starting', async () => {
    const run = runCli(project.dir, ['worker', '--broker-commit-every', 'x'], {
      env: await workerEnv('bad'),
    });
    assert.equal(run.status, 2);
    assert.match(
      run.stderr,
      /brokerCommitEvery \(flag --broker-commit-every\): expected an integer 0 or more, got "x"/,
    );
    assert.doesNotMatch(run.stdout + run.stderr, /ready/);
  });

  it('exits 1 saying how to build when dist/main.js is missing or older than src/', async () => {
    const env = await workerEnv('build');
    const main = join(project.dir, 'dist', 'main.js');
    const source = join(project.dir, 'src', 'main.ts');
    renameSync(main, `${main}.away`);
    try {
      const missing = runCli(project.dir, ['worker'], { env });
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, /dist\/main\.js is missing: build the project first with `npm run build`/);
    } finally {
      renameSync(`${main}.away`, main);
    }
    const later = new Date(Date.now() + 60_000);
    utimesSync(source, later, later);
    try {
      const old = runCli(project.dir, ['worker'], { env });
      assert.equal(old.status, 1);
      assert.match(old.stderr, /dist\/main\.js is older than src\/main\.ts: rebuild with `npm run build`/);
    } finally {
      const now = new Date();
      utimesSync(source, now, now);
      utimesSync(main, later, later);
    }
  });
});
