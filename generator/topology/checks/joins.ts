/**
 * Joins: sides that make a join (a topic with a table, two tables, two topics), tables that can be
 * joined, the kind and window each join type allows, and co-partitioning: equal key types and
 * partition counts on both sides, as the runtime checks them when the join is declared and when
 * the worker starts (runtime/tables/joins/copartition.ts).
 */
import { rawEntry, type LooseJoin } from '../read.js';
import type { JoinSide } from '../types.js';
import { type CheckContext, entryPointer } from './context.js';
import { defaultPartitions } from './tables.js';

const sideText = (side: JoinSide) => ('topic' in side ? `topic ${side.topic}` : `table ${side.table}`);

function checkSides(context: CheckContext, name: string, join: LooseJoin): void {
  const { left, right } = join;
  if (left === undefined || right === undefined) return;
  if (join.type === undefined) {
    context.issues.add({
      code: 'FG4035',
      pointer: entryPointer('joins', name, 'left'),
      message: `the left side is ${sideText(left)} and the right side ${sideText(right)}: a stream-table join has the topic on the left`,
      fix: 'swap "left" and "right"',
    });
    return;
  }
  if (sideText(left) === sideText(right)) {
    context.issues.add({
      code: 'FG4035',
      pointer: entryPointer('joins', name, 'right'),
      message: `both sides are ${sideText(left)}: a join joins two different ${'topic' in left ? 'topics' : 'tables'}`,
      fix: `name another ${'topic' in left ? 'topic' : 'table'} on one side`,
    });
  }
}

function checkJoinableTables(context: CheckContext, name: string, join: LooseJoin): void {
  for (const side of ['left', 'right'] as const) {
    const at = join[side];
    if (at === undefined || !('table' in at)) continue;
    const table = context.topology.tables[at.table];
    if (table === undefined) continue;
    let problem: string | undefined;
    let fix = 'join a plain table (kind "table")';
    if (table.kind === 'set' || table.kind === 'setGlobal') {
      problem = `it is a ${table.kind} table, whose values are sets`;
    } else if (table.window !== undefined) {
      problem = 'it is windowed: a key has one value per window, not one value';
      fix = 'join a table without "window"';
    } else if (join.type === 'table-table' && table.kind === 'global') {
      problem = 'it is a global table, and the derived table of a table-table join is written per partition';
    } else if (join.type === 'table-table' && table.valueSerializer?.startsWith('json') === false) {
      problem = `it writes values as ${JSON.stringify(table.valueSerializer)}, and a table-table join holds both sides' values as JSON`;
      fix = 'remove its "valueSerializer" (JSON is the default), or give it a json one';
    }
    if (problem === undefined) continue;
    context.issues.add({
      code: 'FG4036',
      pointer: entryPointer('joins', name, side, 'table'),
      message: `table ${JSON.stringify(at.table)} cannot be joined: ${problem}`,
      fix,
    });
  }
}

function checkKind(context: CheckContext, name: string, join: LooseJoin): void {
  if (join.type !== 'stream-table' || join.kind !== 'outer') return;
  context.issues.add({
    code: 'FG4037',
    pointer: entryPointer('joins', name, 'kind'),
    message:
      'a stream-table join cannot be outer: a table change emits nothing, so no result could come for a key the topic never sends',
    fix: 'use "inner" (events whose key the table has) or "left" (every event); for results on either side, join two tables',
  });
}

interface SideKeys {
  readonly keyType: string;
  readonly keySerializer: string | undefined;
}

/** A side's key type, with the default of its kind: a topic's keys are raw bytes, a table's JSON. */
function keysOf(context: CheckContext, side: JoinSide): SideKeys | undefined {
  const pointer =
    'topic' in side
      ? entryPointer('topics', side.topic, 'keyType')
      : entryPointer('tables', side.table, 'keyType');
  if (!context.usable(pointer)) return undefined;
  const entry = 'topic' in side ? context.topology.topics[side.topic] : context.topology.tables[side.table];
  if (entry === undefined) return undefined;
  const keyType = entry.keyType ?? ('topic' in side ? 'bytes' : 'json');
  return { keyType, keySerializer: entry.keySerializer };
}

function describeKeys(context: CheckContext, side: JoinSide, keys: SideKeys): string {
  const entry = 'topic' in side ? context.topology.topics[side.topic] : context.topology.tables[side.table];
  return `${JSON.stringify(keys.keyType)}${entry?.keyType === undefined ? ' (no keyType)' : ''}`;
}

