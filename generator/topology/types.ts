/**
 * The topology as the generator's emitters read it, once loadTopology() found no error: every
 * section present (empty when the file has none), each entry carrying its `name` (its key in the
 * file), durations in seconds, and the defaults the runtime would apply filled in where they do not
 * depend on settings. Optional fields that fall back to a setting (partitions -> topicPartitions,
 * serializers -> keySerializer/valueSerializer, a crontab's timezone -> timezone) stay undefined, so
 * an env variable or flag can still change them.
 */
import type { SettingsInput } from '../../runtime/core/index.js';

/** A JSON value (table defaults, model schemas). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON Schema object, as a model declares it. */
export type JsonSchemaObject = { readonly [keyword: string]: JsonValue };

/** The key and value types the runtime knows besides models. */
export type PrimitiveType = 'string' | 'number' | 'bytes' | 'json';

export const PRIMITIVE_TYPES: readonly PrimitiveType[] = ['string', 'number', 'bytes', 'json'];

/** A model name (a key of `models`) or a primitive type. */
export type TypeRef = string;

/** 'json' | 'raw' | 'binary', a codec declared in `codecs`, or a chain of them such as 'json|binary'. */
export type CodecName = string;

export const BUILTIN_CODECS: readonly string[] = ['json', 'raw', 'binary'];

export interface Topology {
  /** The `$schema` the file names, if any (editors use it; the loader does not). */
  readonly $schema?: string;
  readonly app: AppDef;
  readonly models: Readonly<Record<string, ModelDef>>;
  readonly codecs: Readonly<Record<string, CodecDef>>;
  readonly topics: Readonly<Record<string, TopicDef>>;
  readonly channels: Readonly<Record<string, ChannelDef>>;
  readonly tables: Readonly<Record<string, TableDef>>;
  readonly joins: Readonly<Record<string, JoinDef>>;
  readonly agents: Readonly<Record<string, AgentDef>>;
  readonly tasks: Readonly<Record<string, TaskDef>>;
  readonly timers: Readonly<Record<string, TimerDef>>;
  readonly crontabs: Readonly<Record<string, CrontabDef>>;
  readonly services: Readonly<Record<string, ServiceDef>>;
  readonly routes: Readonly<Record<string, RouteDef>>;
}

/** The section names, in the order the file and the docs list them. */
export const SECTIONS = [
  'app',
  'models',
  'codecs',
  'topics',
  'channels',
  'tables',
  'joins',
  'agents',
  'tasks',
  'timers',
  'crontabs',
  'services',
  'routes',
] as const;

export type SectionName = (typeof SECTIONS)[number];
/** The sections that are objects keyed by name. */
export type NamedSection = Exclude<SectionName, 'app'>;

export interface AppDef {
  /** The app id (`new App(id)`): consumer group and prefix of internal topics. */
  readonly id: string;
  /** The app version (the `version` setting); default 1. */
  readonly version: number;
  readonly description?: string;
  /** Runtime settings by their camelCase names, as written (durations may be text such as "5m"). */
  readonly settings: Readonly<SettingsInput>;
}

export interface ModelDef {
  readonly name: string;
  /** The `__faust.ns` of records; default: the model name. */
  readonly namespace: string;
  /** Other namespaces accepted in incoming `__faust.ns` (a Faust app's class name); default none. */
  readonly aliases: readonly string[];
  /** Write `"__faust": {"ns": namespace}` in records; default true. */
  readonly includeMetadata: boolean;
  /** A codec this model is always written with, overriding the topic's. */
  readonly serializer?: CodecName;
  readonly description?: string;
  /** Its JSON Schema; `{"$ref": "Other"}` names another model. */
  readonly schema: JsonSchemaObject;
  /** The models its schema refers to with `$ref`, sorted. */
  readonly references: readonly string[];
}

export interface CodecDef {
  readonly name: string;
  readonly description?: string;
}

