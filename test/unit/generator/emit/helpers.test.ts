/**
 * The generated helpers.ts holds only what depends on the topology: each item's access map, the
 * agents' and routes' type maps, and faustgen's define* functions bound to them. The generic
 * machinery (handler types, contexts, request wrappers) lives in the runtime.
 * (compile.test.ts shows that the generated projects type-check.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ts } from 'ts-morph';
import { renderTopology } from '../../../../generator/emit/generate.js';
import { GENERATED_NAMES, parseTopology, type Topology } from '../../../../generator/topology/index.js';
import { EXAMPLE_TEXT } from '../support.js';

function load(text: string): Topology {
  const { topology, errors } = parseTopology(text, 'topology.json');
  assert.deepEqual(errors, []);
  return topology as Topology;
}

async function helpersOf(text: string): Promise<string> {
  const files = (await renderTopology(load(text))).files;
  return files.find((file) => file.path === 'src/generated/helpers.ts')?.content ?? '';
}

/** What is generic: a function, a type with parameters, a conditional type or a function type. */
function genericCode(code: string): string[] {
  const file = ts.createSourceFile('helpers.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isFunctionDeclaration(node) ||
      ts.isArrowFunction(node) ||
      ts.isFunctionExpression(node) ||
      ts.isConditionalTypeNode(node) ||
      ts.isFunctionTypeNode(node) ||
      ts.isTypeParameterDeclaration(node) ||
      ts.isTypeAliasDeclaration(node) ||
      ts.isClassDeclaration(node)
    ) {
      found.push(node.getText(file).split('\n')[0] ?? '');
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Each top-level declaration: an access map, a type map, or a binding of faustgen's stub functions. */
function declarationKinds(code: string): string[] {
  const file = ts.createSourceFile('helpers.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  return file.statements
    .filter((statement) => !ts.isImportDeclaration(statement))
    .map((statement) => {
      if (ts.isInterfaceDeclaration(statement)) return `types ${statement.name.text}`;
      if (ts.isVariableStatement(statement)) {
        const [declaration] = statement.declarationList.declarations;
        const init = declaration?.initializer;
        if (init && ts.isAsExpression(init) && ts.isObjectLiteralExpression(init.expression)) {
          return `access ${declaration?.name.getText(file)}`;
        }
        if (init && ts.isCallExpression(init) && /^fg\.\w+Stubs$/.test(init.expression.getText(file))) {
          return `binding ${init.expression.getText(file)}`;
        }
      }
      return `other: ${statement.getText(file).split('\n')[0]}`;
    });
}

describe('generated helpers.ts', () => {
  it("holds no generic code for the example: only its maps and faustgen's functions bound to them", async () => {
    const code = await helpersOf(EXAMPLE_TEXT);
    assert.deepEqual(genericCode(code), []);
    assert.deepEqual(declarationKinds(code), [
      'access agentAccess',
      'types AgentTypes',
      'binding fg.agentStubs',
      'access taskAccess',
      'binding fg.jobStubs',
      'access timerAccess',
      'binding fg.jobStubs',
      'access crontabAccess',
      'binding fg.jobStubs',
      'access serviceAccess',
      'binding fg.serviceStubs',
      'access routeAccess',
      'types RouteTypes',
      'binding fg.routeStubs',
    ]);
  });

  it('declares only names the topology checks keep items from taking', async () => {
    const code = await helpersOf(EXAMPLE_TEXT);
    const file = ts.createSourceFile('helpers.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const names: string[] = [];
    const collect = (node: ts.Node): void => {
      if (ts.isInterfaceDeclaration(node) || ts.isBindingElement(node) || ts.isVariableDeclaration(node)) {
        if (node.name !== undefined && ts.isIdentifier(node.name)) names.push(node.name.text);
      }
      ts.forEachChild(node, collect);
    };
    collect(file);
    assert.equal(names.length, 21, names.join(', '));
    assert.deepEqual(
      names.filter((name) => !GENERATED_NAMES.has(name)),
      [],
    );
  });

  it('is small: what a topology without items gets is the bindings alone', async () => {
    const empty = await helpersOf(JSON.stringify({ app: { id: 'empty' } }));
    // Was 7.3 kB of generic helpers before they moved into the runtime.
    assert.ok(empty.length < 2000, `helpers.ts of an empty topology is ${empty.length} bytes`);
    const example = await helpersOf(EXAMPLE_TEXT);
    assert.ok(example.length < 5000, `helpers.ts of the example is ${example.length} bytes`);
  });
});
