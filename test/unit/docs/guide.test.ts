/**
 * docs/guide.md: every ```ts block compiles inside a project generated from topology.example.json
 * (`faustgen init`), against this checkout's built runtime. One program checks all samples; a
 * deliberately broken canary sample in the same program proves that a broken sample is reported,
 * with its guide line.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packageRoot } from '../../../generator/emit/templates.js';
import { initProject } from '../../../generator/project/init.js';
import { compileProject, extractTsSamples, linkCheckout, type Sample, writeSamples } from './samples.js';

const ROOT = packageRoot();
const GUIDE = 'docs/guide.md';

describe('extractTsSamples', () => {
  it('takes ts and typescript blocks with the line of their first code line, and skips other fences', () => {
    const markdown = [
      '# Title', // 1
      '```ts', // 2
      'const a = 1;', // 3
      '```', // 4
      '```json', // 5
      '{ "ts": true }', // 6
      '```', // 7
      '```text', // 8
      '```ts', // 9: inside a text block, not a sample
      '```', // 10
      '```typescript', // 11
      'const b = 2;', // 12
      'const c = 3;', // 13
      '```', // 14
    ].join('\n');
    assert.deepEqual(extractTsSamples(markdown), [
      { index: 1, line: 3, code: 'const a = 1;\n' },
      { index: 2, line: 12, code: 'const b = 2;\nconst c = 3;\n' },
    ]);
  });

  it('refuses an unclosed block, naming its line', () => {
    assert.throws(() => extractTsSamples('text\n```ts\nconst a = 1;\n'), /line 2 is never closed/);
  });
});

describe(`${GUIDE} code samples`, () => {
  let work: string;
  let project: string;
  const samples = extractTsSamples(readFileSync(join(ROOT, GUIDE), 'utf8'));

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'faustgen-guide-'));
    project = join(work, 'payments');
    const init = await initProject({ dir: project });
    assert.deepEqual(init.errors, [], 'the example topology is valid');
    assert.equal(init.generate?.errors.length ?? 0, 0, 'the example project generates');
    linkCheckout(project, ROOT);
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it('has samples for each part of the guide', () => {
    assert.ok(samples.length >= 10, `expected at least 10 ts samples, found ${samples.length}`);
    for (const sample of samples) {
      assert.notEqual(sample.code.trim(), '', `${GUIDE}:${sample.line}: an empty ts block`);
    }
  });

  it('compiles every ts sample in the generated project (and reports a broken one by its line)', () => {
    const canary: Sample = { index: 0, line: 1000, code: "export const broken: number = 'not a number';\n" };
    writeSamples(project, [...samples, canary]);
    const problems = compileProject(project, [...samples, canary], GUIDE);
    const fromCanary = problems.filter((p) => p.where.includes('(sample 0,'));
    assert.equal(fromCanary.length, 1, `the canary's error is reported: ${JSON.stringify(problems)}`);
    assert.match(fromCanary[0]?.where ?? '', /^docs\/guide\.md:1000 \(sample 0, column 14\)$/);
    assert.match(fromCanary[0]?.message ?? '', /^TS2322:/);
    const real = problems.filter((p) => !fromCanary.includes(p));
    assert.deepEqual(
      real.map((p) => `${p.where}: ${p.message}`),
      [],
      `samples of ${GUIDE} that do not compile:\n${real.map((p) => `  ${p.where}: ${p.message}`).join('\n')}`,
    );
  });
});
