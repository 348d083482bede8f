/**
 * Every name that refers to another entry must name one that is declared: types (models),
 * codecs, topics, channels, agents and tables, each with the closest declared name suggested.
 */
import type { TopologyErrorCode } from '../errors.js';
import { didYouMean } from '../issues.js';
import { joinPointer } from '../json-source.js';
import { isObject } from '../read.js';
import { BUILTIN_CODECS, type NamedSection, PRIMITIVE_TYPES } from '../types.js';
import { type CheckContext, entryPointer } from './context.js';

const KINDS: Readonly<
  Record<'topics' | 'tables' | 'agents' | 'channels' | 'joins', [TopologyErrorCode, string]>
> = {
  topics: ['FG3002', 'topic'],
  tables: ['FG3003', 'table'],
  agents: ['FG3004', 'agent'],
  channels: ['FG3005', 'channel'],
  joins: ['FG3008', 'join'],
};

function checkName(
  context: CheckContext,
  section: keyof typeof KINDS,
  name: string | undefined,
  pointer: string,
  also: readonly string[] = [],
): void {
  if (name === undefined || context.names[section].has(name) || also.includes(name)) return;
  const [code, what] = KINDS[section];
  const declared = [...context.names[section], ...also];
  context.issues.add({
    code,
    pointer,
    message: `there is no ${what} ${JSON.stringify(name)}`,
    fix:
      declared.length === 0
        ? `declare it under "${section}"`
        : `name ${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what} declared under "${section}" (${declared.slice(0, 10).join(', ')}${declared.length > 10 ? ', ...' : ''}), or declare it there`,
    suggestion: didYouMean(name, declared),
  });
}

function checkNames(
  context: CheckContext,
  section: keyof typeof KINDS,
  names: readonly string[] | undefined,
  pointer: string,
  also: readonly string[] = [],
): void {
  for (const [index, name] of (names ?? []).entries())
    checkName(context, section, name, joinPointer(pointer, index), also);
}

/** Table-table joins are tables that jobs may list (they read them). */
function tableJoinNames(context: CheckContext): string[] {
  return Object.values(context.topology.joins)
    .filter((join) => join.type === 'table-table')
    .map((join) => join.name);
}

export function checkTypeRef(context: CheckContext, type: string | undefined, pointer: string): void {
  if (type === undefined || context.names.models.has(type) || PRIMITIVE_TYPES.includes(type as never)) return;
  const candidates = [...PRIMITIVE_TYPES, ...context.names.models];
  context.issues.add({
    code: 'FG3001',
    pointer,
    message: `${JSON.stringify(type)} is neither a model nor one of ${PRIMITIVE_TYPES.map((name) => `'${name}'`).join(', ')}`,
    fix: 'name a model declared under "models", or a primitive type',
    suggestion: didYouMean(type, candidates),
  });
}

export function checkCodec(context: CheckContext, codec: string | undefined, pointer: string): void {
  if (codec === undefined) return;
  const known = [...BUILTIN_CODECS, ...context.names.codecs];
  for (const part of codec.split('|')) {
    if (known.includes(part)) continue;
    const inChain = part === codec ? '' : ` (in ${JSON.stringify(codec)})`;
    context.issues.add({
      code: 'FG3006',
      pointer,
      message: `there is no codec ${JSON.stringify(part)}${inChain}`,
      fix: `use ${BUILTIN_CODECS.map((name) => `'${name}'`).join(', ')}, or declare the codec under "codecs" and register it in code`,
      suggestion: didYouMean(part, known),
    });
  }
}

function checkAccess(
  context: CheckContext,
  section: NamedSection,
  name: string,
  entry: { tables?: readonly string[]; sendsTo?: readonly string[] },
): void {
  checkNames(context, 'tables', entry.tables, entryPointer(section, name, 'tables'), tableJoinNames(context));
  checkNames(context, 'topics', entry.sendsTo, entryPointer(section, name, 'sendsTo'));
}

