/**
 * Reads the parsed JSON into the typed topology. The same reader serves the checks that run after
 * the schema: given `usable`, which is false for a place that has a schema error at or below it,
 * it leaves out whatever it cannot trust (a field of the wrong type, a window with an error inside),
 * so each later check sees only well-formed data and an error is never reported twice over.
 * For a valid file every place is usable and the result is the complete Topology.
 */
import { durationSeconds } from './durations.js';
import { joinPointer } from './json-source.js';
import type {
  AgentDef,
  AgentSource,
  AppDef,
  ChannelDef,
  CodecDef,
  CrontabDef,
  HttpMethod,
  JoinDef,
  JoinKind,
  JoinSide,
  JsonSchemaObject,
  JsonValue,
  ModelDef,
  NamedSection,
  ParamType,
  RouteDef,
  ServiceDef,
  SinkRef,
  TableDef,
  TableKind,
  TaskDef,
  TimerDef,
  TopicDef,
  Topology,
  WindowDef,
  WindowRelativeTo,
} from './types.js';
import { joinType } from './types.js';

/** A topology entry as far as it could be read: any field may be missing. */
export type Loose<T> = { -readonly [K in keyof T]?: T[K] } & { name: string };

export interface LooseTopology {
  app: Loose<AppDef> | undefined;
  models: Record<string, Loose<ModelDef>>;
  codecs: Record<string, Loose<CodecDef>>;
  topics: Record<string, Loose<TopicDef>>;
  channels: Record<string, Loose<ChannelDef>>;
  tables: Record<string, Loose<TableDef>>;
  joins: Record<string, LooseJoin>;
  agents: Record<string, Loose<AgentDef>>;
  tasks: Record<string, Loose<TaskDef>>;
  timers: Record<string, Loose<TimerDef>>;
  crontabs: Record<string, Loose<CrontabDef>>;
  services: Record<string, Loose<ServiceDef>>;
  routes: Record<string, Loose<RouteDef>>;
}

/**
 * A join as far as it could be read. `type` is there when both sides are; a table on the left of
 * a topic has no type (checks/joins.ts reports it).
 */
export interface LooseJoin {
  name: string;
  description?: string;
  kind?: JoinKind;
  type?: JoinDef['type'];
  left?: JoinSide;
  right?: JoinSide;
  window?: { within?: number; grace?: number };
}

type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An entry as written, when it is an object. */
export function rawEntry(raw: unknown, section: NamedSection, name: string): Json | undefined {
  const value = isObject(raw) ? raw[section] : undefined;
  const entry = isObject(value) && Object.hasOwn(value, name) ? value[name] : undefined;
  return isObject(entry) ? entry : undefined;
}

/** Every entry name in a section, whatever its value (references resolve against these). */
export function sectionNames(raw: unknown, section: NamedSection): string[] {
  const value = isObject(raw) ? raw[section] : undefined;
  return isObject(value) ? Object.keys(value) : [];
}

class Reader {
  constructor(private readonly usable: (pointer: string) => boolean) {}

  ok(pointer: string): boolean {
    return this.usable(pointer);
  }

  string(object: Json, key: string, pointer: string): string | undefined {
    const value = object[key];
    return typeof value === 'string' && this.usable(joinPointer(pointer, key)) ? value : undefined;
  }

  number(object: Json, key: string, pointer: string): number | undefined {
    const value = object[key];
    return typeof value === 'number' && this.usable(joinPointer(pointer, key)) ? value : undefined;
  }

  boolean(object: Json, key: string, pointer: string): boolean | undefined {
    const value = object[key];
    return typeof value === 'boolean' && this.usable(joinPointer(pointer, key)) ? value : undefined;
  }

  duration(object: Json, key: string, pointer: string): number | undefined {
    const value = object[key];
    if ((typeof value !== 'number' && typeof value !== 'string') || !this.usable(joinPointer(pointer, key))) {
      return undefined;
    }
    return durationSeconds(value);
  }

