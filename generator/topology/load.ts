/**
 * Loads a topology file: JSON with positions -> the JSON Schema -> the checks the schema cannot
 * express. Every error is collected (never just the first), each with file:line:column, the JSON
 * pointer, a stable code, what is wrong and how to fix it. Every command loads the file this way.
 */
import { readFileSync } from 'node:fs';
import { checkAgents } from './checks/agents.js';
import { checkJoins } from './checks/joins.js';
import { checkModels } from './checks/models.js';
import { checkNames } from './checks/names.js';
import { checkReferences } from './checks/references.js';
import { checkRoutes } from './checks/routes.js';
import { checkSchedules } from './checks/schedules.js';
import { checkSettings } from './checks/settings.js';
import { checkTables } from './checks/tables.js';
import type { CheckContext } from './checks/context.js';
import { compareErrors, type TopologyError } from './errors.js';
import { type Issue, Issues } from './issues.js';
import { JsonSource, joinPointer, MAX_NESTING, splitPointer } from './json-source.js';
import { readTopology, sectionNames, toTopology } from './read.js';
import { checkShape } from './shape.js';
import { type NamedSection, SECTIONS, type Topology } from './types.js';

/** The default topology file of a project. */
export const DEFAULT_TOPOLOGY_FILE = 'topology.json';

export interface TopologyText {
  /** The file's content. */
  readonly text: string;
  /** The name errors show (e.g. the path it was read from). */
  readonly file: string;
}

export interface LoadResult {
  readonly file: string;
  /** The file's text; undefined when it could not be read. */
  readonly text: string | undefined;
  /** The topology, exactly when `errors` is empty. */
  readonly topology: Topology | undefined;
  /** Every error found, in file order. */
  readonly errors: readonly TopologyError[];
}

/** Reads and checks a topology file, or checks the text given. Never throws for a bad file. */
export function loadTopology(source: string | TopologyText): LoadResult {
  if (typeof source !== 'string') return parseTopology(source.text, source.file);
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (error) {
    return { file: source, text: undefined, topology: undefined, errors: [unreadable(source, error)] };
  }
  return parseTopology(text, source);
}

function unreadable(file: string, error: unknown): TopologyError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'there is no such file'
      : code === 'EISDIR'
        ? 'it is a directory'
        : code === 'EACCES'
          ? 'permission denied'
          : (error as Error).message;
  return {
    code: 'FG1001',
    file,
    line: 1,
    column: 1,
    offset: 0,
    length: 0,
    pointer: '',
    message: `cannot read the topology: ${reason}`,
    fix:
      code === 'ENOENT'
        ? 'run the command in the project folder or give the path of the topology file (`faustgen init` creates a project with one)'
        : 'check the path and the file permissions',
  };
}

const NAMED_SECTIONS = SECTIONS.filter((section): section is NamedSection => section !== 'app');

/** Every place at or above a bad one is not trusted whole. */
function taint(bad: readonly string[]): (pointer: string) => boolean {
  const tainted = new Set<string>();
  for (const pointer of bad) {
    const segments = splitPointer(pointer);
    for (let length = segments.length; length >= 0; length--) {
      const ancestor = joinPointer('', ...segments.slice(0, length));
      if (tainted.has(ancestor)) break;
      tainted.add(ancestor);
    }
  }
  return (pointer) => !tainted.has(pointer);
}

function runChecks(
  document: unknown,
  bad: readonly string[],
  issues: Issues,
): ReturnType<typeof readTopology> {
  const usable = taint(bad);
  const topology = readTopology(document, usable);
  const names = Object.fromEntries(
    NAMED_SECTIONS.map((section) => [section, new Set(sectionNames(document, section))]),
  ) as Record<NamedSection, Set<string>>;
  const context: CheckContext = { document, topology, names, issues, usable };
  const appId = checkSettings(context);
  checkNames(context, appId);
  checkReferences(context);
  const validators = checkModels(context);
  checkTables(context, validators);
  checkJoins(context);
  checkAgents(context);
  checkSchedules(context);
  checkRoutes(context);
  return topology;
}

/** Checks topology text; `file` is the name errors show. */
export function parseTopology(text: string, file: string): LoadResult {
  const source = new JsonSource(text);
  const located = ({ at, ...issue }: Issue): TopologyError => ({
    ...issue,
    ...source.locate(issue.pointer, at ?? 'value'),
    file,
  });
  if (source.syntaxProblems.length > 0) {
    const errors = source.syntaxProblems.map(
      (problem): TopologyError =>
        problem.kind === 'nesting'
          ? {
              code: 'FG1004',
              file,
              ...source.position(problem.offset, problem.length),
              pointer: '',
              message: `the topology is too deeply nested: ${problem.message}`,
              fix: `flatten it: a topology and its model schemas need far fewer than ${MAX_NESTING} levels (name a nested schema as a model and refer to it with {"$ref": "Name"})`,
            }
          : {
              code: 'FG1002',
              file,
              ...source.position(problem.offset, problem.length),
              pointer: '',
              message: `invalid JSON: ${problem.message}`,
              fix: 'correct the JSON at this position (an editor with JSON support shows the same place)',
            },
    );
    return { file, text, topology: undefined, errors };
  }
  const issues = new Issues();
  const duplicates: TopologyError[] = source.duplicateKeys().map((duplicate) => ({
    code: 'FG1003',
    file,
    ...source.position(duplicate.node.offset, duplicate.node.length),
    pointer: joinPointer(duplicate.objectPointer, duplicate.key),
    message: `the key ${JSON.stringify(duplicate.key)} appears twice in this object (first on line ${duplicate.firstLine}); only the last would count`,
    fix: 'remove one of the two, or merge them',
  }));
  const shape = checkShape(source.value);
  for (const issue of shape.issues) issues.add(issue);
  const loose = runChecks(source.value, shape.bad, issues);
  const errors = dedupe([...duplicates, ...issues.list.map(located)]).sort(compareErrors);
  return {
    file,
    text,
    topology: errors.length === 0 ? toTopology(source.value, loose) : undefined,
    errors,
  };
}

function dedupe(errors: TopologyError[]): TopologyError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.code}\u0000${error.pointer}\u0000${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
