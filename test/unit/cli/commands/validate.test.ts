import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CORPUS_DIR, EXAMPLE_TOPOLOGY, REPO_ROOT } from '../../generator/topology/repo.js';

function validate(...args: string[]) {
  return validateWith({}, ...args);
}

function validateWith(env: NodeJS.ProcessEnv, ...args: string[]) {
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...inherited } = process.env;
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'run.js'), 'validate', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...inherited, ...env },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('faustgen validate', () => {
  it('exits 0 and summarizes a valid file', () => {
    const run = validate(EXAMPLE_TOPOLOGY);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /topology\.example\.json is valid: app payments v1; 7 models, 5 topics/);
  });

  it('exits 1 and prints every error with file:line:column, code, pointer and fix', () => {
    const file = join(CORPUS_DIR, 'many-errors.json');
    const run = validate(file);
    assert.equal(run.status, 1);
    const headlines = run.stderr.split('\n').filter((line) => line.startsWith(file));
    assert.equal(headlines.length, 7, run.stderr); // 6 errors and the count
    assert.ok(headlines.includes(`${file}: 6 errors`));
    assert.match(
      run.stderr,
      /:53:18 FG3002 #\/agents\/count-orders\/source\/topic: there is no topic "order" \(did you mean "orders"\?\)\n/,
    );
  });

  it('shows the lines around each error with the value underlined, then the fix (plain on a pipe)', () => {
    const run = validate(join(CORPUS_DIR, 'many-errors.json'));
    assert.ok(
      run.stderr.includes(
        [
          '  51 |     "count-orders": {',
          '  52 |       "source": {',
          '> 53 |         "topic": "order"',
          '     |                  ^^^^^^^',
          '  54 |       },',
          '  55 |       "tables": [',
          '    fix: name a topic declared under "topics" (orders), or declare it there',
        ].join('\n'),
      ),
      run.stderr,
    );
    assert.equal(run.stderr.includes('\u001b['), false);
  });

  it('colours the report with FORCE_COLOR and not with NO_COLOR', () => {
    const file = join(CORPUS_DIR, 'fg3002-unknown-topic.json');
    assert.ok(validateWith({ FORCE_COLOR: '1' }, file).stderr.includes('\u001b[31mFG3002\u001b[39m'));
    assert.equal(validateWith({ FORCE_COLOR: '1', NO_COLOR: '1' }, file).stderr.includes('\u001b['), false);
  });

  it('reads ./topology.json by default and reports a missing file', () => {
    const run = validate();
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^topology\.json:1:1 FG1001 #: cannot read the topology: there is no such file/);
  });

  it('prints the errors as JSON with --json', () => {
    const run = validate(join(CORPUS_DIR, 'fg3002-unknown-topic.json'), '--json');
    assert.equal(run.status, 1);
    const result = JSON.parse(run.stdout) as { valid: boolean; errors: { code: string; line: number }[] };
    assert.equal(result.valid, false);
    assert.deepEqual(
      result.errors.map((error) => [error.code, error.line]),
      [['FG3002', 52]],
    );
  });
});
