/**
 * The dependency rules of `npm run deps` (.dependency-cruiser.cjs) hold for the repository, and
 * catch what they are for: a copy of the runtime with one upward import, one import cycle, a
 * generator import past the public entries, or a value import of the test driver fails the check.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');
const copies: string[] = [];
after(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

function check(cwd: string): { status: number | null; output: string } {
  const run = spawnSync(DEPCRUISE, ['runtime', 'generator', 'cli', '-c', '.dependency-cruiser.cjs'], {
    cwd,
    encoding: 'utf8',
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The sources and configs the check reads, in a directory of its own. */
function copyOfRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faustgen-deps-'));
  copies.push(dir);
  for (const entry of ['runtime', 'generator', 'cli', '.dependency-cruiser.cjs', 'tsconfig.json']) {
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  }
  // The copy resolves packages (kafkajs, fastify...) from the repository's node_modules.
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  spawnSync('ln', ['-s', join(ROOT, 'node_modules'), join(dir, 'node_modules')]);
  return dir;
}

function prepend(dir: string, file: string, line: string): void {
  const path = join(dir, file);
  writeFileSync(path, `${line}\n${readFileSync(path, 'utf8')}`);
}

describe('dependency rules', { timeout: 180_000 }, () => {
  it('the repository has no upward import and no cycle', () => {
    const { status, output } = check(ROOT);
    assert.equal(status, 0, output);
    assert.match(output, /no dependency violations found/);
  });

  it('fail on an upward import, a cycle, a deep generator import and a value import of the test driver', () => {
    const dir = copyOfRepository();
    prepend(dir, 'runtime/core/lifecycle.ts', "import type { App } from '../app/app.js';");
    prepend(
      dir,
      'runtime/commit/ack-tracker.ts',
      "import type { Conductor } from '../streams/conductor.js';",
    );
    prepend(dir, 'runtime/streams/buffer.ts', "import type { AckTrackers } from '../commit/ack-tracker.js';");
    prepend(dir, 'generator/topology/durations.ts', "import '../../runtime/core/settings/registry.js';");
    prepend(dir, 'runtime/app/app.ts', "import '../testing/index.js';");
    const { status, output } = check(dir);
    assert.notEqual(status, 0, output);
    assert.match(output, /layer-core: runtime\/core\/lifecycle\.ts → runtime\/app\/app\.ts/);
    assert.match(output, /layer-commit: runtime\/commit\/ack-tracker\.ts → runtime\/streams\/conductor\.ts/);
    assert.match(output, /no-circular: runtime\/(commit|streams)\//);
    assert.match(
      output,
      /public-runtime-entries: generator\/topology\/durations\.ts → runtime\/core\/settings\/registry\.ts/,
    );
    assert.match(output, /layer-app: runtime\/app\/app\.ts → runtime\/testing\/index\.ts/);
  });
});
