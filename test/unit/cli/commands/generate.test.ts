/** `faustgen generate`: its flags and exit codes, run as a user runs it (bin/run.js). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { exampleTopology, tempProject, writeTopology } from '../../generator/support.js';
import { REPO_ROOT } from '../../generator/topology/repo.js';

function generate(cwd: string, ...args: string[]) {
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...env } = process.env;
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'run.js'), 'generate', ...args], {
    cwd,
    encoding: 'utf8',
    env,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('faustgen generate', () => {
  it('writes the project (exit 0), then --check finds it up to date (exit 0)', () => {
    const { dir, cleanup } = tempProject();
    try {
      const first = generate(dir);
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /created src\/generated\/index\.ts/);
      const check = generate(dir, '--check');
      assert.equal(check.status, 0, check.stderr);
      assert.match(check.stdout, /src\/generated is up to date/);
    } finally {
      cleanup();
    }
  });

  it('--check exits 1 and writes nothing when files would change', () => {
    const { dir, cleanup } = tempProject();
    try {
      const run = generate(dir, '--check');
      assert.equal(run.status, 1);
      assert.match(run.stderr, /files? would change: run `faustgen generate`/);
      assert.equal(existsSync(join(dir, 'src')), false);
    } finally {
      cleanup();
    }
  });

  it('--dir and --topology pick the project folder and the topology file', () => {
    const { dir, cleanup } = tempProject();
    try {
      mkdirSync(join(dir, 'app'));
      writeTopology(join(dir, 'app'), exampleTopology());
      const run = generate(dir, '--dir', 'app', '--topology', join(dir, 'topology.json'));
      assert.equal(run.status, 0, run.stderr);
      assert.ok(existsSync(join(dir, 'app', 'src', 'generated', 'index.ts')));
    } finally {
      cleanup();
    }
  });

  it('exits 1 on an invalid topology with a code frame of it', () => {
    const topology = exampleTopology();
    topology.agents['score-payments'].source.topic = 'paymnets';
    const { dir, cleanup } = tempProject(topology);
    try {
      const run = generate(dir);
      assert.equal(run.status, 1);
      assert.match(run.stderr, /topology\.json:\d+:\d+ FG3002 #\/agents\/score-payments\/source\/topic: /m);
      assert.match(run.stderr, /^> +\d+ \| +"topic": "paymnets"/m);
      assert.match(run.stderr, /nothing was written/);
    } finally {
      cleanup();
    }
  });

  it('exits 3 on a breaking change, and writes it with --allow-breaking', () => {
    const { dir, cleanup } = tempProject();
    try {
      assert.equal(generate(dir).status, 0);
      const topology = exampleTopology();
      topology.app.version = 2;
      writeTopology(dir, topology);
      const refused = generate(dir);
      assert.equal(refused.status, 3);
      assert.match(refused.stderr, /breaking change/);
      const allowed = generate(dir, '--allow-breaking');
      assert.equal(allowed.status, 0, allowed.stderr);
    } finally {
      cleanup();
    }
  });

  it('--json prints the result and its exit code for machines', () => {
    const { dir, cleanup } = tempProject();
    try {
      const run = generate(dir, '--check', '--json');
      assert.equal(run.status, 1);
      const result = JSON.parse(run.stdout) as { status: string; exitCode: number; changes: unknown[] };
      assert.equal(result.status, 'drift');
      assert.equal(result.exitCode, 1);
      assert.ok(result.changes.length > 0);
      assert.equal('topologyText' in result, false);
      const invalid = tempProject('{ "app": { "id": 7 } }');
      try {
        const bad = JSON.parse(generate(invalid.dir, '--json').stdout) as { errors: { code: string }[] };
        assert.deepEqual(
          bad.errors.map((error) => error.code),
          ['FG2003'],
        );
      } finally {
        invalid.cleanup();
      }
    } finally {
      cleanup();
    }
  });

  it('refuses --json with --watch (exit 2)', () => {
    const { dir, cleanup } = tempProject();
    try {
      const run = generate(dir, '--watch', '--json');
      assert.equal(run.status, 2);
      assert.match(`${run.stdout}${run.stderr}`, /cannot --watch/);
      assert.equal(existsSync(join(dir, 'src')), false);
      assert.ok(readFileSync(join(dir, 'topology.json'), 'utf8').length > 0);
    } finally {
      cleanup();
    }
  });
});
