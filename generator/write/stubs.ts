/**
 * Inspects the user's stubs (never rewrites them): a stub must default-export
 * `<helper>('<name>', ...)` for its item; a file in a stub folder whose item is gone is an orphan.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Node, Project, type SourceFile } from 'ts-morph';
import { STUB_HELPERS, STUB_KINDS, type StubKind } from '../plan/plan.js';
import type { RenderedStub } from '../emit/generate.js';
import { extendsOrphansTsconfig, ORPHANS_TSCONFIG, ORPHANS_TSCONFIG_EXTENDS } from './orphans.js';

export interface StubProblem {
  /** Project-relative path. */
  readonly file: string;
  readonly line: number;
  /** 'missing-codec': src/codecs.ts does not register a codec topology.json declares (generate exits 1). */
  readonly kind: 'orphan' | 'mismatch' | 'missing-codec';
  readonly message: string;
}

interface DefineCall {
  readonly helper: string;
  readonly name: string | undefined;
  readonly line: number;
  readonly nameLine: number;
}

function defaultDefineCall(source: SourceFile): DefineCall | undefined {
  for (const assignment of source.getExportAssignments()) {
    if (assignment.isExportEquals()) continue;
    const expression = assignment.getExpression();
    if (!Node.isCallExpression(expression)) return undefined;
    const [first] = expression.getArguments();
    return {
      helper: expression.getExpression().getText(),
      name: first !== undefined && Node.isStringLiteral(first) ? first.getLiteralValue() : undefined,
      line: expression.getStartLineNumber(),
      nameLine: first?.getStartLineNumber() ?? expression.getStartLineNumber(),
    };
  }
  return undefined;
}

/** The codecs the codecs stub is rendered for that the user's src/codecs.ts never registers. */
function missingCodecs(stub: RenderedStub, source: SourceFile): StubProblem[] {
  const registered = new Set<string>();
  source.forEachDescendant((node) => {
    if (!Node.isCallExpression(node) || node.getExpression().getText() !== 'registerCodec') return;
    const [first] = node.getArguments();
    if (first !== undefined && Node.isStringLiteral(first)) registered.add(first.getLiteralValue());
  });
  return (stub.codecs ?? [])
    .filter((name) => !registered.has(name))
    .map((name) => ({
      file: stub.path,
      line: source.getEndLineNumber(),
      kind: 'missing-codec' as const,
      message:
        `codec '${name}' is declared in topology.json but ${stub.path} never calls registerCodec('${name}', ...): ` +
        'the worker would fail on its first record. This file is yours (generate never rewrites it): add ' +
        `registerCodec('${name}', { name: '${name}', encode(value) { ... }, decode(data) { ... } })`,
    }));
}

/** How to move an orphan's code to the stub of the item it was renamed to, when that stub is fresh. */
function renameHint(
  projectDir: string,
  orphan: string,
  helper: string,
  fresh: readonly RenderedStub[],
): string {
  if (fresh.length === 0) return '';
  const targets = fresh.map((stub) => `'${stub.name}'`).join(' or ');
  const [first] = fresh;
  const git = existsSync(join(projectDir, '.git')) ? 'git mv' : 'mv';
  return (
    `. Renamed to ${targets}? Move its code: \`${git} -f ${orphan} ${first!.path}\` (replaces the untouched new stub), ` +
    `then write ${helper}('${first!.name}', ...) in it`
  );
}

export function inspectStubs(projectDir: string, planned: readonly RenderedStub[]): StubProblem[] {
  const project = new Project({ useInMemoryFileSystem: true, compilerOptions: { allowJs: false } });
  const problems: StubProblem[] = [];
  const plannedPaths = new Set(planned.map((stub) => stub.path));
  // Stubs of this kind not written yet or still as scaffolded: where a renamed item's code may go.
  const fresh = (kind: StubKind) =>
    planned.filter((stub) => {
      if (stub.kind !== kind) return false;
      const file = join(projectDir, stub.path);
      return !existsSync(file) || readFileSync(file, 'utf8') === stub.content;
    });
  const parse = (path: string) =>
    project.createSourceFile(path, readFileSync(join(projectDir, path), 'utf8'), { overwrite: true });

  for (const stub of planned) {
    if (!existsSync(join(projectDir, stub.path))) continue;
    if (stub.kind === 'codecs') {
      problems.push(...missingCodecs(stub, parse(stub.path)));
      continue;
    }
    const call = defaultDefineCall(parse(stub.path));
    const expected = `export default ${stub.helper}('${stub.name}', ...)`;
    if (call === undefined) {
      problems.push({
        file: stub.path,
        line: 1,
        kind: 'mismatch',
        message: `has no default export of ${stub.helper}(): expected \`${expected}\``,
      });
    } else if (call.helper !== stub.helper) {
      problems.push({
        file: stub.path,
        line: call.line,
        kind: 'mismatch',
        message: `default-exports ${call.helper}(), but ${stub.kind.slice(0, -1)} ${stub.name} needs \`${expected}\``,
      });
    } else if (call.name !== stub.name) {
      problems.push({
        file: stub.path,
        line: call.nameLine,
        kind: 'mismatch',
        message: `defines '${call.name ?? '?'}', but this file is the stub of ${stub.kind.slice(0, -1)} '${stub.name}': write \`${expected}\``,
      });
    }
  }

  const tsconfigSkipsOrphans = extendsOrphansTsconfig(projectDir);
  for (const kind of STUB_KINDS) {
    const folder = join(projectDir, 'src', kind);
    if (!existsSync(folder)) continue;
    for (const entry of readdirSync(folder).sort()) {
      if (!entry.endsWith('.ts') || entry.endsWith('.d.ts') || entry.endsWith('.test.ts')) continue;
      const path = `src/${kind}/${entry}`;
      if (plannedPaths.has(path)) continue;
      const call = defaultDefineCall(parse(path));
      if (call === undefined || call.helper !== STUB_HELPERS[kind as StubKind]) continue;
      const item = `${kind.slice(0, -1)} '${call.name ?? entry.slice(0, -3)}'`;
      const build = tsconfigSkipsOrphans
        ? `the build skips this file (${ORPHANS_TSCONFIG})`
        : `tsc still compiles this file: add "extends": "${ORPHANS_TSCONFIG_EXTENDS}" to tsconfig.json to skip it`;
      problems.push({
        file: path,
        line: call.line,
        kind: 'orphan',
        message:
          `orphan: ${item} is not in topology.json any more; ${build}. Delete it (then run faustgen generate), or declare it again` +
          renameHint(projectDir, path, STUB_HELPERS[kind as StubKind], fresh(kind as StubKind)),
      });
    }
  }
  return problems;
}
