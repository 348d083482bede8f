/**
 * Typed end to end: in the example's generated project, a stub that sends a wrong value to a topic,
 * writes a wrong value to a table, reads a field its model does not have or uses a route parameter
 * the route does not declare does not compile, with the error a user would need; the same stubs
 * written right compile. One tsc run over all of them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { packageRoot } from '../../../../generator/emit/templates.js';
import { generateProject } from '../../../../generator/write/project.js';
import { EXAMPLE_TEXT, tempProject } from '../support.js';
import { prepareProject } from './tsc.js';

const run = promisify(execFile);

const HELPERS = "import { defineAgent, defineRoute } from '../generated/helpers.js';\n";

/** Stubs under src/typing/, each with the error tsc must report for it (none for the right ones). */
const CASES: Readonly<Record<string, { code: string; error?: RegExp }>> = {
  'wrong-topic-value': {
    code: `export default defineAgent('score-payments', async (_stream, ctx) => {
  await ctx.topics.fraudAlerts.send({ key: 'a', value: 42 });
});`,
    error: /error TS2322: Type 'number' is not assignable to type 'FraudAlert'/,
  },
  'wrong-table-value': {
    code: `export default defineAgent('score-payments', async (_stream, ctx) => {
  ctx.tables.accountTotals.set('a', 'a lot');
});`,
    error: /error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'/,
  },
  'missing-model-field': {
    code: `export default defineAgent('score-payments', async (stream, ctx) => {
  for await (const payment of stream) ctx.logger.info(payment.cardNumber);
});`,
    error: /error TS2339: Property 'cardNumber' does not exist on type 'Payment'/,
  },
  'undeclared-route-param': {
    code: `export default defineRoute('account-total', async (request) => ({
  account: request.params.user,
  total: 0,
  payments: 0,
}));`,
    error: /error TS2339: Property 'user' does not exist on type '\{ account: string; \}'/,
  },
  'right-agent': {
    code: `export default defineAgent('score-payments', async (stream, ctx) => {
  for await (const payment of stream) {
    ctx.tables.accountTotals.set(payment.account, ctx.tables.accountTotals.get(payment.account) + payment.amount);
    await ctx.topics.fraudAlerts.send({ key: payment.account, value: { payment, reason: 'big' } });
  }
});`,
  },
  'right-route': {
    code: `export default defineRoute('account-total', async (request) => ({
  account: request.params.account,
  total: 0,
  payments: 0,
}));`,
  },
};

describe('typed end to end (tsc on the example project)', () => {
  let dir = '';
  let cleanup = () => {};
  /** tsc's errors by stub name. */
  const errors = new Map<string, string[]>();

  before(async () => {
    ({ dir, cleanup } = tempProject(EXAMPLE_TEXT));
    const result = await generateProject({ projectDir: dir });
    assert.deepEqual(result.errors, []);
    prepareProject(dir, false);
    mkdirSync(join(dir, 'src', 'typing'));
    for (const [name, { code }] of Object.entries(CASES)) {
      writeFileSync(join(dir, 'src', 'typing', `${name}.ts`), `${HELPERS}\n${code}\n`);
    }
    const tsc = join(packageRoot(), 'node_modules/typescript/bin/tsc');
    const output = await run(process.execPath, [tsc, '-p', dir, '--pretty', 'false'], { cwd: dir }).then(
      (done) => done.stdout,
      (failed: { stdout?: string }) => failed.stdout ?? String(failed),
    );
    for (const line of output.split('\n').filter((l) => l.includes('error TS'))) {
      const name = /^src\/typing\/([^.]+)\.ts/.exec(line)?.[1] ?? 'elsewhere';
      errors.set(name, [...(errors.get(name) ?? []), line]);
    }
  });

  after(() => cleanup());

  it('reports nothing outside the stubs under test', () => {
    assert.deepEqual(errors.get('elsewhere') ?? [], []);
  });

  for (const [name, { error }] of Object.entries(CASES)) {
    it(error === undefined ? `${name} compiles` : `${name} fails with ${error.source}`, () => {
      const reported = errors.get(name) ?? [];
      if (error === undefined) assert.deepEqual(reported, []);
      else {
        assert.equal(reported.length, 1, `one error expected, got:\n${reported.join('\n')}`);
        assert.match(reported[0] ?? '', error);
      }
    });
  }
});
