/** `faustgen <project command> --help` lists the arguments and flags app.main() understands. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PROJECT_COMMANDS } from '../../../../generator/project/run-app.js';
import { REPO_ROOT } from '../../generator/topology/repo.js';

// Outside any project: --help needs none.
const cwd = mkdtempSync(join(tmpdir(), 'faustgen-help-'));
after(() => rmSync(cwd, { recursive: true, force: true }));

const SETTINGS = ['--broker', '--loglevel'];
const EXPECTED: Record<(typeof PROJECT_COMMANDS)[number], string[]> = {
  worker: ['--allow-stale', ...SETTINGS],
  send: [
    'TARGET',
    'VALUE',
    '--key',
    '--partition',
    '--repeat',
    '--file',
    '--stdin',
    '--key-field',
    '--key-separator',
    ...SETTINGS,
  ],
  agents: ['--json', ...SETTINGS],
  topics: ['--json', ...SETTINGS],
  models: ['--json', ...SETTINGS],
  tables: ['--json', ...SETTINGS],
  reset: ['--table', ...SETTINGS],
  'clean-versions': SETTINGS,
};

describe('project commands --help', () => {
  for (const command of PROJECT_COMMANDS) {
    it(`${command} --help lists its arguments and flags`, () => {
      const run = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'run.js'), command, '--help'], {
        cwd,
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stderr);
      const flagsSection = run.stdout.slice(run.stdout.indexOf('\nFLAGS\n'));
      assert.ok(run.stdout.includes('\nFLAGS\n'), run.stdout);
      for (const expected of EXPECTED[command]) {
        const [section, pattern] = expected.startsWith('--')
          ? [flagsSection, new RegExp(`\\s${expected}[=\\s]`)]
          : [run.stdout, new RegExp(`\\n  \\[?${expected}\\b`)];
        assert.match(section, pattern, `${expected} in:\n${run.stdout}`);
      }
    });
  }
});
