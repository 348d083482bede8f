/** `faustgen init`: its argument, flags and exit codes, run as a user runs it. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from './cli.js';

const work = mkdtempSync(join(tmpdir(), 'faustgen-init-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

function folder(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  return dir;
}

describe('faustgen init', () => {
  it('creates the example in the folder given, generates it and says what to do next (exit 0)', () => {
    const cwd = folder('example');
    const run = runCli(cwd, ['init', 'shop']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^wrote package\.json$/m);
    assert.match(run.stdout, /^created src\/generated\/index\.ts$/m);
    assert.match(run.stdout, /Next:\n {2}cd shop && npm install && npm run build && npm test/);
    const topology = JSON.parse(readFileSync(join(cwd, 'shop', 'topology.json'), 'utf8'));
    assert.equal(topology.app.id, 'payments');
    assert.match(readFileSync(join(cwd, 'shop/src/agents/score-payments.ts'), 'utf8'), /accountTotals/);
  });

  it('--topology starts from the file given; --faustgen is the dependency written', () => {
    const cwd = folder('own');
    writeFileSync(
      join(cwd, 'mine.json'),
      '{ "app": { "id": "mine" }, "topics": { "jobs": {} }, "agents": { "work": { "source": { "topic": "jobs" } } } }',
    );
    const run = runCli(cwd, ['init', 'app', '--topology', 'mine.json', '--faustgen', '0.1.0']);
    assert.equal(run.status, 0, run.stderr);
    const pkg = JSON.parse(readFileSync(join(cwd, 'app', 'package.json'), 'utf8'));
    assert.equal(pkg.name, 'app');
    assert.equal(pkg.dependencies.faustgen, '0.1.0');
    assert.match(readFileSync(join(cwd, 'app/src/agents/work.ts'), 'utf8'), /defineAgent\('work'/);
    assert.match(run.stdout, /^created stub src\/agents\/work\.ts$/m);
  });

  it('without a folder, inits the current one', () => {
    const cwd = folder('here');
    const run = runCli(cwd, ['init', '--faustgen', '0.1.0']);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(existsSync(join(cwd, 'src', 'generated', 'manifest.json')));
    assert.match(run.stdout, /cd \. && npm install/);
  });

  it('exits 1 and writes nothing for a missing or invalid topology file, with a code frame', () => {
    const cwd = folder('bad');
    const missing = runCli(cwd, ['init', 'x', '--topology', 'nope.json']);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /nope\.json:1:1 FG1001 #: cannot read the topology: there is no such file/);
    writeFileSync(join(cwd, 'bad.json'), '{"app":{"id":"x"},"agents":{"a":{"source":{"topic":"nope"}}}}\n');
    const invalid = runCli(cwd, ['init', 'y', '--topology', 'bad.json']);
    assert.equal(invalid.status, 1);
    assert.match(
      invalid.stderr,
      /bad\.json:1:52 FG3002 #\/agents\/a\/source\/topic: there is no topic "nope"/,
    );
    assert.match(invalid.stderr, /^> 1 \| \{"app"/m);
    assert.match(invalid.stderr, /nothing was written: fix the topology file first/);
    assert.equal(existsSync(join(cwd, 'x')), false);
    assert.equal(existsSync(join(cwd, 'y')), false);
  });

  it('exits 1 for a folder that holds a project already, and leaves it as it was', () => {
    const cwd = folder('taken');
    mkdirSync(join(cwd, 'old'));
    writeFileSync(join(cwd, 'old', 'package.json'), '{"name":"old"}\n');
    const run = runCli(cwd, ['init', 'old']);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /old\/package\.json exists already: init a new project in an empty folder/);
    assert.equal(readFileSync(join(cwd, 'old', 'package.json'), 'utf8'), '{"name":"old"}\n');
    assert.equal(existsSync(join(cwd, 'old', 'topology.json')), false);
  });

  it('exits 2 on an unknown flag or a second folder; --help lists the flags', () => {
    const cwd = folder('flags');
    const flag = runCli(cwd, ['init', 'a', '--topolgy', 't.json']);
    assert.equal(flag.status, 2);
    assert.match(flag.stderr, /Nonexistent flag: --topolgy/);
    const extra = runCli(cwd, ['init', 'a', 'b']);
    assert.equal(extra.status, 2);
    assert.match(extra.stderr, /Unexpected argument: b/);
    assert.equal(existsSync(join(cwd, 'a')), false);
    const help = runCli(cwd, ['init', '--help']);
    assert.equal(help.status, 0, help.stderr);
    for (const flagName of ['--topology=<value>', '--faustgen=<value>'])
      assert.ok(help.stdout.includes(flagName));
  });
});