function checkKeys(context: CheckContext, name: string, join: LooseJoin): void {
  if (join.left === undefined || join.right === undefined || join.type === undefined) return;
  const left = keysOf(context, join.left);
  const right = keysOf(context, join.right);
  if (left === undefined || right === undefined) return;
  const pointer = entryPointer('joins', name, 'right');
  if (left.keyType !== right.keyType) {
    context.issues.add({
      code: 'FG4038',
      pointer,
      message: `${sideText(join.left)} has keys of type ${describeKeys(context, join.left, left)} but ${sideText(join.right)} of type ${describeKeys(context, join.right, right)}: equal keys would never meet`,
      fix: `give both sides the same keyType, or re-key one side first (an agent that sends to a topic keyed by ${JSON.stringify(left.keyType)})`,
    });
    return;
  }
  const written = (keys: SideKeys) => keys.keySerializer ?? 'json';
  if (join.type === 'table-table' && written(left) !== written(right)) {
    context.issues.add({
      code: 'FG4038',
      pointer,
      message: `${sideText(join.left)} writes keys as ${JSON.stringify(written(left))} but ${sideText(join.right)} as ${JSON.stringify(written(right))}: the derived table could not hold both`,
      fix: 'give both tables the same keySerializer',
    });
  }
}

function checkPartitions(context: CheckContext, name: string, join: LooseJoin): void {
  if (join.left === undefined || join.right === undefined || join.type === undefined) return;
  const fallback = defaultPartitions(context);
  const counts: string[] = [];
  const values = new Set<number>();
  for (const side of [join.left, join.right]) {
    const [section, target] =
      'topic' in side ? (['topics', side.topic] as const) : (['tables', side.table] as const);
    const entry = context.topology[section][target];
    if (entry === undefined) return;
    if (section === 'tables' && (entry as { kind?: string }).kind === 'global') continue;
    if (entry.partitions === undefined && !context.usable(entryPointer(section, target, 'partitions')))
      return;
    const count = entry.partitions ?? fallback.count;
    values.add(count);
    counts.push(
      `${sideText(side)} has ${count}${entry.partitions === undefined ? ` (${fallback.from})` : ''}`,
    );
  }
  if (values.size <= 1) return;
  context.issues.add({
    code: 'FG4039',
    pointer: entryPointer('joins', name),
    at: 'key',
    message: `the sides are not co-partitioned: ${counts.join(', ')} partitions; a key must be in the same partition on both sides`,
    fix: `give both sides the same "partitions"${join.type === 'stream-table' ? ', or join a global table' : ''}`,
  });
}

function checkWindow(context: CheckContext, name: string, join: LooseJoin): void {
  const written = rawEntry(context.document, 'joins', name);
  if (written === undefined || join.type === undefined) return;
  if (join.type === 'windowed' && !('window' in written)) {
    context.issues.add({
      code: 'FG4040',
      pointer: entryPointer('joins', name),
      at: 'key',
      message: `a join of two topics (${sideText(join.left!)} with ${sideText(join.right!)}) needs a window: how far apart in time two events may be and still join`,
      fix: 'add "window": { "within": "1m", "grace": "10s" } with your own durations',
    });
  } else if (join.type !== 'windowed' && 'window' in written) {
    context.issues.add({
      code: 'FG4041',
      pointer: entryPointer('joins', name, 'window'),
      message: `a ${join.type} join has no window: only joins of two topics are windowed`,
      fix: `remove "window"${join.type === 'stream-table' ? ' (the table is read as it is when each event comes)' : ''}`,
    });
  }
}

function checkAgentSources(context: CheckContext): void {
  const windowedReaders = new Map<string, string>();
  for (const [name, agent] of Object.entries(context.topology.agents)) {
    if (agent.source === undefined || !('join' in agent.source)) continue;
    const join = context.topology.joins[agent.source.join];
    if (join?.type === 'windowed') {
      const first = windowedReaders.get(join.name);
      if (first === undefined) {
        windowedReaders.set(join.name, name);
        continue;
      }
      context.issues.add({
        code: 'FG4043',
        pointer: entryPointer('agents', name, 'source', 'join'),
        message: `agent ${JSON.stringify(first)} reads the windowed join ${JSON.stringify(join.name)} already: a second reader would buffer its events again and pair each twice`,
        fix: `read it in ${JSON.stringify(first)} only, and send its results on to this agent (a sink to a topic or channel it reads)`,
      });
      continue;
    }
    if (join?.type !== 'table-table') continue;
    context.issues.add({
      code: 'FG4042',
      pointer: entryPointer('agents', name, 'source', 'join'),
      message: `join ${JSON.stringify(join.name)} joins two tables: it is a table, not a stream an agent can read`,
      fix: `list ${JSON.stringify(join.name)} under the agent's "tables" to read it, and read a topic`,
    });
  }
}

export function checkJoins(context: CheckContext): void {
  for (const [name, join] of Object.entries(context.topology.joins)) {
    checkSides(context, name, join);
    checkJoinableTables(context, name, join);
    checkKind(context, name, join);
    checkKeys(context, name, join);
    checkPartitions(context, name, join);
    checkWindow(context, name, join);
  }
  checkAgentSources(context);
}
