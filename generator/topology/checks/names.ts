/**
 * Names generated code and Kafka must be able to tell apart: no reserved words, no two names of a
 * section giving one identifier or one file name, no topic named like one the app creates itself.
 */
import {
  GENERATED_NAMES,
  generatedIdentifiers,
  identifierOf,
  RESERVED_TYPE_NAMES,
  RESERVED_WORDS,
} from '../names.js';
import { BUILTIN_CODECS, type NamedSection, SECTIONS } from '../types.js';
import { type CheckContext, entryPointer } from './context.js';

const NAMED_SECTIONS = SECTIONS.filter((section): section is NamedSection => section !== 'app');

function checkReserved(context: CheckContext, section: NamedSection, name: string): void {
  const pointer = entryPointer(section, name);
  if (section === 'models') {
    if (RESERVED_TYPE_NAMES.has(name)) {
      context.issues.add({
        code: 'FG4005',
        pointer,
        at: 'key',
        message: `the model name ${JSON.stringify(name)} is a built-in TypeScript type that generated code uses`,
        fix: `rename the model, e.g. ${JSON.stringify(`${name}Record`)}, and the references to it`,
      });
    }
    return;
  }
  if (section === 'codecs' && BUILTIN_CODECS.includes(name)) {
    context.issues.add({
      code: 'FG4005',
      pointer,
      at: 'key',
      message: `${JSON.stringify(name)} is a built-in codec: it needs no declaration and cannot be replaced here`,
      fix: 'remove this entry, or give the custom codec another name',
    });
    return;
  }
  const identifier = identifierOf(name);
  if (RESERVED_WORDS.has(identifier)) {
    context.issues.add({
      code: 'FG4005',
      pointer,
      at: 'key',
      message: `${JSON.stringify(name)} gives the identifier ${JSON.stringify(identifier)}, a JavaScript reserved word`,
      fix: `rename it, e.g. ${JSON.stringify(`${name}${section === 'routes' ? 'Route' : 'Item'}`)}, and the references to it`,
    });
  }
}

function checkCollisions(context: CheckContext, section: NamedSection): void {
  const byIdentifier = new Map<string, string>();
  const byFile = new Map<string, string>();
  for (const name of context.names[section]) {
    const identifier = identifierOf(name);
    const earlier = byIdentifier.get(identifier) ?? byFile.get(name.toLowerCase());
    if (earlier !== undefined) {
      const sameIdentifier = byIdentifier.has(identifier);
      context.issues.add({
        code: 'FG4002',
        pointer: entryPointer(section, name),
        at: 'key',
        message: sameIdentifier
          ? `${JSON.stringify(name)} and ${JSON.stringify(earlier)} both give the identifier ${JSON.stringify(identifier)} in generated code`
          : `${JSON.stringify(name)} and ${JSON.stringify(earlier)} differ only in letter case: their files would be one on case-insensitive file systems`,
        fix: `rename one of ${JSON.stringify(earlier)} and ${JSON.stringify(name)}`,
      });
      continue;
    }
    byIdentifier.set(identifier, name);
    byFile.set(name.toLowerCase(), name);
  }
}

const itemOf = (section: NamedSection, name: string) =>
  `${section.replace(/s$/, '')} ${JSON.stringify(name)}`;

/** Rename the model when one of the two is (a model's name is only code; the others are also names outside it). */
function renameFix(
  a: { section: NamedSection; name: string },
  b: { section: NamedSection; name: string },
): string {
  const model = a.section === 'models' ? a : b.section === 'models' ? b : undefined;
  if (model !== undefined) {
    return `rename the model, e.g. to ${JSON.stringify(`${model.name}Record`)}, and the references to it`;
  }
  return `rename ${itemOf(b.section, b.name)}, e.g. to ${JSON.stringify(`${b.name}-item`)}, and the references to it`;
}

/**
 * Across sections: generated code has one namespace (src/generated/index.ts re-exports every
 * declaration, the wiring imports them next to the stubs), so no two items may give one identifier
 * (a model "PaymentsTopic" and a topic "Payments"), and none may give a name generated code
 * declares itself. Collisions within a section are checkCollisions's.
 */
function checkGeneratedIdentifiers(context: CheckContext): void {
  const owners = new Map<string, { section: NamedSection; name: string }>();
  for (const section of NAMED_SECTIONS) {
    for (const name of context.names[section]) {
      const pointer = entryPointer(section, name);
      for (const identifier of generatedIdentifiers(section, name)) {
        const earlier = owners.get(identifier);
        if (GENERATED_NAMES.has(identifier)) {
          context.issues.add({
            code: 'FG4005',
            pointer,
            at: 'key',
            message: `${itemOf(section, name)} gives the identifier ${JSON.stringify(identifier)}, which generated code declares itself`,
            fix: `rename the ${section.replace(/s$/, '')}, e.g. ${JSON.stringify(`${name}Item`)}, and the references to it`,
          });
        } else if (earlier !== undefined && earlier.section !== section) {
          context.issues.add({
            code: 'FG4002',
            pointer,
            at: 'key',
            message: `${itemOf(section, name)} and ${itemOf(earlier.section, earlier.name)} both give the identifier ${JSON.stringify(identifier)} in generated code`,
            fix: renameFix(earlier, { section, name }),
          });
        } else {
          if (earlier === undefined) owners.set(identifier, { section, name });
          continue;
        }
        break; // one error per item
      }
    }
  }
}

function checkInternalTopics(context: CheckContext, appId: string | undefined): void {
  if (appId === undefined) return;
  const changelogs = new Map<string, string>();
  for (const table of context.names.tables)
    changelogs.set(`${appId}-${table}-changelog`, `table ${JSON.stringify(table)}`);
  for (const join of Object.values(context.topology.joins)) {
    // A table-table join is a table; a windowed join buffers its events in the table <name>-buffer.
    if (join.type === 'table-table')
      changelogs.set(`${appId}-${join.name}-changelog`, `join ${JSON.stringify(join.name)}`);
    if (join.type === 'windowed') {
      changelogs.set(`${appId}-${join.name}-buffer-changelog`, `join ${JSON.stringify(join.name)}'s buffer`);
    }
  }
  for (const topic of context.names.topics) {
    const table = changelogs.get(topic);
    if (table === undefined) continue;
    context.issues.add({
      code: 'FG4001',
      pointer: entryPointer('topics', topic),
      at: 'key',
      message: `the topic ${JSON.stringify(topic)} is the changelog topic of ${table}, which the app writes itself`,
      fix: 'rename the topic (or the table): a changelog topic is the table, it cannot also be an input or output',
    });
  }
}

export function checkNames(context: CheckContext, appId: string | undefined): void {
  for (const section of NAMED_SECTIONS) {
    for (const name of context.names[section]) checkReserved(context, section, name);
    checkCollisions(context, section);
  }
  checkGeneratedIdentifiers(context);
  checkInternalTopics(context, appId);
}
