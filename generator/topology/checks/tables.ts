/**
 * Tables: defaults that fit the value type, windows that can work, and co-partitioning. A table's
 * changelog partition is the partition of the event being processed (Faust's rule, and the
 * runtime's), so the changelog and every topic its agents read need the same partition count.
 */
import { findSetting } from '../../../runtime/core/index.js';
import { didYouMean, quoteList } from '../issues.js';
import { isObject, type Loose, rawEntry } from '../read.js';
import { sourceTopics } from '../sources.js';
import type { TableDef, WindowDef } from '../types.js';
import { type CheckContext, entryPointer } from './context.js';
import type { ModelValidators } from './models.js';

/** The `topicPartitions` the file gives (or the default), for topics and tables that give none. */
export function defaultPartitions(context: CheckContext): { count: number; from: string } {
  const app = isObject(context.document) ? context.document.app : undefined;
  const settings = isObject(app) ? app.settings : undefined;
  const given = isObject(settings) ? settings.topicPartitions : undefined;
  if (typeof given === 'number' && context.usable('/app/settings/topicPartitions')) {
    return { count: given, from: 'app.settings.topicPartitions' };
  }
  return { count: findSetting('topicPartitions')!.default as number, from: 'the topicPartitions default' };
}

function checkDefault(
  context: CheckContext,
  name: string,
  table: Loose<TableDef>,
  validators: ModelValidators,
) {
  const entry = rawEntry(context.document, 'tables', name);
  if (entry === undefined || !('default' in entry) || table.kind === undefined) return;
  const pointer = entryPointer('tables', name, 'default');
  if (table.kind === 'set' || table.kind === 'setGlobal') {
    context.issues.add({
      code: 'FG4024',
      pointer,
      message: `a ${table.kind} table has no default: every key starts as an empty set`,
      fix: 'remove "default"',
    });
    return;
  }
  const value = entry.default;
  const type = table.valueType;
  let problem: string | undefined;
  switch (type) {
    case undefined:
    case 'json':
      return;
    case 'string':
    case 'number':
      if (typeof value !== type) problem = `it is not a ${type}`;
      break;
    case 'bytes':
      problem = 'bytes cannot be written in JSON';
      break;
    default: {
      const validate = validators.get(type);
      if (validate === undefined || validate(value)) return;
      const first = validate.errors?.[0];
      problem =
        `it does not match model ${type}: ${first?.instancePath || '(the value)'} ${first?.message ?? ''}`.trim();
    }
  }
  if (problem === undefined) return;
  context.issues.add({
    code: 'FG4025',
    pointer,
    message: `the default ${JSON.stringify(value)} is not a value of the table's value type ${JSON.stringify(type)}: ${problem}`,
    fix:
      type === 'bytes'
        ? 'remove "default" (a missing key then has no value)'
        : `give a default of type ${JSON.stringify(type)}, e.g. ${type === 'number' ? '0' : type === 'string' ? '""' : 'an object with the required fields'}`,
  });
}

function windowLength(window: WindowDef): number {
  return window.type === 'sliding' ? window.before + window.after : window.size;
}

function checkWindow(context: CheckContext, name: string, window: WindowDef): void {
  const at = (...rest: string[]) => entryPointer('tables', name, 'window', ...rest);
  let durationsOk = true;
  if (window.type !== 'sliding') {
    const fields: [string, number][] = [['size', window.size]];
    if (window.type === 'hopping') fields.push(['step', window.step]);
    for (const [field, value] of fields) {
      if (Number.isSafeInteger(value) && value >= 1) continue;
      durationsOk = false;
      context.issues.add({
        code: 'FG4012',
        pointer: at(field),
        message: `the window ${field} is ${value} s; it must be a whole number of seconds, at least 1`,
        fix: `write a whole number of seconds, e.g. ${Math.max(1, Math.round(value))}`,
      });
    }
    if (durationsOk && window.type === 'hopping' && window.step > window.size) {
      context.issues.add({
        code: 'FG4011',
        pointer: at('step'),
        message: `the step (${window.step} s) is larger than the size (${window.size} s): events between two windows would be in none`,
        fix: `make the step at most ${window.size} s, or use a tumbling window of the step's length`,
      });
    }
  }
  if (window.expires !== undefined) {
    if (window.expires === 0) {
      context.issues.add({
        code: 'FG4012',
        pointer: at('expires'),
        message: 'expires is 0: window data would be dropped at once',
        fix: 'give a positive duration at least as long as the window, or remove "expires" to keep the data',
      });
    } else if (durationsOk) {
      const length = windowLength(window);
      const needed = Math.max(length, window.grace);
      if (window.expires < needed) {
        const what =
          window.expires < length ? `the window (${length} s)` : `the grace period (${window.grace} s)`;
        context.issues.add({
          code: 'FG4013',
          pointer: at('expires'),
          message: `expires (${window.expires} s) is shorter than ${what}: a window's data would be dropped before the window is complete`,
          fix: `make expires at least ${needed} s`,
        });
      }
    }
  }
  const written = rawEntry(context.document, 'tables', name)?.window as Record<string, unknown>;
  if (window.relativeTo === 'field' && window.field === undefined) {
    context.issues.add({
      code: 'FG4014',
      pointer: at('relativeTo'),
      message: 'relativeTo is "field" but no field is named',
      fix: 'add "field": the value field that holds the event time, e.g. "field": "timestamp"',
    });
  } else if (window.relativeTo !== 'field' && window.field !== undefined) {
    context.issues.add({
      code: 'FG4014',
      pointer: at('field'),
      message: `"field" is given but relativeTo is ${'relativeTo' in written ? JSON.stringify(window.relativeTo) : 'not "field" (it defaults to "stream")'}`,
      fix: 'add "relativeTo": "field", or remove "field"',
    });
  }
}