export interface TopicDef {
  /** The Kafka topic name. */
  readonly name: string;
  readonly description?: string;
  readonly keyType?: TypeRef;
  readonly valueType?: TypeRef;
  readonly keySerializer?: CodecName;
  readonly valueSerializer?: CodecName;
  /** Undefined: the `topicPartitions` setting. */
  readonly partitions?: number;
  readonly replicas?: number;
  /** Seconds. */
  readonly retention?: number;
  readonly compacting?: boolean;
  readonly deleting?: boolean;
  /** Created by the app with these settings (Faust's internal topics). */
  readonly internal: boolean;
  /** Undefined: the `deadLetter` setting. */
  readonly deadLetter?: boolean;
  /** Extra Kafka topic configs, e.g. `{"min.insync.replicas": "2"}`. */
  readonly config: Readonly<Record<string, string>>;
}

export interface ChannelDef {
  readonly name: string;
  readonly description?: string;
  readonly keyType?: TypeRef;
  readonly valueType?: TypeRef;
  /** Undefined: the `streamBufferMaxsize` setting. */
  readonly maxsize?: number;
}

export type TableKind = 'table' | 'global' | 'set' | 'setGlobal';

export const TABLE_KINDS: readonly TableKind[] = ['table', 'global', 'set', 'setGlobal'];

export type WindowRelativeTo = 'stream' | 'now' | 'field';

interface WindowCommon {
  /** Seconds after a window ends that its data is kept; undefined: until deleted. */
  readonly expires?: number;
  /** Seconds after a window ends that late events are still counted; default 0. */
  readonly grace: number;
  /** Which time selects an event's windows; default 'stream' (the message timestamp). */
  readonly relativeTo: WindowRelativeTo;
  /** The value field holding the time, when relativeTo is 'field'. */
  readonly field?: string;
}

export interface TumblingWindowDef extends WindowCommon {
  readonly type: 'tumbling';
  readonly size: number;
}

export interface HoppingWindowDef extends WindowCommon {
  readonly type: 'hopping';
  readonly size: number;
  readonly step: number;
}

export interface SlidingWindowDef extends WindowCommon {
  readonly type: 'sliding';
  readonly before: number;
  readonly after: number;
}

export type WindowDef = TumblingWindowDef | HoppingWindowDef | SlidingWindowDef;

export interface TableDef {
  /** The table name (its changelog topic is `<appId>-<name>-changelog`). */
  readonly name: string;
  readonly description?: string;
  readonly kind: TableKind;
  readonly keyType?: TypeRef;
  /** For set tables, the type of the set's members. */
  readonly valueType?: TypeRef;
  /** Changelog codecs; undefined: json (bytes raw), as Faust writes changelogs. */
  readonly keySerializer?: CodecName;
  readonly valueSerializer?: CodecName;
  /** The value of a key never set (not for set tables). */
  readonly default?: JsonValue;
  /** Undefined: the `topicPartitions` setting. */
  readonly partitions?: number;
  readonly window?: WindowDef;
  /** Windowed tables: keep a key index so the keys can be listed; default false. */
  readonly keyIndex: boolean;
}

/** Table-table and windowed stream-stream joins take all three; stream-table joins inner and left. */
export type JoinKind = 'inner' | 'left' | 'outer';

export const JOIN_KINDS: readonly JoinKind[] = ['inner', 'left', 'outer'];

/** One side of a join: a topic (a stream) or a table. */
export type JoinSide = { readonly topic: string } | { readonly table: string };

/** How far apart a windowed stream-stream join's events may be. */
export interface JoinWindowDef {
  /** Seconds: a left and a right event join when their timestamps differ by at most this. */
  readonly within: number;
  /** Seconds an event may arrive behind the partition's stream time and still join; default 0. */
  readonly grace: number;
}

interface JoinCommon {
  readonly name: string;
  readonly description?: string;
  readonly kind: JoinKind;
}

