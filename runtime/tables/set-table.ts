/**
 * SetTable and SetGlobalTable: a table whose values are sets, changelogged as Faust does it — as a
 * log of operations, not whole values. The changelog key is `[op, key]` (op 1 = add, 2 = discard,
 * 15 = update) and the value the member (add, discard) or `[added, removed]` (update), all JSON. The
 * local store keeps each key's whole set (a JSON list); replaying the operations from the persisted
 * offset on rebuilds the same sets.
 *
 * With `startManager: true` the table also gets Faust's set manager: an agent reading the topic
 * `<table>-setmanager`, so that any process can change a set by sending an operation
 * (`table.manager.add(key, member)`), which the worker owning the key's partition applies.
 */
import { jsonCodec } from '../channels/codecs/registry.js';
import type { Serde, TypeSpec } from '../channels/serde.js';
import type { Topic, TopicOptions } from '../channels/topic.js';
import type { StoreWriter } from '../stores/types.js';
import { type ChangelogRecord, Collection, type TableHost, type TableKind } from './collection.js';
import { tableSerde } from './table.js';
import type { TableAgentHandler } from './host.js';
import type { TableOptions } from './types.js';

export const SET_ADD = 1;
export const SET_DISCARD = 2;
export const SET_UPDATE = 15;

/** Members by their JSON text (so that equal records are one member). */
type Members<M> = Map<string, M>;

export interface SetTableOptions<KS extends TypeSpec | undefined, MS extends TypeSpec | undefined>
  extends Omit<TableOptions<KS, MS>, 'default' | 'onWindowClose' | 'keyIndex'> {
  /** Run Faust's set manager agent on `<table>-setmanager` (see SetTableManager). */
  startManager?: boolean;
  /** The manager's topic name (default `<table>-setmanager`). */
  managerTopic?: string;
}