export function checkReferences(context: CheckContext): void {
  const { topology } = context;
  for (const [name, model] of Object.entries(topology.models)) {
    checkCodec(context, model.serializer, entryPointer('models', name, 'serializer'));
  }
  for (const [name, topic] of Object.entries(topology.topics)) {
    checkTypeRef(context, topic.keyType, entryPointer('topics', name, 'keyType'));
    checkTypeRef(context, topic.valueType, entryPointer('topics', name, 'valueType'));
    checkCodec(context, topic.keySerializer, entryPointer('topics', name, 'keySerializer'));
    checkCodec(context, topic.valueSerializer, entryPointer('topics', name, 'valueSerializer'));
  }
  for (const [name, channel] of Object.entries(topology.channels)) {
    checkTypeRef(context, channel.keyType, entryPointer('channels', name, 'keyType'));
    checkTypeRef(context, channel.valueType, entryPointer('channels', name, 'valueType'));
  }
  for (const [name, table] of Object.entries(topology.tables)) {
    checkTypeRef(context, table.keyType, entryPointer('tables', name, 'keyType'));
    checkTypeRef(context, table.valueType, entryPointer('tables', name, 'valueType'));
    checkCodec(context, table.keySerializer, entryPointer('tables', name, 'keySerializer'));
    checkCodec(context, table.valueSerializer, entryPointer('tables', name, 'valueSerializer'));
  }
  for (const [name, join] of Object.entries(topology.joins)) {
    for (const side of ['left', 'right'] as const) {
      const at = join[side];
      if (at === undefined) continue;
      if ('topic' in at) checkName(context, 'topics', at.topic, entryPointer('joins', name, side, 'topic'));
      else checkName(context, 'tables', at.table, entryPointer('joins', name, side, 'table'));
    }
  }
  for (const [name, agent] of Object.entries(topology.agents)) {
    const source = agent.source;
    if (source !== undefined && 'topic' in source) {
      checkName(context, 'topics', source.topic, entryPointer('agents', name, 'source', 'topic'));
    } else if (source !== undefined && 'channel' in source) {
      checkName(context, 'channels', source.channel, entryPointer('agents', name, 'source', 'channel'));
    } else if (source !== undefined) {
      checkName(context, 'joins', source.join, entryPointer('agents', name, 'source', 'join'));
    }
    agent.sinks?.forEach((sink, index) => {
      for (const [kind, section] of [
        ['topic', 'topics'],
        ['agent', 'agents'],
        ['channel', 'channels'],
      ] as const) {
        const target = (sink as Record<string, string | undefined>)[kind];
        checkName(context, section, target, entryPointer('agents', name, 'sinks', index, kind));
      }
    });
    checkAccess(context, 'agents', name, agent);
  }
  for (const section of ['tasks', 'timers', 'crontabs', 'services'] as const) {
    for (const [name, entry] of Object.entries(topology[section])) checkAccess(context, section, name, entry);
  }
  for (const [name, route] of Object.entries(topology.routes)) {
    checkTypeRef(context, route.request, entryPointer('routes', name, 'request'));
    checkTypeRef(context, route.response, entryPointer('routes', name, 'response'));
    checkName(
      context,
      'tables',
      route.tableRoute?.table,
      entryPointer('routes', name, 'tableRoute', 'table'),
    );
    checkName(
      context,
      'topics',
      route.topicRoute?.topic,
      entryPointer('routes', name, 'topicRoute', 'topic'),
    );
    checkAccess(context, 'routes', name, route);
  }
  const settings =
    isObject(context.document) && isObject(context.document.app) ? context.document.app.settings : undefined;
  if (isObject(settings)) {
    for (const setting of ['keySerializer', 'valueSerializer']) {
      const pointer = joinPointer('/app/settings', setting);
      const value = settings[setting];
      if (typeof value === 'string' && context.usable(pointer)) checkCodec(context, value, pointer);
    }
  }
}
