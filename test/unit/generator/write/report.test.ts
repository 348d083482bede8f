/** reportLines: what `faustgen generate` prints for each outcome, to stdout (out) and stderr (err). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTopology } from '../../../../generator/topology/index.js';
import type { GenerateResult } from '../../../../generator/write/project.js';
import { reportLines } from '../../../../generator/write/report.js';

const FILE = '/p/topology.json';

function result(overrides: Partial<GenerateResult>): GenerateResult {
  return {
    status: 'written',
    topologyFile: FILE,
    topologyText: undefined,
    hash: 'abc123',
    errors: [],
    breaking: [],
    changes: [],
    stubProblems: [],
    ...overrides,
  };
}

const CHANGES: GenerateResult['changes'] = [
  { path: 'src/generated/a.ts', action: 'create' },
  { path: 'src/generated/b.ts', action: 'update', diff: '@@ line 3 @@\n- old\n+ new' },
  { path: 'src/generated/c.ts', action: 'remove' },
  { path: 'src/agents/work.ts', action: 'create-stub' },
];

describe('reportLines', () => {
  it('written: each change in the past tense, then the topology it came from; no diffs', () => {
    const { out, err } = reportLines(result({ changes: CHANGES }), false);
    assert.deepEqual(out, [
      'created src/generated/a.ts',
      'updated src/generated/b.ts',
      'removed src/generated/c.ts',
      'created stub src/agents/work.ts',
      `generated from ${FILE} (topology abc123)`,
    ]);
    assert.deepEqual(err, []);
  });

  it('drift (--check): what would change, with the diffs indented, and how many files on stderr', () => {
    const { out, err } = reportLines(result({ status: 'drift', changes: CHANGES }), true);
    assert.deepEqual(out, [
      'would create src/generated/a.ts',
      'would change src/generated/b.ts',
      '    @@ line 3 @@',
      '    - old',
      '    + new',
      'would remove src/generated/c.ts',
      'would create stub src/agents/work.ts',
    ]);
    assert.deepEqual(err, ['4 files would change: run `faustgen generate`']);
    const one = reportLines(result({ status: 'drift', changes: CHANGES.slice(0, 1) }), true);
    assert.deepEqual(one.err, ['1 file would change: run `faustgen generate`']);
  });

  it('up to date: one line naming the topology and its hash', () => {
    const { out, err } = reportLines(result({ status: 'up-to-date' }), true);
    assert.deepEqual(out, [`src/generated is up to date with ${FILE} (topology abc123)`]);
    assert.deepEqual(err, []);
  });

  it('invalid: each error with its code frame, then the count and that nothing was written', () => {
    const text = '{ "app": { "id": "x" },\n  "agents": { "a": { "source": { "topic": "nope" } } } }\n';
    const { errors } = parseTopology(text, FILE);
    assert.equal(errors.length, 1);
    const { out, err } = reportLines(result({ status: 'invalid', topologyText: text, errors }), false);
    assert.deepEqual(out, []);
    assert.match(
      err[0] ?? '',
      /^\/p\/topology\.json:2:43 FG3002 #\/agents\/a\/source\/topic: there is no topic "nope"/,
    );
    assert.ok(
      err.some((line) => line.includes('> 2 |')),
      err.join('\n'),
    );
    assert.equal(err.at(-1), `${FILE}: 1 error; nothing was written`);
    assert.equal(err.join('\n').includes('\u001b['), false);
    const coloured = reportLines(result({ status: 'invalid', topologyText: text, errors }), false, {
      color: true,
    });
    assert.ok(coloured.err.join('\n').includes('\u001b['));
    const two = reportLines(
      result({ status: 'invalid', topologyText: text, errors: [...errors, ...errors] }),
      false,
    );
    assert.equal(two.err.at(-1), `${FILE}: 2 errors; nothing was written`);
  });

  it('breaking: each change with its code, and how to go ahead; nothing on stdout', () => {
    const breaking: GenerateResult['breaking'] = [
      { code: 'table-removed', message: 'table counts was removed' },
      { code: 'app-version', message: 'app.version went from 1 to 2' },
    ];
    const { out, err } = reportLines(result({ status: 'breaking', breaking, changes: CHANGES }), false);
    assert.deepEqual(out, []);
    assert.deepEqual(err, [
      `${FILE}: breaking changes since the last generation:`,
      '  - table counts was removed [table-removed]',
      '  - app.version went from 1 to 2 [app-version]',
      'Nothing was written. Run `faustgen generate --allow-breaking` if this is intended (plan a reset of the affected state).',
    ]);
    const one = reportLines(result({ status: 'breaking', breaking: breaking.slice(0, 1) }), false);
    assert.equal(one.err[0], `${FILE}: breaking change since the last generation:`);
  });

  it('breaking changes that were allowed are listed on stderr after a write', () => {
    const breaking: GenerateResult['breaking'] = [
      { code: 'app-version', message: 'app.version went from 1 to 2' },
    ];
    const { err } = reportLines(result({ breaking }), false);
    assert.deepEqual(err, ['breaking (allowed): app.version went from 1 to 2']);
  });

  it('stub problems come last on stderr as file:line: message, whatever the outcome', () => {
    const stubProblems: GenerateResult['stubProblems'] = [
      { file: 'src/agents/old.ts', line: 8, kind: 'orphan', message: 'orphan: agent old ...' },
    ];
    for (const status of ['written', 'up-to-date', 'drift', 'breaking'] as const) {
      const { err } = reportLines(result({ status, stubProblems }), status === 'drift');
      assert.equal(err.at(-1), 'src/agents/old.ts:8: orphan: agent old ...', status);
    }
  });
});
