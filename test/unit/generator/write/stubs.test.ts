/** inspectStubs: what it says about the user's stubs (it never rewrites them), on files written here. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { RenderedStub } from '../../../../generator/emit/generate.js';
import { inspectStubs } from '../../../../generator/write/stubs.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'faustgen-stubs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

const IMPORT = "import { defineAgent, defineTimer } from '../generated/helpers.js';\n";

function agentStub(name: string): RenderedStub {
  return {
    path: `src/agents/${name}.ts`,
    kind: 'agents',
    name,
    helper: 'defineAgent',
    content: `${IMPORT}\nexport default defineAgent('${name}', async (stream) => {\n  for await (const _ of stream) {}\n});\n`,
  };
}

function problems(planned: readonly RenderedStub[]): string[] {
  return inspectStubs(dir, planned).map((problem) => `${problem.file}:${problem.line}:${problem.kind}`);
}

describe('inspectStubs: stubs of declared items', () => {
  it('finds nothing wrong with a stub as scaffolded, an edited one that still fits, or one not written yet', () => {
    const work = agentStub('work');
    write(work.path, work.content);
    const edited = agentStub('edited');
    write(
      edited.path,
      `${IMPORT}\n// mine now\nexport default defineAgent(\n  'edited',\n  async () => {},\n);\n`,
    );
    assert.deepEqual(problems([work, edited, agentStub('not-yet')]), []);
  });

  it('a stub without a default export of the helper: a mismatch at line 1, saying what to write', () => {
    const work = agentStub('work');
    write(work.path, `${IMPORT}export const work = 1;\n`);
    const [problem] = inspectStubs(dir, [work]);
    assert.deepEqual(
      { file: problem?.file, line: problem?.line, kind: problem?.kind },
      { file: 'src/agents/work.ts', line: 1, kind: 'mismatch' },
    );
    assert.equal(
      problem?.message,
      "has no default export of defineAgent(): expected `export default defineAgent('work', ...)`",
    );
    write(work.path, `${IMPORT}export default 42;\n`);
    assert.deepEqual(problems([work]), ['src/agents/work.ts:1:mismatch']);
  });

  it('another helper: a mismatch at the call, naming the helper the item needs', () => {
    const work = agentStub('work');
    write(work.path, `${IMPORT}\n\nexport default defineTimer('work', async () => {});\n`);
    const [problem] = inspectStubs(dir, [work]);
    assert.equal(problem?.line, 4);
    assert.equal(
      problem?.message,
      "default-exports defineTimer(), but agent work needs `export default defineAgent('work', ...)`",
    );
  });

  it("another item's name (or none): a mismatch at the line of the name", () => {
    const work = agentStub('work');
    write(work.path, `${IMPORT}export default defineAgent(\n  'wrok',\n  async () => {},\n);\n`);
    const [problem] = inspectStubs(dir, [work]);
    assert.equal(problem?.line, 3);
    assert.equal(
      problem?.message,
      "defines 'wrok', but this file is the stub of agent 'work': write `export default defineAgent('work', ...)`",
    );
    write(work.path, `${IMPORT}const name = 'work';\nexport default defineAgent(name, async () => {});\n`);
    assert.match(
      inspectStubs(dir, [work])[0]?.message ?? '',
      /^defines '\?', but this file is the stub of agent 'work'/,
    );
  });
});

describe('inspectStubs: orphans', () => {
  it('an orphan in a stub folder: says whether the build skips it, and never deletes it', () => {
    write('src/agents/old.ts', `${IMPORT}\nexport default defineAgent('old', async () => {});\n`);
    const [problem] = inspectStubs(dir, []);
    assert.deepEqual(
      { file: problem?.file, line: problem?.line, kind: problem?.kind },
      { file: 'src/agents/old.ts', line: 3, kind: 'orphan' },
    );
    assert.match(
      problem?.message ?? '',
      /^orphan: agent 'old' is not in topology\.json any more; tsc still compiles this file: add "extends": "\.\/src\/generated\/tsconfig\.orphans\.json" to tsconfig\.json/,
    );
    write('tsconfig.json', '{ "extends": "./src/generated/tsconfig.orphans.json" }\n');
    assert.match(
      inspectStubs(dir, [])[0]?.message ?? '',
      /; the build skips this file \(src\/generated\/tsconfig\.orphans\.json\)\. Delete it \(then run faustgen generate\), or declare it again$/,
    );
    assert.match(readFileSync(join(dir, 'src/agents/old.ts'), 'utf8'), /defineAgent\('old'/);
  });

  it('points an orphan at a fresh stub of its kind (a rename), with git mv in a repository; an edited stub is no target', () => {
    write('src/agents/old.ts', `${IMPORT}\nexport default defineAgent('old', async () => {});\n`);
    const renamed = agentStub('new');
    write(renamed.path, renamed.content);
    assert.match(
      inspectStubs(dir, [renamed])[0]?.message ?? '',
      /\. Renamed to 'new'\? Move its code: `mv -f src\/agents\/old\.ts src\/agents\/new\.ts` \(replaces the untouched new stub\), then write defineAgent\('new', \.\.\.\) in it$/,
    );
    mkdirSync(join(dir, '.git'));
    assert.match(
      inspectStubs(dir, [renamed])[0]?.message ?? '',
      /`git mv -f src\/agents\/old\.ts src\/agents\/new\.ts`/,
    );
    write(renamed.path, `${renamed.content}// edited\n`);
    assert.doesNotMatch(inspectStubs(dir, [renamed])[0]?.message ?? '', /Renamed to/);
  });

  it('leaves alone what is no stub: declarations, tests, other files, and modules that define nothing', () => {
    write('src/agents/types.d.ts', 'export declare const x: number;\n');
    write('src/agents/old.test.ts', `${IMPORT}export default defineAgent('old', async () => {});\n`);
    write('src/agents/notes.md', '# notes\n');
    write('src/agents/shared.ts', 'export function score(n: number) {\n  return n * 2;\n}\n');
    write('src/agents/timer-like.ts', `${IMPORT}export default defineTimer('tick', async () => {});\n`);
    write('src/other/old.ts', `${IMPORT}export default defineAgent('old', async () => {});\n`);
    assert.deepEqual(problems([]), []);
  });
});

describe('inspectStubs: src/codecs.ts', () => {
  const codecs = (names: string[]): RenderedStub => ({
    path: 'src/codecs.ts',
    kind: 'codecs',
    name: 'codecs',
    helper: 'registerCodec',
    content: '',
    codecs: names,
  });

  it('names each declared codec the file never registers, at its last line', () => {
    write('src/codecs.ts', "import { registerCodec } from 'faustgen';\n\nregisterCodec('gzip', gzip);\n");
    const found = inspectStubs(dir, [codecs(['gzip', 'lz4', 'zstd'])]);
    assert.deepEqual(
      found.map((problem) => [problem.file, problem.line, problem.kind]),
      [
        ['src/codecs.ts', 4, 'missing-codec'],
        ['src/codecs.ts', 4, 'missing-codec'],
      ],
    );
    assert.match(
      found[0]?.message ?? '',
      /^codec 'lz4' is declared in topology\.json but src\/codecs\.ts never calls registerCodec\('lz4', \.\.\.\)/,
    );
    assert.match(found[1]?.message ?? '', /^codec 'zstd' /);
    assert.deepEqual(inspectStubs(dir, [codecs(['gzip'])]), []);
  });
});