export class SetTable<K = unknown, M = unknown>
  extends Collection<Members<M>>
  implements Iterable<[K, Set<M>]>
{
  readonly keySerde: Serde<K>;
  readonly memberSerde: Serde<M>;
  protected override readonly wholeValues = false;
  /** Faust's set manager, when the table was made with startManager. */
  manager: SetTableManager<K, M> | undefined;

  constructor(
    host: TableHost,
    name: string,
    readonly setOptions: SetTableOptions<TypeSpec | undefined, TypeSpec | undefined>,
    kind: TableKind = 'set table',
  ) {
    super(host, name, setOptions as TableOptions, kind);
    this.keySerde = tableSerde<K>(setOptions.keyType, setOptions.keySerializer, 'key');
    this.memberSerde = tableSerde<M>(setOptions.valueType, setOptions.valueSerializer, 'value');
    if (this.keySerde.codec !== jsonCodec || this.memberSerde.codec !== jsonCodec) {
      throw new Error(
        `set table ${name}: keys and members are written as JSON inside [op, key] records; ` +
          `'${this.keySerde.codec.name}'/'${this.memberSerde.codec.name}' cannot be used`,
      );
    }
  }

  /** The members of a key's set (a copy; empty when the table does not have the key). */
  get(key: K): Set<M> {
    return new Set(this.members(this.serializeKey(key))?.values());
  }

  /** Whether the key has a set, or (with a member) whether its set has the member. */
  has(key: K, ...member: [M] | []): boolean {
    const members = this.members(this.serializeKey(key));
    if (member.length === 0) return members !== undefined && members.size > 0;
    return members?.has(this.memberId(member[0])) ?? false;
  }

  add(key: K, member: M): this {
    return this.change(key, [member], [], SET_ADD);
  }

  discard(key: K, member: M): this {
    return this.change(key, [], [member], SET_DISCARD);
  }

  /** Adds and removes members in one changelog record (Faust's update operation). */
  update(key: K, changes: { add?: Iterable<M>; remove?: Iterable<M> }): this {
    return this.change(key, [...(changes.add ?? [])], [...(changes.remove ?? [])], SET_UPDATE);
  }

  /** Removes every member of a key's set. */
  clear(key: K): this {
    return this.change(key, [], [...this.get(key)], SET_UPDATE);
  }

  *entries(): IterableIterator<[K, Set<M>]> {
    for (const { key, value } of this.localEntries()) {
      if (value.size > 0) yield [this.keySerde.deserialize(key), new Set(value.values())];
    }
  }

  *keys(): IterableIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  [Symbol.iterator](): IterableIterator<[K, Set<M>]> {
    return this.entries();
  }

  get size(): number {
    let n = 0;
    for (const _ of this.entries()) n++;
    return n;
  }

  protected changelogKeyBytes(key: unknown): Buffer {
    return this.serializeKey(key as K);
  }

  private serializeKey(key: K): Buffer {
    const bytes = this.keySerde.serialize(key);
    if (bytes === null) throw new Error(`set table ${this.name}: a key cannot be null or undefined`);
    return bytes;
  }

  private memberBytes(member: M): Buffer {
    const bytes = this.memberSerde.serialize(member);
    if (bytes === null) throw new Error(`set table ${this.name}: a member cannot be null or undefined`);
    return bytes;
  }

  /** A member's identity in a set: its JSON text. */
  memberId(member: M): string {
    return this.memberBytes(member).toString('utf8');
  }

  private members(key: Buffer): Members<M> | undefined {
    return this.readValue(key);
  }

  private change(key: K, added: M[], removed: M[], op: number): this {
    const storeKey = this.serializeKey(key);
    const next: Members<M> = new Map(this.members(storeKey));
    for (const member of added) next.set(this.memberId(member), member);
    for (const member of removed) next.delete(this.memberId(member));
    const list = (members: M[]) =>
      Buffer.concat([Buffer.from('['), ...join(members.map((m) => this.memberBytes(m))), Buffer.from(']')]);
    const value =
      op === SET_UPDATE
        ? Buffer.concat([Buffer.from('['), list(added), Buffer.from(','), list(removed), Buffer.from(']')])
        : this.memberBytes((added[0] ?? removed[0]) as M);
    const recordKey = Buffer.concat([Buffer.from(`[${op},`), storeKey, Buffer.from(']')]);
    this.writeValue(storeKey, next, { key: recordKey, value }, op === SET_ADD ? 'add()' : 'a set change');
    return this;
  }

  // ---- changelog ------------------------------------------------------------------------------

  protected decodeStored(bytes: Buffer): Members<M> {
    const members: Members<M> = new Map();
    for (const item of jsonList(bytes, this.name)) {
      const memberBytes = jsonCodec.encode(item);
      members.set(memberBytes.toString('utf8'), this.memberSerde.deserialize(memberBytes));
    }
    return members;
  }

  protected applyRecord(writer: StoreWriter, partition: number, record: ChangelogRecord): Buffer {
    const [op, key] = this.parseRecordKey(record.key);
    const storeKey = jsonCodec.encode(key);
    const current = writer.get(partition, storeKey);
    const members = new Map<string, unknown>();
    if (current) for (const item of jsonList(current, this.name)) members.set(jsonText(item), item);
    const value = record.value === null ? null : jsonCodec.decode(record.value);
    if (op === SET_ADD) members.set(jsonText(value), value);
    else if (op === SET_DISCARD) members.delete(jsonText(value));
    else if (op === SET_UPDATE && Array.isArray(value) && value.length === 2) {
      const [added, removed] = value as [unknown[], unknown[]];
      for (const item of added) members.set(jsonText(item), item);
      for (const item of removed) members.delete(jsonText(item));
    } else {
      throw new Error(
        `set table ${this.name}: changelog operation ${op} with value ${record.value?.toString('utf8')} ` +
          'is not one of add (1), discard (2), update (15)',
      );
    }
    if (members.size === 0) writer.delete(partition, storeKey);
    else writer.put(partition, storeKey, jsonCodec.encode([...members.values()]));
    return storeKey;
  }

  protected decodeChangelog(record: ChangelogRecord): { key: unknown; value: unknown } {
    const [op, key] = this.parseRecordKey(record.key);
    const value = record.value === null ? null : jsonCodec.decode(record.value);
    return { key: this.keySerde.deserialize(jsonCodec.encode(key)), value: { op, value } };
  }

  private parseRecordKey(bytes: Buffer): [number, unknown] {
    const parsed = jsonCodec.decode(bytes);
    if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'number') {
      throw new Error(
        `set table ${this.name}: changelog key ${bytes.toString('utf8')} is not [operation, key]`,
      );
    }
    return [parsed[0], parsed[1]];
  }
}

/** A set table every worker holds whole (see GlobalTable). */
export class SetGlobalTable<K = unknown, M = unknown> extends SetTable<K, M> {
  constructor(
    host: TableHost,
    name: string,
    options: SetTableOptions<TypeSpec | undefined, TypeSpec | undefined>,
  ) {
    super(host, name, options, 'global set table');
  }
}