  /** A list of names; its items are read even when one is repeated. */
  names(object: Json, key: string, pointer: string): string[] | undefined {
    const value = object[key];
    if (!Array.isArray(value)) return value === undefined ? [] : undefined;
    const itemsOk = value.every(
      (item, index) => typeof item === 'string' && this.usable(joinPointer(pointer, key, index)),
    );
    return itemsOk ? (value as string[]) : undefined;
  }

  /** An object whose every place is usable (a nested record is trusted whole or not at all). */
  whole(object: Json, key: string, pointer: string): Json | undefined {
    const value = object[key];
    return isObject(value) && this.usable(joinPointer(pointer, key)) ? value : undefined;
  }
}

function entries(raw: unknown, section: NamedSection): [string, Json, string][] {
  const value = isObject(raw) ? raw[section] : undefined;
  if (!isObject(value)) return [];
  const result: [string, Json, string][] = [];
  for (const [name, entry] of Object.entries(value)) {
    if (isObject(entry)) result.push([name, entry, joinPointer('', section, name)]);
  }
  return result;
}

function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}

function readSection<T>(
  raw: unknown,
  section: NamedSection,
  read: (name: string, entry: Json, pointer: string) => Loose<T>,
): Record<string, Loose<T>> {
  const result: Record<string, Loose<T>> = {};
  for (const [name, entry, pointer] of entries(raw, section)) {
    Object.defineProperty(result, name, {
      value: compact(read(name, entry, pointer)),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}

/** The `$ref`s of a schema that name a model (not local `#...` references), sorted. */
export function modelReferences(schema: unknown): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        if (key === '$ref' && typeof child === 'string' && !child.startsWith('#')) found.add(child);
        else visit(child);
      }
    }
  };
  visit(schema);
  return [...found].sort();
}

function readWindow(window: Json): WindowDef | undefined {
  const seconds = (key: string) => {
    const value = window[key];
    return typeof value === 'number' || typeof value === 'string' ? durationSeconds(value) : undefined;
  };
  const common = {
    expires: seconds('expires'),
    grace: seconds('grace') ?? 0,
    relativeTo: (window.relativeTo as WindowRelativeTo | undefined) ?? 'stream',
    field: window.field as string | undefined,
  };
  switch (window.type) {
    case 'tumbling':
      return compact({ type: 'tumbling' as const, size: seconds('size')!, ...common });
    case 'hopping':
      return compact({ type: 'hopping' as const, size: seconds('size')!, step: seconds('step')!, ...common });
    case 'sliding':
      return compact({
        type: 'sliding' as const,
        before: seconds('before')!,
        after: seconds('after')!,
        ...common,
      });
    default:
      return undefined;
  }
}

function readParams(reader: Reader, entry: Json, key: string, pointer: string): Record<string, ParamType> {
  const value = reader.whole(entry, key, pointer);
  return value === undefined ? {} : { ...(value as Record<string, ParamType>) };
}

/** Path parameter names in the order the path has them. */
export function pathPlaceholders(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!);
}

function jobAccess(reader: Reader, entry: Json, pointer: string) {
  return { tables: reader.names(entry, 'tables', pointer), sendsTo: reader.names(entry, 'sendsTo', pointer) };
}

