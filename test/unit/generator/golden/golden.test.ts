/**
 * Golden outputs: what `faustgen generate` writes for a small topology (the example: every
 * generated file and every stub) and a large one (the codegen benchmark's 200 topics:
 * src/generated/ only, its 250 stubs differ by name alone) is checked in under
 * test/fixtures/golden/, compared here byte for byte and type-checked. A change to the generator
 * shows in review as a diff of these files: `npm run golden` rewrites them.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { benchTopology } from '../../../../bench/codegen-topology.js';
import { GENERATED_DIR } from '../../../../generator/plan/plan.js';
import { generateProject } from '../../../../generator/write/project.js';
import { prepareProject, runTsc } from '../emit/tsc.js';
import { EXAMPLE_TEXT, type JsonObject, tempProject } from '../support.js';
import { REPO_ROOT } from '../topology/repo.js';

const GOLDEN_DIR = join(REPO_ROOT, 'test', 'fixtures', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function filesUnder(root: string, folder: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(join(root, folder), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = relative(root, join(entry.parentPath, entry.name)).split('\\').join('/');
    files.set(path, readFileSync(join(root, path), 'utf8'));
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

async function compareWithGolden(name: string, topology: JsonObject | string, folder: string): Promise<void> {
  const { dir, cleanup } = tempProject(topology);
  try {
    const result = await generateProject({ projectDir: dir });
    assert.equal(result.status, 'written', JSON.stringify(result.errors));
    const actual = filesUnder(dir, folder);
    const goldenRoot = join(GOLDEN_DIR, name);
    if (UPDATE) {
      rmSync(goldenRoot, { recursive: true, force: true });
      for (const [path, content] of actual) {
        mkdirSync(dirname(join(goldenRoot, path)), { recursive: true });
        writeFileSync(join(goldenRoot, path), content);
      }
    }
    const golden = filesUnder(goldenRoot, folder);
    const hint = `(if the change is intended: npm run golden, and review the diff of test/fixtures/golden/${name})`;
    assert.deepEqual([...actual.keys()], [...golden.keys()], `the files generated differ ${hint}`);
    for (const [path, content] of actual) {
      assert.equal(
        content,
        golden.get(path),
        `${path} differs from test/fixtures/golden/${name}/${path} ${hint}`,
      );
    }
    // What was compared type-checks (the stubs, written by generate, are needed to compile the wiring).
    rmSync(join(dir, 'topology.json'));
    prepareProject(dir, false);
    writeFileSync(
      join(dir, 'src', 'main.ts'),
      "import { app } from './generated/index.js';\n\nawait app.main([]);\n",
    );
    await runTsc(dir);
  } finally {
    cleanup();
  }
}

describe('golden outputs', () => {
  it('the example: every generated file and stub, and it type-checks', () =>
    compareWithGolden('example', EXAMPLE_TEXT, 'src'));

  it('200 topics, 150 agents, 100 routes: src/generated/, and it type-checks', () =>
    compareWithGolden('large', benchTopology() as JsonObject, GENERATED_DIR));
});