/** Each event of the topic with the table's value of its key (kind inner or left). */
export interface StreamTableJoinDef extends JoinCommon {
  readonly type: 'stream-table';
  readonly left: { readonly topic: string };
  readonly right: { readonly table: string };
}

/** A derived table (changelog `<appId>-<name>-changelog`): both tables' values of each key. */
export interface TableTableJoinDef extends JoinCommon {
  readonly type: 'table-table';
  readonly left: { readonly table: string };
  readonly right: { readonly table: string };
}

/** Events of two topics with equal keys and timestamps at most `window.within` apart. */
export interface WindowedJoinDef extends JoinCommon {
  readonly type: 'windowed';
  readonly left: { readonly topic: string };
  readonly right: { readonly topic: string };
  readonly window: JoinWindowDef;
}

export type JoinDef = StreamTableJoinDef | TableTableJoinDef | WindowedJoinDef;

/** What a join is, from the kinds of its two sides (a table on the left of a topic is none). */
export function joinType(left: JoinSide, right: JoinSide): JoinDef['type'] | undefined {
  if ('topic' in left) return 'topic' in right ? 'windowed' : 'stream-table';
  return 'table' in right ? 'table-table' : undefined;
}

/** An agent reads a topic, a channel, or a stream join's results (a stream-table or windowed join). */
export type AgentSource =
  | { readonly topic: string }
  | { readonly channel: string }
  | { readonly join: string };

export type SinkRef = { readonly topic: string } | { readonly agent: string } | { readonly channel: string };

/** What a job (agent, task, timer, crontab, service, route) may touch, typed in its stub's context. */
export interface JobAccess {
  /** Tables it reads or writes. */
  readonly tables: readonly string[];
  /** Topics it sends to. */
  readonly sendsTo: readonly string[];
}

export interface AgentDef extends JobAccess {
  readonly name: string;
  readonly description?: string;
  readonly source: AgentSource;
  /** Actors reading one shared queue; default 1. */
  readonly concurrency: number;
  /** One actor per assigned partition; default false. */
  readonly isolatedPartitions: boolean;
  /** Receive every value the agent yields. */
  readonly sinks: readonly SinkRef[];
}

export interface TaskDef extends JobAccess {
  readonly name: string;
  readonly description?: string;
  readonly onLeader: boolean;
}

export interface TimerDef extends JobAccess {
  readonly name: string;
  readonly description?: string;
  /** Seconds between runs. */
  readonly interval: number;
  readonly onLeader: boolean;
}

export interface CrontabDef extends JobAccess {
  readonly name: string;
  readonly description?: string;
  readonly cron: string;
  /** Undefined: the `timezone` setting. */
  readonly timezone?: string;
  readonly onLeader: boolean;
}

export interface ServiceDef extends JobAccess {
  readonly name: string;
  readonly description?: string;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export const HTTP_METHODS: readonly HttpMethod[] = [
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'HEAD',
  'OPTIONS',
];

export type ParamType = 'string' | 'number' | 'integer' | 'boolean';

export const PARAM_TYPES: readonly ParamType[] = ['string', 'number', 'integer', 'boolean'];

/** Serve the request on the worker that owns the key's partition (Faust's table_route/topic_route). */
export interface KeyRoute {
  /** The path or query parameter that holds the key. */
  readonly param: string;
  /** Where that parameter is. */
  readonly in: 'path' | 'query';
}

export interface RouteDef extends JobAccess {
  readonly name: string;
  readonly description?: string;
  readonly method: HttpMethod;
  /** Fastify syntax: `/accounts/:account/total`. */
  readonly path: string;
  /** Path parameters, in the order the path has them. */
  readonly params: Readonly<Record<string, ParamType>>;
  readonly query: Readonly<Record<string, ParamType>>;
  /** The request body's type. */
  readonly request?: TypeRef;
  /** The response body's type. */
  readonly response?: TypeRef;
  readonly tableRoute?: KeyRoute & { readonly table: string };
  readonly topicRoute?: KeyRoute & { readonly topic: string };
}
