/**
 * The imports of a generated file, computed from what its code uses: every identifier the code
 * refers to (not property names, not names it declares) that another generated module or faustgen
 * exports is imported from there, as a type import when it appears in type positions only.
 */
import { ts } from 'ts-morph';
import type { ImportTable } from '../plan/plan.js';

interface Usage {
  /** Used as a value somewhere (otherwise in types only). */
  value: boolean;
}

/** Whether `node` is the name of what it belongs to rather than a reference to something. */
function isNameOnly(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) || ts.isQualifiedName(parent)) {
    return ts.isPropertyAccessExpression(parent) ? parent.name === node : parent.right === node;
  }
  if (ts.isShorthandPropertyAssignment(parent)) return false;
  if (ts.isBindingElement(parent) && parent.propertyName === node) return true;
  // Every other node with this identifier as its `name` declares it (a variable, parameter,
  // property, method, type, import or export specifier).
  return (parent as ts.Node & { name?: ts.Node }).name === node;
}

function inTypePosition(node: ts.Node): boolean {
  for (let at: ts.Node | undefined = node.parent; at !== undefined; at = at.parent) {
    if (ts.isTypeNode(at) || ts.isInterfaceDeclaration(at) || ts.isTypeAliasDeclaration(at)) return true;
    if (ts.isStatement(at)) return false;
  }
  return false;
}

/** The names declared at the top level of the file (they are never imported). */
function declaredNames(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const addBinding = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) addBinding(element.name);
  };
  for (const statement of file.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) addBinding(declaration.name);
    } else if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) names.add(e.name.text);
    } else {
      const name = (statement as { name?: ts.Node }).name;
      if (name !== undefined && ts.isIdentifier(name)) names.add(name.text);
    }
  }
  return names;
}

function usages(code: string, table: ImportTable): Map<string, Usage> {
  const file = ts.createSourceFile('generated.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const declared = declaredNames(file);
  const used = new Map<string, Usage>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && table.has(node.text) && !declared.has(node.text) && !isNameOnly(node)) {
      const usage = used.get(node.text) ?? { value: false };
      usage.value ||= !inTypePosition(node);
      used.set(node.text, usage);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return used;
}

/** The import lines for `code`: modules in `table`'s order of first appearance, names sorted. */
export function importLines(code: string, table: ImportTable, ownModule: string): string[] {
  const used = usages(code, table);
  const modules: string[] = [...new Set([...table.values()].map((source) => source.module))];
  const lines: string[] = [];
  for (const module of modules) {
    if (module === ownModule) continue;
    const names = [...used.keys()].filter((name) => table.get(name)?.module === module).sort();
    if (names.length === 0) continue;
    const namespace = names.find((name) => table.get(name)?.namespace);
    if (namespace !== undefined) {
      const kind = used.get(namespace)?.value ? 'import' : 'import type';
      lines.push(`${kind} * as ${namespace} from '${module}';`);
    }
    const named = names.filter((name) => !table.get(name)?.namespace);
    if (named.length === 0) continue;
    const typeOnly = named.every((name) => !used.get(name)?.value);
    const list = named.map((name) => (typeOnly || used.get(name)?.value ? name : `type ${name}`));
    lines.push(`${typeOnly ? 'import type' : 'import'} { ${list.join(', ')} } from '${module}';`);
  }
  return lines;
}

/**
 * `code` with its computed imports, placed after the file's leading comments and side-effect
 * imports (which must run first) and before everything else.
 */
export function withImports(code: string, table: ImportTable, ownModule: string): string {
  const imports = importLines(code, table, ownModule);
  if (imports.length === 0) return code;
  const lines = code.split('\n');
  let at = 0;
  while (at < lines.length && /^(\/\/|import '[^']+';$)/.test(lines[at] as string)) at += 1;
  return [...lines.slice(0, at), ...imports, ...lines.slice(at)].join('\n');
}