export function readTopology(raw: unknown, usable: (pointer: string) => boolean): LooseTopology {
  const reader = new Reader(usable);
  const root: Json = isObject(raw) ? raw : {};
  const app = isObject(root.app) ? root.app : undefined;

  return {
    app:
      app === undefined
        ? undefined
        : compact({
            name: reader.string(app, 'id', '/app') ?? '',
            id: reader.string(app, 'id', '/app'),
            version: reader.number(app, 'version', '/app') ?? (app.version === undefined ? 1 : undefined),
            description: reader.string(app, 'description', '/app'),
            settings: isObject(app.settings)
              ? { ...app.settings }
              : app.settings === undefined
                ? {}
                : undefined,
          }),
    models: readSection<ModelDef>(raw, 'models', (name, entry, pointer) => {
      const schema = isObject(entry.schema) ? (entry.schema as JsonSchemaObject) : undefined;
      return {
        name,
        namespace:
          reader.string(entry, 'namespace', pointer) ?? (entry.namespace === undefined ? name : undefined),
        aliases: reader.names(entry, 'aliases', pointer),
        includeMetadata:
          reader.boolean(entry, 'includeMetadata', pointer) ??
          (entry.includeMetadata === undefined ? true : undefined),
        serializer: reader.string(entry, 'serializer', pointer),
        description: reader.string(entry, 'description', pointer),
        schema,
        references: schema === undefined ? undefined : modelReferences(schema),
      };
    }),
    codecs: readSection<CodecDef>(raw, 'codecs', (name, entry, pointer) => ({
      name,
      description: reader.string(entry, 'description', pointer),
    })),
    topics: readSection<TopicDef>(raw, 'topics', (name, entry, pointer) => ({
      name,
      description: reader.string(entry, 'description', pointer),
      keyType: reader.string(entry, 'keyType', pointer),
      valueType: reader.string(entry, 'valueType', pointer),
      keySerializer: reader.string(entry, 'keySerializer', pointer),
      valueSerializer: reader.string(entry, 'valueSerializer', pointer),
      partitions: reader.number(entry, 'partitions', pointer),
      replicas: reader.number(entry, 'replicas', pointer),
      retention: reader.duration(entry, 'retention', pointer),
      compacting: reader.boolean(entry, 'compacting', pointer),
      deleting: reader.boolean(entry, 'deleting', pointer),
      internal:
        reader.boolean(entry, 'internal', pointer) ?? (entry.internal === undefined ? false : undefined),
      deadLetter: reader.boolean(entry, 'deadLetter', pointer),
      config: (reader.whole(entry, 'config', pointer) ?? (entry.config === undefined ? {} : undefined)) as
        | Record<string, string>
        | undefined,
    })),
    channels: readSection<ChannelDef>(raw, 'channels', (name, entry, pointer) => ({
      name,
      description: reader.string(entry, 'description', pointer),
      keyType: reader.string(entry, 'keyType', pointer),
      valueType: reader.string(entry, 'valueType', pointer),
      maxsize: reader.number(entry, 'maxsize', pointer),
    })),
    tables: readSection<TableDef>(raw, 'tables', (name, entry, pointer) => {
      const window = reader.whole(entry, 'window', pointer);
      return {
        name,
        description: reader.string(entry, 'description', pointer),
        kind: (reader.string(entry, 'kind', pointer) ?? (entry.kind === undefined ? 'table' : undefined)) as
          | TableKind
          | undefined,
        keyType: reader.string(entry, 'keyType', pointer),
        valueType: reader.string(entry, 'valueType', pointer),
        keySerializer: reader.string(entry, 'keySerializer', pointer),
        valueSerializer: reader.string(entry, 'valueSerializer', pointer),
        default: reader.ok(joinPointer(pointer, 'default'))
          ? (entry.default as JsonValue | undefined)
          : undefined,
        partitions: reader.number(entry, 'partitions', pointer),
        window: window === undefined ? undefined : readWindow(window),
        keyIndex:
          reader.boolean(entry, 'keyIndex', pointer) ?? (entry.keyIndex === undefined ? false : undefined),
      };
    }),
    joins: readSection<LooseJoin>(raw, 'joins', (name, entry, pointer) => {
      const left = reader.whole(entry, 'left', pointer) as JoinSide | undefined;
      const right = reader.whole(entry, 'right', pointer) as JoinSide | undefined;
      const window = reader.whole(entry, 'window', pointer);
      return {
        name,
        description: reader.string(entry, 'description', pointer),
        kind: reader.string(entry, 'kind', pointer) as JoinKind | undefined,
        type: left !== undefined && right !== undefined ? joinType(left, right) : undefined,
        left: left === undefined ? undefined : { ...left },
        right: right === undefined ? undefined : { ...right },
        window:
          window === undefined
            ? undefined
            : compact({
                within: reader.duration(window, 'within', joinPointer(pointer, 'window')),
                grace: reader.duration(window, 'grace', joinPointer(pointer, 'window')) ?? 0,
              }),
      };
    }) as Record<string, LooseJoin>,
    agents: readSection<AgentDef>(raw, 'agents', (name, entry, pointer) => {
      const source = reader.whole(entry, 'source', pointer) as AgentSource | undefined;
      const sinks =
        entry.sinks === undefined ? [] : reader.ok(joinPointer(pointer, 'sinks')) ? entry.sinks : undefined;
      return {
        name,
        description: reader.string(entry, 'description', pointer),
        source: source === undefined ? undefined : { ...source },
        concurrency:
          reader.number(entry, 'concurrency', pointer) ?? (entry.concurrency === undefined ? 1 : undefined),
        isolatedPartitions:
          reader.boolean(entry, 'isolatedPartitions', pointer) ??
          (entry.isolatedPartitions === undefined ? false : undefined),
        sinks: Array.isArray(sinks) ? (sinks as SinkRef[]).map((sink) => ({ ...sink })) : undefined,
        ...jobAccess(reader, entry, pointer),
      };
    }),
    tasks: readSection<TaskDef>(raw, 'tasks', (name, entry, pointer) => ({
      name,
      description: reader.string(entry, 'description', pointer),
      onLeader:
        reader.boolean(entry, 'onLeader', pointer) ?? (entry.onLeader === undefined ? false : undefined),
      ...jobAccess(reader, entry, pointer),
    })),
    timers: readSection<TimerDef>(raw, 'timers', (name, entry, pointer) => ({
      name,
      description: reader.string(entry, 'description', pointer),
      interval: reader.duration(entry, 'interval', pointer),
      onLeader:
        reader.boolean(entry, 'onLeader', pointer) ?? (entry.onLeader === undefined ? false : undefined),
      ...jobAccess(reader, entry, pointer),
    })),
    crontabs: readSection<CrontabDef>(raw, 'crontabs', (name, entry, pointer) => ({
      name,
      description: reader.string(entry, 'description', pointer),
      cron: reader.string(entry, 'cron', pointer),
      timezone: reader.string(entry, 'timezone', pointer),
      onLeader:
        reader.boolean(entry, 'onLeader', pointer) ?? (entry.onLeader === undefined ? false : undefined),
      ...jobAccess(reader, entry, pointer),
    })),
    services: readSection<ServiceDef>(raw, 'services', (name, entry, pointer) => ({
      name,
      description: reader.string(entry, 'description', pointer),
      ...jobAccess(reader, entry, pointer),
    })),
    routes: readSection<RouteDef>(raw, 'routes', (name, entry, pointer) => {
      const path = reader.string(entry, 'path', pointer);
      const params = readParams(reader, entry, 'params', pointer);
      const ordered: Record<string, ParamType> = {};
      // Path order first, so generated code lists parameters as the URL has them.
      for (const placeholder of path === undefined ? [] : pathPlaceholders(path)) {
        if (placeholder in params) ordered[placeholder] = params[placeholder]!;
      }
      for (const [param, type] of Object.entries(params)) ordered[param] ??= type;
      const tableRoute = reader.whole(entry, 'tableRoute', pointer);
      const topicRoute = reader.whole(entry, 'topicRoute', pointer);
      const where = (param: unknown) => (typeof param === 'string' && param in params ? 'path' : 'query');
      return {
        name,
        description: reader.string(entry, 'description', pointer),
        method: reader.string(entry, 'method', pointer) as HttpMethod | undefined,
        path,
        params: ordered,
        query: readParams(reader, entry, 'query', pointer),
        request: reader.string(entry, 'request', pointer),
        response: reader.string(entry, 'response', pointer),
        tableRoute:
          tableRoute === undefined
            ? undefined
            : {
                table: String(tableRoute.table),
                param: String(tableRoute.param),
                in: where(tableRoute.param),
              },
        topicRoute:
          topicRoute === undefined
            ? undefined
            : {
                topic: String(topicRoute.topic),
                param: String(topicRoute.param),
                in: where(topicRoute.param),
              },
        ...jobAccess(reader, entry, pointer),
      };
    }),
  };
}

/** The complete topology of a file without errors. */
export function toTopology(raw: unknown, loose: LooseTopology): Topology {
  const root = isObject(raw) ? raw : {};
  const { app, ...sections } = loose;
  const { name: _name, ...appDef } = app!;
  const topology = { app: appDef, ...sections } as unknown as Topology;
  return typeof root.$schema === 'string' ? { $schema: root.$schema, ...topology } : topology;
}
