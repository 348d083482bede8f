/**
 * Table-table join: a derived table whose value of a key is both tables' values of it, changed in
 * the event that changes either side (Kafka Streams' KTable-KTable join, materialized). Inner keeps
 * a key while both sides have it, left while the left has it, outer while either has it; when the
 * kind no longer keeps a key, the derived table deletes it (a tombstone). Both tables' keys must be
 * typed alike and co-partitioned; values must be written as JSON (the tables' default).
 *
 * The derived table is a table of its own (changelog `<appId>-<name>-changelog`, recovered like
 * any): a value is `{"left": <left value>, "right": <right value>}` with each side as its table
 * writes it, so models come back as models after a restart.
 */
import type { Serde } from '../../channels/serde.js';
import { Table } from '../table.js';
import { checkCopartitioned, checkKeyTypes } from './copartition.js';
import type { JoinHost } from './host.js';
import type { JoinKind, TableJoined, TableJoinOptions } from './types.js';

const KINDS: readonly JoinKind[] = ['inner', 'left', 'outer'];

export function tableJoin<K, L, R, J extends JoinKind>(
  host: JoinHost,
  name: string,
  left: Table<K, L, unknown>,
  right: Table<K, R, unknown>,
  options: TableJoinOptions<J>,
): Table<K, TableJoined<L, R, J>> {
  const what = `${name} (table ${left.name} with table ${right.name})`;
  if (!KINDS.includes(options.kind)) {
    throw new Error(
      `join ${what}: kind must be 'inner', 'left' or 'outer', got ${JSON.stringify(options.kind)}`,
    );
  }
  for (const side of [left, right]) {
    if (side.kind !== 'table') {
      throw new Error(
        `join ${what}: table ${side.name} is a ${side.kind}; table-table joins join plain tables`,
      );
    }
    if (!side.valueSerde.codec.name.startsWith('json')) {
      throw new Error(
        `join ${what}: table ${side.name} writes values as ${side.valueSerde.describe()}; a joined table ` +
          'holds both values as JSON: give it a JSON value serializer (the default)',
      );
    }
  }
  checkKeyTypes(
    what,
    { what: `table ${left.name}`, keyType: left.options.keyType },
    { what: `table ${right.name}`, keyType: right.options.keyType },
  );
  if ((left.options.keySerializer ?? 'json') !== (right.options.keySerializer ?? 'json')) {
    throw new Error(
      `join ${what}: table ${left.name} writes keys as ${left.keySerde.describe()} but table ${right.name} ` +
        `as ${right.keySerde.describe()}; give both the same key serializer`,
    );
  }
  const joined = new Table<K, TableJoined<L, R, J>>(
    host.tables,
    name,
    {
      keyType: left.options.keyType,
      keySerializer: left.options.keySerializer,
      partitions: left.partitions,
      store: options.store,
      help: options.help ?? `${options.kind} join of ${left.name} and ${right.name}`,
    },
    'table',
    pairSerde(left.valueSerde, right.valueSerde) as Serde<TableJoined<L, R, J>>,
  );
  host.tables.register(joined);
  const keeps = keepRule(options.kind);
  const refresh = (key: Buffer): void => {
    const l = left.getRaw(key);
    const r = right.getRaw(key);
    if (!keeps(l !== undefined, r !== undefined)) {
      if (joined.getRaw(key) !== undefined) joined.deleteRaw(key);
      return;
    }
    const value: { left?: L; right?: R } = {};
    if (l !== undefined) value.left = l;
    if (r !== undefined) value.right = r;
    joined.setRaw(key, value as TableJoined<L, R, J>);
  };
  left.onLocalChange(refresh);
  right.onLocalChange(refresh);
  host.addStartCheck(what, async () => {
    checkCopartitioned(what, [
      { what: `table ${left.name}'s changelog`, partitions: left.partitions },
      { what: `table ${right.name}'s changelog`, partitions: right.partitions },
      { what: `the joined table's changelog`, partitions: joined.partitions },
    ]);
  });
  return joined;
}

function keepRule(kind: JoinKind): (hasLeft: boolean, hasRight: boolean) => boolean {
  if (kind === 'inner') return (l, r) => l && r;
  if (kind === 'left') return (l) => l;
  return (l, r) => l || r;
}

/** `{"left": <left bytes>, "right": <right bytes>}`: each side as its own serde writes and reads it. */
function pairSerde<L, R>(left: Serde<L>, right: Serde<R>): Serde<{ left?: L; right?: R }> {
  return {
    role: 'value',
    type: undefined,
    codec: left.codec,
    model: undefined,
    describe: () => `{ left: ${left.describe()}, right: ${right.describe()} } (json)`,
    serialize(value) {
      if (value === null || value === undefined) return null;
      const parts: Buffer[] = [];
      const l = value.left === undefined ? null : left.serialize(value.left);
      const r = value.right === undefined ? null : right.serialize(value.right);
      if (l) parts.push(Buffer.from('"left":'), l);
      if (r) parts.push(Buffer.from(l ? ',"right":' : '"right":'), r);
      return Buffer.concat([Buffer.from('{'), ...parts, Buffer.from('}')]);
    },
    deserialize(data) {
      const out: { left?: L; right?: R } = {};
      if (data === null) return out;
      const parsed = JSON.parse(data.toString('utf8')) as { left?: unknown; right?: unknown };
      if (parsed.left !== undefined) out.left = left.deserialize(Buffer.from(JSON.stringify(parsed.left)));
      if (parsed.right !== undefined)
        out.right = right.deserialize(Buffer.from(JSON.stringify(parsed.right)));
      return out;
    },
  };
}
