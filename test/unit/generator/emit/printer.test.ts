/**
 * Generated code is formatted: biome, run as a generated project runs it (its biome.json, the biome
 * version it pins), finds nothing to change in what `faustgen init` and `faustgen generate` write,
 * for the example and for the 200-topic topology of the codegen benchmark.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { benchTopology } from '../../../../bench/codegen-topology.js';
import {
  biomeCommand,
  biomeVersion,
  PROJECT_BIOME_CONFIG,
  printSources,
} from '../../../../generator/emit/printer.js';
import { packageRoot, TEMPLATE_DIR } from '../../../../generator/emit/templates.js';
import { initProject } from '../../../../generator/project/init.js';
import { generateProject } from '../../../../generator/write/project.js';
import { tempProject } from '../support.js';

/** `biome format` (no --write) in `dir` on `paths`: its exit status and report. */
function biomeFormatCheck(dir: string, paths: readonly string[]): { status: number | null; report: string } {
  const { file, prefix } = biomeCommand();
  const run = spawnSync(file, [...prefix, 'format', '--colors=off', '--max-diagnostics=5', ...paths], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { status: run.status, report: `${run.stdout}${run.stderr}` };
}

describe('generated code is formatted', () => {
  it("the example project from init: biome with the project's config changes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faustgen-format-'));
    try {
      const result = await initProject({ dir: join(dir, 'app') });
      assert.equal(result.generate?.status, 'written');
      const checked = biomeFormatCheck(join(dir, 'app'), ['.']);
      assert.equal(checked.status, 0, checked.report);
      assert.match(checked.report, /Checked \d+ files/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a topology of 200 topics, 150 agents and 100 routes: biome changes nothing in src/', async () => {
    const { dir, cleanup } = tempProject(benchTopology() as Record<string, unknown>);
    try {
      const result = await generateProject({ projectDir: dir });
      assert.equal(result.status, 'written');
      copyFileSync(join(TEMPLATE_DIR(), PROJECT_BIOME_CONFIG), join(dir, 'biome.json'));
      const checked = biomeFormatCheck(dir, ['src']);
      assert.equal(checked.status, 0, checked.report);
      const files = Number(/Checked (\d+) files/.exec(checked.report)?.[1]);
      assert.ok(files > 250, `biome checked ${files} files`);
    } finally {
      cleanup();
    }
  });

  it('the project pins exactly the biome faustgen prints with', async () => {
    const own = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    assert.equal(own.dependencies['@biomejs/biome'], biomeVersion());
    const dir = mkdtempSync(join(tmpdir(), 'faustgen-format-'));
    try {
      await initProject({ dir });
      const project = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        devDependencies: Record<string, string>;
      };
      assert.equal(project.devDependencies['@biomejs/biome'], biomeVersion());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('printSources', () => {
  it('formats every file in one go and keeps their order', () => {
    const printed = printSources([
      { path: 'src/b.ts', content: 'export const b = {x:1,   y: "two"}\n\n\n' },
      { path: 'src/a.json', content: '{"a":[1,2]}' },
      { path: 'notes.txt', content: 'as is  \r\n' },
    ]);
    assert.deepEqual(printed, [
      { path: 'src/b.ts', content: "export const b = { x: 1, y: 'two' };\n" },
      { path: 'src/a.json', content: '{ "a": [1, 2] }\n' },
      { path: 'notes.txt', content: 'as is\n' },
    ]);
  });

  it('names the file and calls it a faustgen bug when generated code does not parse', () => {
    assert.throws(
      () => printSources([{ path: 'src/generated/broken.ts', content: 'export const = ;\n' }]),
      (error: Error) =>
        /a faustgen bug/.test(error.message) &&
        error.message.includes('broken.ts') &&
        /biome 2\./.test(error.message),
    );
  });
});