interface SourceUse {
  readonly topic: string;
  readonly agent: string;
  readonly partitions: number;
  readonly explicit: boolean;
}

/** The topics that feed a table: the topic sources of the agents that use it. */
function sourcesOf(context: CheckContext, table: string, fallback: number): SourceUse[] {
  const uses: SourceUse[] = [];
  for (const [agentName, agent] of Object.entries(context.topology.agents)) {
    if (!agent.tables?.includes(table)) continue;
    for (const name of sourceTopics(agent.source, context.topology.joins)) {
      const topic = context.topology.topics[name];
      if (topic === undefined) continue;
      const explicit = topic.partitions !== undefined;
      if (!explicit && !context.usable(entryPointer('topics', name, 'partitions'))) continue;
      uses.push({ topic: name, agent: agentName, partitions: topic.partitions ?? fallback, explicit });
    }
  }
  return uses;
}

function checkPartitions(context: CheckContext, name: string, table: Loose<TableDef>): void {
  if (table.kind !== 'table' && table.kind !== 'set') return; // global tables hold every partition
  const fallback = defaultPartitions(context);
  const uses = sourcesOf(context, name, fallback.count);
  if (uses.length === 0) return;
  const counts = [...new Set(uses.map((use) => use.partitions))];
  const describeUse = (use: SourceUse) =>
    `${use.topic} (${use.partitions}${use.explicit ? '' : `, from ${fallback.from}`}; agent ${use.agent})`;
  if (counts.length > 1) {
    context.issues.add({
      code: 'FG4006',
      pointer: entryPointer('tables', name),
      at: 'key',
      message: `table ${JSON.stringify(name)} is used by agents whose source topics have different partition counts: ${uses.map(describeUse).join(', ')}`,
      fix: 'give those topics the same partition count, or let the agents of one count use another table',
    });
    return;
  }
  const sourceCount = counts[0]!;
  const tablePointer = entryPointer('tables', name, 'partitions');
  if (table.partitions === undefined && !context.usable(tablePointer)) return;
  const tableCount = table.partitions ?? fallback.count;
  if (tableCount === sourceCount) return;
  const explicit = table.partitions !== undefined;
  context.issues.add({
    code: 'FG4007',
    pointer: explicit ? tablePointer : entryPointer('tables', name),
    at: explicit ? 'value' : 'key',
    message: `table ${JSON.stringify(name)} has ${tableCount} partitions${explicit ? '' : ` (${fallback.from})`} but its source topics have ${sourceCount}: ${uses.map(describeUse).join(', ')}`,
    fix: `${explicit ? 'set' : 'add'} "partitions": ${sourceCount} on the table`,
  });
}

/** A window relative to a field needs that field in the value of every topic that feeds the table. */
function checkWindowField(context: CheckContext, name: string, window: WindowDef): void {
  if (window.relativeTo !== 'field' || window.field === undefined) return;
  const field = window.field;
  for (const use of sourcesOf(context, name, 1)) {
    const valueType = context.topology.topics[use.topic]?.valueType;
    if (valueType === undefined || valueType === 'json') continue;
    const model = context.topology.models[valueType];
    let problem: string | undefined;
    let suggestion: string | undefined;
    if (model === undefined) {
      if (!context.names.models.has(valueType))
        problem = `its values are ${valueType}s, which have no fields`;
    } else if (model.schema !== undefined) {
      const properties = isObject(model.schema.properties) ? model.schema.properties : {};
      const property = properties[field];
      if (property === undefined) {
        problem = `model ${valueType} has no field ${JSON.stringify(field)}`;
        suggestion = didYouMean(field, Object.keys(properties));
      } else if (isObject(property) && typeof property.type === 'string') {
        if (!['number', 'integer', 'string'].includes(property.type)) {
          problem = `field ${JSON.stringify(field)} of model ${valueType} is of type ${JSON.stringify(property.type)}, not a time`;
        }
      }
    }
    if (problem === undefined) continue;
    context.issues.add({
      code: 'FG4015',
      pointer: entryPointer('tables', name, 'window', 'field'),
      message: `the window is relative to field ${JSON.stringify(field)}, but topic ${JSON.stringify(use.topic)} (read by agent ${use.agent}) does not have it: ${problem}`,
      fix: `name a number or date-time text field of the value model${model?.schema !== undefined ? ` (${quoteList(Object.keys(isObject(model.schema.properties) ? model.schema.properties : {}))})` : ''}`,
      suggestion,
    });
  }
}

export function checkTables(context: CheckContext, validators: ModelValidators): void {
  for (const [name, table] of Object.entries(context.topology.tables)) {
    checkDefault(context, name, table, validators);
    if (table.window !== undefined) {
      checkWindow(context, name, table.window);
      checkWindowField(context, name, table.window);
    }
    checkPartitions(context, name, table);
  }
}
