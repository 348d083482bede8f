/**
 * What names look like in each section, the identifiers generated code derives from them, and the
 * names generated code cannot use.
 */
import type { NamedSection } from './types.js';

export interface NameRule {
  /** JSON Schema pattern for the section's keys. */
  readonly pattern: string;
  readonly maxLength: number;
  /** The rule in words, for errors and docs. */
  readonly text: string;
}

const KAFKA_NAME: NameRule = {
  pattern: '^[A-Za-z][A-Za-z0-9._-]*$',
  // Leaves room for `<appId>-` and `-changelog` within Kafka's 249 characters.
  maxLength: 200,
  text: "a letter, then letters, digits, '.', '_' or '-' (Kafka topic characters), at most 200 characters",
};

const IDENTIFIER_NAME: NameRule = {
  pattern: '^[A-Za-z][A-Za-z0-9_-]*$',
  maxLength: 100,
  text: "a letter, then letters, digits, '_' or '-', at most 100 characters",
};

export const NAME_RULES: Readonly<Record<NamedSection, NameRule>> = {
  models: {
    pattern: '^[A-Z][A-Za-z0-9]*$',
    maxLength: 100,
    text: 'PascalCase: an upper-case letter, then letters and digits (it is a TypeScript type name)',
  },
  codecs: {
    pattern: '^[A-Za-z][A-Za-z0-9_.@-]*$',
    maxLength: 100,
    text: "a letter, then letters, digits, '_', '.', '@' or '-' ('|' chains codecs, so it cannot be part of a name)",
  },
  topics: KAFKA_NAME,
  channels: IDENTIFIER_NAME,
  tables: KAFKA_NAME,
  // A table-table join is a table (changelog `<appId>-<name>-changelog`), a windowed join keeps one.
  joins: KAFKA_NAME,
  agents: IDENTIFIER_NAME,
  tasks: IDENTIFIER_NAME,
  timers: IDENTIFIER_NAME,
  crontabs: IDENTIFIER_NAME,
  services: IDENTIFIER_NAME,
  routes: IDENTIFIER_NAME,
};

/**
 * The identifier generated code uses for a name: words split at '.', '_', '-' joined in camelCase,
 * the first letter kept as written (`page-views` -> `pageViews`, `Payment` -> `Payment`).
 */
export function identifierOf(name: string): string {
  const [first = '', ...rest] = name.split(/[._@-]+/).filter((part) => part !== '');
  return first + rest.map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}

/**
 * The one naming scheme of generated code: the identifiers each item of a section gives. Exported
 * ones (models, topics, channels, tables, agents) share src/generated/index.ts; the wiring's
 * stub imports share wiring.ts with them. Each kind has its own suffix, so within the scheme only
 * names that give the same identifier, or a model named like another item's identifier, collide.
 */
export const topicIdent = (name: string): string => `${identifierOf(name)}Topic`;
export const channelIdent = (name: string): string => `${identifierOf(name)}Channel`;
export const tableIdent = (name: string): string => `${identifierOf(name)}Table`;
/** The plain table under a windowed table (what key-owned routes locate keys with). */
export const baseTableIdent = (name: string): string => `${identifierOf(name)}TableBase`;
export const agentIdent = (name: string): string => `${identifierOf(name)}Agent`;
/** A stream-table or windowed join (a table-table join is a table: tableIdent). */
export const joinIdent = (name: string): string => `${identifierOf(name)}Join`;

/** The name the wiring imports an item's stub under. */
const STUB_LOCAL_SUFFIX: Readonly<Partial<Record<NamedSection, string>>> = {
  agents: 'Stub',
  tasks: 'Job',
  timers: 'Job',
  crontabs: 'Job',
  services: 'Service',
  routes: 'View',
};

export function stubLocal(section: NamedSection, name: string): string {
  return `${identifierOf(name)}${STUB_LOCAL_SUFFIX[section] ?? ''}`;
}

/** Every identifier generated code declares for an item (a table's base is reserved whether windowed or not). */
export function generatedIdentifiers(section: NamedSection, name: string): readonly string[] {
  switch (section) {
    case 'models':
      return [name];
    case 'topics':
      return [topicIdent(name)];
    case 'channels':
      return [channelIdent(name)];
    case 'tables':
      return [tableIdent(name), baseTableIdent(name)];
    case 'joins':
      return [joinIdent(name), tableIdent(name)];
    case 'agents':
      return [agentIdent(name), stubLocal(section, name)];
    case 'codecs':
      return [];
    default:
      return [stubLocal(section, name)];
  }
}

/**
 * Names generated code declares whatever the topology holds (the app, faustgen's namespace, the
 * type maps and bound functions of helpers.ts): no item may give one of them.
 */
export const GENERATED_NAMES: ReadonlySet<string> = new Set([
  'app',
  'fg',
  'TOPOLOGY_HASH',
  'AgentTypes',
  'RouteTypes',
  'agentAccess',
  'agentContext',
  'crontabAccess',
  'crontabContext',
  'defineAgent',
  'defineCrontab',
  'defineRoute',
  'defineService',
  'defineTask',
  'defineTimer',
  'routeAccess',
  'routeContext',
  'routeRequest',
  'serviceAccess',
  'serviceContext',
  'taskAccess',
  'taskContext',
  'timerAccess',
  'timerContext',
]);

/** JavaScript's reserved words and the strict-mode and module ones: none can name a binding. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  'await',
  'break',
  'case',
  'catch',
  'class',
  'const',
  'continue',
  'debugger',
  'default',
  'delete',
  'do',
  'else',
  'enum',
  'export',
  'extends',
  'false',
  'finally',
  'for',
  'function',
  'if',
  'implements',
  'import',
  'in',
  'instanceof',
  'interface',
  'let',
  'new',
  'null',
  'package',
  'private',
  'protected',
  'public',
  'return',
  'static',
  'super',
  'switch',
  'this',
  'throw',
  'true',
  'try',
  'typeof',
  'var',
  'void',
  'while',
  'with',
  'yield',
  'arguments',
  'eval',
]);

/** Global types a generated model type would shadow (generated code uses them). */
export const RESERVED_TYPE_NAMES: ReadonlySet<string> = new Set([
  'Array',
  'BigInt',
  'Boolean',
  'Buffer',
  'Date',
  'Error',
  'Function',
  'JSON',
  'Map',
  'Number',
  'Object',
  'Omit',
  'Partial',
  'Pick',
  'Promise',
  'Readonly',
  'Record',
  'RegExp',
  'Required',
  'Set',
  'String',
  'Symbol',
  'Uint8Array',
  'URL',
]);
