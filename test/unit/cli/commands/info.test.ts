/** `faustgen info`: versions and the broker in effect, as text or --json; bad input exits 2. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../generator/topology/repo.js';
import { runCli } from './cli.js';

const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

describe('faustgen info', () => {
  it('prints the faustgen and Node.js versions and the default broker (exit 0)', () => {
    const run = runCli(tmpdir(), ['info']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^faustgen ${VERSION.replaceAll('.', '\\.')}$`, 'm'));
    assert.match(run.stdout, new RegExp(`^node +${process.version.replaceAll('.', '\\.')}$`, 'm'));
    assert.match(run.stdout, /^broker +kafka:\/\/127\.0\.0\.1:9092 \(default\)$/m);
  });

  it('shows FAUSTGEN_BROKER when set, and --json prints the same for machines', () => {
    const text = runCli(tmpdir(), ['info'], { env: { FAUSTGEN_BROKER: 'memory://' } });
    assert.match(text.stdout, /^broker +memory:\/\/ \(from FAUSTGEN_BROKER\)$/m);
    const json = runCli(tmpdir(), ['info', '--json'], { env: { FAUSTGEN_BROKER: ' memory:// ' } });
    assert.equal(json.status, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), {
      faustgen: VERSION,
      node: process.version,
      broker: 'memory://',
      brokerSource: 'FAUSTGEN_BROKER',
    });
  });

  it('exits 2 naming an unknown flag or an argument it does not take', () => {
    const flag = runCli(tmpdir(), ['info', '--verbose']);
    assert.equal(flag.status, 2);
    assert.match(flag.stderr, /Nonexistent flag: --verbose/);
    const argument = runCli(tmpdir(), ['info', 'extra']);
    assert.equal(argument.status, 2);
    assert.match(argument.stderr, /'info extra' is not a faustgen command/);
  });

  it('--help shows the usage and the --json flag (exit 0)', () => {
    const run = runCli(tmpdir(), ['info', '--help']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /\$ faustgen info \[--json\]/);
    assert.match(run.stdout, /FAUSTGEN_BROKER when set/);
  });
});
