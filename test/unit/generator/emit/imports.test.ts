/** A generated file's imports come from the names its code uses, never from a list kept by hand. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { importLines, withImports } from '../../../../generator/emit/imports.js';
import type { ImportTable } from '../../../../generator/plan/plan.js';

const TABLE: ImportTable = new Map([
  ['fg', { module: 'faustgen', namespace: true }],
  ['Payment', { module: './models.js' }],
  ['Account', { module: './models.js' }],
  ['app', { module: './app.js' }],
  ['paymentsTopic', { module: './topics.js' }],
  ['accountsTopic', { module: './topics.js' }],
  ['totalsTable', { module: './tables.js' }],
]);

describe('computed imports', () => {
  it('imports what the code refers to, from the module that exports it, values and types apart', () => {
    const code = [
      "export const paymentsTopic2 = app.topic('p', { valueType: Payment });",
      'export interface Types { a: fg.StreamOf<typeof accountsTopic>; b: Account }',
    ].join('\n');
    assert.deepEqual(importLines(code, TABLE, './other.js'), [
      "import type * as fg from 'faustgen';",
      "import { type Account, Payment } from './models.js';",
      "import { app } from './app.js';",
      "import type { accountsTopic } from './topics.js';",
    ]);
  });

  it('skips property names, names the file declares and its own module', () => {
    const code = [
      'export const totalsTable = 1;',
      'const x = { paymentsTopic: 1, Payment: 2 };',
      'x.accountsTopic;',
      'interface Y { app: string }',
    ].join('\n');
    assert.deepEqual(importLines(code, TABLE, './tables.js'), []);
  });

  it('places the imports after the header comments and side-effect imports', () => {
    const code = "// header\nimport '../codecs.js';\n\nexport const a = new fg.App('x', {});\n";
    assert.equal(
      withImports(code, TABLE, './app.js'),
      "// header\nimport '../codecs.js';\nimport * as fg from 'faustgen';\n\nexport const a = new fg.App('x', {});\n",
    );
  });
});