/** Faust's SetAction: what a SetManagerOperation does to a key's set. */
export type SetAction = 'ADD' | 'DISCARD' | 'CLEAR' | 'INTERSECTION' | 'SYMDIFF';

/** Faust's SetManagerOperation record, as it travels on `<table>-setmanager`. */
export interface SetManagerOperation {
  action: SetAction;
  members: unknown[];
}

/** What the set manager needs of the app. */
export interface SetManagerHost {
  topic(name: string, options: TopicOptions): Topic<unknown, unknown>;
  agent(source: Topic<unknown, unknown>, options: { name: string }, handler: TableAgentHandler): unknown;
}

/**
 * Faust's SetTableManager: sends set operations to `<table>-setmanager`, where the agent
 * `SetTable.manager.<table>` applies them on the worker owning the key's partition. Methods can be
 * called from anywhere (web views, other processes), unlike the table's own add/discard.
 */
export class SetTableManager<K, M> {
  readonly topic: Topic<unknown, unknown>;

  constructor(
    host: SetManagerHost,
    private readonly table: SetTable<K, M>,
    topicName: string,
  ) {
    this.topic = host.topic(topicName, {
      keyType: table.setOptions.keyType,
      valueType: 'json',
      partitions: table.partitions,
    });
    host.agent(this.topic, { name: `SetTable.manager.${table.name}` }, async (stream) => {
      for await (const [key, operation] of stream.items()) this.apply(key as K, operation);
    });
  }

  add(key: K, member: M): Promise<void> {
    return this.send('ADD', key, [member]);
  }

  discard(key: K, member: M): Promise<void> {
    return this.send('DISCARD', key, [member]);
  }

  clear(key: K): Promise<void> {
    return this.send('CLEAR', key, []);
  }

  differenceUpdate(key: K, members: Iterable<M>): Promise<void> {
    return this.send('DISCARD', key, [...members]);
  }

  intersectionUpdate(key: K, members: Iterable<M>): Promise<void> {
    return this.send('INTERSECTION', key, [...members]);
  }

  symmetricDifferenceUpdate(key: K, members: Iterable<M>): Promise<void> {
    return this.send('SYMDIFF', key, [...members]);
  }

  private async send(action: SetAction, key: K, members: M[]): Promise<void> {
    const representation = members.map((member) =>
      jsonCodec.decode(this.table.memberSerde.serialize(member) as Buffer),
    );
    await this.topic.send({
      key,
      value: { action, members: representation, __faust: { ns: '@SetManagerOperation' } },
    });
  }

  /** Applies an operation (inside the manager agent's stream). */
  private apply(key: K, operation: unknown): void {
    const { action, members: raw } = (operation ?? {}) as Partial<SetManagerOperation>;
    if (!Array.isArray(raw))
      throw new Error(`set manager of ${this.table.name}: an operation without members`);
    const members = raw.map((item) => this.table.memberSerde.deserialize(jsonCodec.encode(item)));
    const table = this.table;
    switch (action) {
      case 'ADD':
        table.update(key, { add: members });
        return;
      case 'DISCARD':
        table.update(key, { remove: members });
        return;
      case 'CLEAR':
        table.clear(key);
        return;
      case 'INTERSECTION': {
        const keep = new Set(members.map((m) => table.memberId(m)));
        table.update(key, { remove: [...table.get(key)].filter((m) => !keep.has(table.memberId(m))) });
        return;
      }
      case 'SYMDIFF': {
        const current = new Set([...table.get(key)].map((m) => table.memberId(m)));
        table.update(key, {
          add: members.filter((m) => !current.has(table.memberId(m))),
          remove: members.filter((m) => current.has(table.memberId(m))),
        });
        return;
      }
      default:
        throw new Error(`set manager of ${table.name}: unknown set operation ${String(action)}`);
    }
  }
}

function* join(parts: Buffer[]): Generator<Buffer> {
  for (const [i, part] of parts.entries()) {
    if (i > 0) yield Buffer.from(',');
    yield part;
  }
}

function jsonText(value: unknown): string {
  return jsonCodec.encode(value).toString('utf8');
}

function jsonList(bytes: Buffer, table: string): unknown[] {
  const parsed = jsonCodec.decode(bytes);
  if (!Array.isArray(parsed)) throw new Error(`set table ${table}: a stored set is not a JSON list`);
  return parsed;
}
