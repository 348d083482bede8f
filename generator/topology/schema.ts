/**
 * The JSON Schema of topology.json (draft-07, what editors support best). It is shipped as
 * `schema/topology.schema.json` (written by `npm run docs`, checked by a test), so that a project's
 * `"$schema": "./node_modules/faustgen/schema/topology.schema.json"` gives completion and checks.
 * The loader validates with the same schema, except that a model's `schema` is checked on its own
 * (see models.ts) instead of against the draft-07 meta-schema, for precise errors.
 */
import { DURATION_PATTERN } from './durations.js';
import { NAME_RULES } from './names.js';
import { settingsSchema } from './settings-schema.js';
import {
  HTTP_METHODS,
  JOIN_KINDS,
  type NamedSection,
  PARAM_TYPES,
  PRIMITIVE_TYPES,
  TABLE_KINDS,
} from './types.js';

export type Schema = Record<string, unknown>;

/** Where the schema is in the package, from its root. */
export const TOPOLOGY_SCHEMA_FILE = 'schema/topology.schema.json';

/** What a generated project's topology.json puts in `"$schema"`. */
export const TOPOLOGY_SCHEMA_REF = `./node_modules/faustgen/${TOPOLOGY_SCHEMA_FILE}`;

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

export const PARAM_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
export const APP_ID_PATTERN = '^[A-Za-z0-9._-]+$';
export const CODEC_CHAIN_PATTERN = '^[A-Za-z0-9_.@-]+(\\|[A-Za-z0-9_.@-]+)*$';

/** What each pattern means, for error messages. */
export const PATTERN_TEXTS: Readonly<Record<string, string>> = {
  [DURATION_PATTERN]:
    'a duration: a number of seconds, or text with a unit such as "500ms", "10s", "5m", "1h", "7d"',
  [PARAM_NAME_PATTERN]: "a parameter name: a letter or '_', then letters, digits or '_'",
  [APP_ID_PATTERN]: "an app id: letters, digits, '.', '_' or '-' (it prefixes Kafka topic names)",
  [CODEC_CHAIN_PATTERN]:
    "a codec name ('json', 'raw', 'binary' or one declared in codecs), or several joined with '|' such as 'json|binary'",
  '^[A-Za-z][A-Za-z0-9+.-]*://': 'a URL with a scheme, e.g. "kafka://127.0.0.1:9092" or "lmdb://"',
};

function ref(definition: string): Schema {
  return { $ref: `#/definitions/${definition}` };
}

function describe(schema: Schema, description: string): Schema {
  return { description, ...schema };
}

function section(name: NamedSection, description: string, entry: string): Schema {
  const rule = NAME_RULES[name];
  return {
    description,
    type: 'object',
    propertyNames: { pattern: rule.pattern, maxLength: rule.maxLength },
    additionalProperties: ref(entry),
  };
}

function nameList(description: string): Schema {
  return { description, type: 'array', items: ref('name'), uniqueItems: true };
}

const JOB_ACCESS = {
  tables: nameList(
    'Tables it reads or writes (a table-table join is a table it reads): its context has them, typed.',
  ),
  sendsTo: nameList('Topics it sends to: its context has them, typed.'),
};

const DESCRIPTION = {
  description: 'What it is for (copied into generated code as documentation).',
  type: 'string',
};

const WINDOW_COMMON = {
  expires: describe(
    ref('duration'),
    "How long a window's data is kept after the window ends (also the changelog's retention); at least the window's size. Default: kept until deleted.",
  ),
  grace: describe(
    ref('duration'),
    'How long after its end a window still counts late events, by event time. Default 0.',
  ),
  relativeTo: {
    description:
      "Which time selects an event's windows: 'stream' (the message timestamp), 'now' (the wall clock) or 'field' (a field of the value, named by `field`).",
    type: 'string',
    enum: ['stream', 'now', 'field'],
    default: 'stream',
  },
  field: {
    description:
      "With relativeTo 'field': the value's field holding the event time (float seconds, or an ISO-8601 date text).",
    type: 'string',
    minLength: 1,
  },
};

function windowBranch(type: string, description: string, own: Record<string, Schema>): Schema {
  return {
    description,
    type: 'object',
    properties: { type: { const: type }, ...own, ...WINDOW_COMMON },
    required: ['type', ...Object.keys(own)],
    additionalProperties: false,
  };
}

function routeKey(target: 'table' | 'topic'): Schema {
  return {
    description:
      target === 'table'
        ? "Serve the request on the worker that holds the key's table partition (Faust's table_route)."
        : "Serve the request on the worker that reads the key's topic partition (Faust's topic_route).",
    type: 'object',
    properties: {
      [target]: describe(ref('name'), target === 'table' ? 'The table.' : 'The topic.'),
      param: describe(ref('name'), "The route's path or query parameter that holds the key."),
    },
    required: [target, 'param'],
    additionalProperties: false,
  };
}

function paramMap(description: string): Schema {
  return {
    description,
    type: 'object',
    propertyNames: { pattern: PARAM_NAME_PATTERN },
    additionalProperties: { type: 'string', enum: [...PARAM_TYPES] },
  };
}

export interface SchemaOptions {
  /**
   * What a model's `schema` is checked against: the draft-07 meta-schema for editors (the default),
   * or just "an object" for the loader, which checks model schemas itself.
   */
  readonly modelSchema?: Schema;
}

/** The topology's JSON Schema. */
export function buildTopologySchema(options: SchemaOptions = {}): Schema {
  const modelSchema = options.modelSchema ?? { $ref: DRAFT_07 };
  return {
    $schema: DRAFT_07,
    title: 'faustgen topology',
    description:
      'A faustgen app: its settings, models, topics, tables, joins, agents, timers, services and routes. `faustgen generate` turns it into a typed TypeScript project.',
    type: 'object',
    properties: {
      $schema: { description: 'The JSON Schema of this file, for editors.', type: 'string' },
      app: ref('app'),
      models: section(
        'models',
        'Record types, as JSON Schemas; the key is the TypeScript type name. A model refers to another with {"$ref": "Name"}.',
        'model',
      ),
      codecs: section(
        'codecs',
        "Custom codecs the app registers in code (registerCodec); serializers may name them besides 'json', 'raw' and 'binary'.",
        'codec',
      ),
      topics: section('topics', 'Kafka topics; the key is the topic name.', 'topic'),
      channels: section(
        'channels',
        'In-memory channels (no Kafka): an agent reads one, others send to it through sinks.',
        'channel',
      ),
      tables: section(
        'tables',
        'Tables: key/value state kept in a local store and a changelog topic; the key is the table name.',
        'table',
      ),
      joins: section(
        'joins',
        'Joins of two topics or tables by key: stream-table (a topic with a table), table-table (a derived table) and windowed stream-stream (two topics); the key is the join name.',
        'join',
      ),
      agents: section('agents', 'Stream processors: each reads one topic, channel or stream join.', 'agent'),
      tasks: section('tasks', 'Functions run once when the worker is ready.', 'task'),
      timers: section('timers', 'Functions run at a fixed interval.', 'timer'),
      crontabs: section('crontabs', 'Functions run on a cron schedule.', 'crontab'),
      services: section('services', 'Long-running parts started and stopped with the worker.', 'service'),
      routes: section('routes', 'HTTP routes of the web server.', 'route'),
    },
    required: ['app'],
    additionalProperties: false,
    definitions: {
      name: {
        title: 'name',
        description: 'The name of an entry of another section.',
        type: 'string',
        minLength: 1,
      },
      typeRef: {
        title: 'type',
        description: "A model name, or 'string', 'number', 'bytes' or 'json'.",
        type: 'string',
        minLength: 1,
        examples: [...PRIMITIVE_TYPES],
      },
      codecName: {
        title: 'codec',
        description: "'json', 'raw', 'binary', a codec declared in codecs, or a chain such as 'json|binary'.",
        type: 'string',
        pattern: CODEC_CHAIN_PATTERN,
        examples: ['json', 'raw', 'binary', 'json|binary'],
      },
      duration: {
        title: 'duration',
        description: 'Seconds: a number, or text with a unit such as "500ms", "10s", "5m", "1h", "7d".',
        type: ['number', 'string'],
        minimum: 0,
        pattern: DURATION_PATTERN,
      },
      app: {
        title: 'app',
        description: 'The app: its id, version and runtime settings.',
        type: 'object',
        properties: {
          id: {
            description:
              'The app id: the consumer group, and the prefix of the topics the app creates (`<id>-<table>-changelog`).',
            type: 'string',
            pattern: APP_ID_PATTERN,
            maxLength: 100,
          },
          version: {
            description:
              'The app version (the `version` setting). A new version is a new app: new consumer group and internal topics (`<id>-v<version>`).',
            type: 'integer',
            minimum: 1,
            default: 1,
          },
          description: DESCRIPTION,
          settings: ref('settings'),
        },
        required: ['id'],
        additionalProperties: false,
      },
      settings: settingsSchema(),
      model: {
        title: 'model',
        description: 'A record type.',
        type: 'object',
        properties: {
          description: DESCRIPTION,
          namespace: {
            description:
              'The name written in records\' `"__faust": {"ns": ...}` (Python Faust: `module.ClassName`). Default: the model name.',
            type: 'string',
            minLength: 1,
          },
          aliases: {
            description:
              "Other namespaces accepted in incoming records' `__faust.ns`, e.g. the Python class of a Faust app sharing the topic (`payments_py.Payment`). Records are written with `namespace`.",
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
          },
          includeMetadata: {
            description: 'Write `"__faust": {"ns": namespace}` in each record, as Faust does. Default true.',
            type: 'boolean',
            default: true,
          },
          serializer: describe(
            ref('codecName'),
            "The codec this model is always written with, overriding the topic's.",
          ),
          schema: describe(
            modelSchema,
            'The JSON Schema of the record (type "object"); {"$ref": "OtherModel"} embeds another model.',
          ),
        },
        required: ['schema'],
        additionalProperties: false,
      },
      codec: {
        title: 'codec',
        description: 'A codec registered in code under this name.',
        type: 'object',
        properties: { description: DESCRIPTION },
        additionalProperties: false,
      },
      topic: {
        title: 'topic',
        description: 'A Kafka topic with typed keys and values.',
        type: 'object',
        properties: {
          description: DESCRIPTION,
          keyType: describe(ref('typeRef'), 'What the key is. Default: raw bytes.'),
          valueType: describe(ref('typeRef'), 'What the value is. Default: any JSON.'),
          keySerializer: describe(
            ref('codecName'),
            'How the key is written. Default: the keySerializer setting.',
          ),
          valueSerializer: describe(
            ref('codecName'),
            'How the value is written. Default: the valueSerializer setting.',
          ),
          partitions: {
            description: 'Partition count. Default: the topicPartitions setting.',
            type: 'integer',
            minimum: 1,
          },
          replicas: {
            description: 'Replication factor. Default: the topicReplicationFactor setting.',
            type: 'integer',
            minimum: 1,
          },
          retention: describe(ref('duration'), 'How long Kafka keeps messages.'),
          compacting: { description: 'Compacted: Kafka keeps the last value of each key.', type: 'boolean' },
          deleting: { description: 'Old messages are deleted (with compacting: both).', type: 'boolean' },
          internal: {
            description: 'The app creates the topic itself with these settings (Faust: internal=True).',
            type: 'boolean',
            default: false,
          },
          deadLetter: {
            description:
              'Events that fail go to `<appId>-<topic>-deadletter`. Default: the deadLetter setting.',
            type: 'boolean',
          },
          config: {
            description: 'Other Kafka topic configs, e.g. {"min.insync.replicas": "2"}.',
            type: 'object',
            additionalProperties: { type: 'string' },
          },
        },
        additionalProperties: false,
      },
      channel: {
        title: 'channel',
        description: 'An in-memory channel with typed keys and values.',
        type: 'object',
        properties: {
          description: DESCRIPTION,
          keyType: describe(ref('typeRef'), 'What the key is.'),
          valueType: describe(ref('typeRef'), 'What the value is.'),
          maxsize: {
            description: 'Values queued before a send waits. Default: the streamBufferMaxsize setting.',
            type: 'integer',
            minimum: 1,
          },
        },
        additionalProperties: false,
      },
      table: {
        title: 'table',
        description: 'A table: key -> value state with a changelog topic `<appId>-<name>-changelog`.',
        type: 'object',
        properties: {
          description: DESCRIPTION,
          kind: {
            description:
              "'table', 'global' (every worker holds every partition), 'set' (values are sets) or 'setGlobal'.",
            type: 'string',
            enum: [...TABLE_KINDS],
            default: 'table',
          },
          keyType: describe(ref('typeRef'), 'What the key is.'),
          valueType: describe(ref('typeRef'), 'What the value is (for set tables: the members).'),
          keySerializer: describe(
            ref('codecName'),
            'How keys are written to the changelog. Default: json (bytes stay raw).',
          ),
          valueSerializer: describe(
            ref('codecName'),
            'How values are written to the changelog. Default: json (bytes stay raw).',
          ),
          default: {
            description:
              'The value of a key never set, e.g. 0 for a counter; it must be a value of the valueType. Not for set tables.',
          },
          partitions: {
            description:
              'Partition count of the changelog; it must equal the partition count of the topics its agents read. Default: the topicPartitions setting.',
            type: 'integer',
            minimum: 1,
          },
          window: ref('window'),
          keyIndex: {
            description:
              "Windowed tables: keep an index of keys so that the table's keys can be listed (Faust's key_index).",
            type: 'boolean',
            default: false,
          },
        },
        additionalProperties: false,
      },
      window: {
        title: 'window',
        description: 'Makes the table windowed: each key has one value per time window.',
        type: 'object',
        required: ['type'],
        discriminator: { propertyName: 'type' },
        oneOf: [ref('tumblingWindow'), ref('hoppingWindow'), ref('slidingWindow')],
      },
      tumblingWindow: windowBranch(
        'tumbling',
        'Fixed-size windows that do not overlap, aligned to the epoch.',
        {
          size: describe(ref('duration'), 'Window length: a whole number of seconds.'),
        },
      ),
      hoppingWindow: windowBranch(
        'hopping',
        'Fixed-size windows starting every `step`, aligned to the epoch.',
        {
          size: describe(ref('duration'), 'Window length: a whole number of seconds.'),
          step: describe(
            ref('duration'),
            'Time between window starts: a whole number of seconds, at most size.',
          ),
        },
      ),
      slidingWindow: windowBranch('sliding', 'One window around each event: [time - before, time + after].', {
        before: describe(ref('duration'), 'Seconds before the event.'),
        after: describe(ref('duration'), 'Seconds after the event.'),
      }),
      join: {
        title: 'join',
        description:
          'A join; the sides decide what it is: a topic with a table is a stream-table join (kind inner or left; agents read it), two tables a table-table join (a table of `{left, right}` values, changelog `<appId>-<name>-changelog`; jobs list it under `tables`), two topics a windowed stream-stream join (needs `window`; agents read it).',
        type: 'object',
        properties: {
          description: DESCRIPTION,
          kind: {
            description:
              "'inner' (results where both sides match), 'left' (every left event or row, matched or not) or 'outer' (either side's, matched or not; not for stream-table joins).",
            type: 'string',
            enum: [...JOIN_KINDS],
          },
          left: describe(ref('joinSide'), 'The left side: a topic, or a table.'),
          right: describe(ref('joinSide'), 'The right side: a table, or a topic (with a topic on the left).'),
          window: describe(
            ref('joinWindow'),
            'Required for a join of two topics, and only there: how far apart in time two events may be and still join.',
          ),
        },
        required: ['kind', 'left', 'right'],
        additionalProperties: false,
      },
      joinSide: {
        title: 'joinSide',
        description: 'Exactly one of: {"topic": name} or {"table": name}.',
        type: 'object',
        properties: { topic: ref('name'), table: ref('name') },
        additionalProperties: false,
        minProperties: 1,
        maxProperties: 1,
      },
      joinWindow: {
        title: 'joinWindow',
        description:
          "A windowed stream-stream join's window: which events of the two topics are close enough in time to join.",
        type: 'object',
        properties: {
          within: describe(
            ref('duration'),
            "A left and a right event of one key join when their timestamps differ by at most this (Kafka Streams' JoinWindows time difference).",
          ),
          grace: describe(
            ref('duration'),
            "How far behind the partition's stream time an event may arrive and still join; later events are dropped. Default 0.",
          ),
        },
        required: ['within'],
        additionalProperties: false,
      },
      source: {
        title: 'source',
        description: 'Exactly one of: {"topic": name}, {"channel": name} or {"join": name}.',
        type: 'object',
        properties: { topic: ref('name'), channel: ref('name'), join: ref('name') },
        additionalProperties: false,
        minProperties: 1,
        maxProperties: 1,
      },
      sink: {
        title: 'sink',
        description: 'Exactly one of: {"topic": name}, {"agent": name} or {"channel": name}.',
        type: 'object',
        properties: { topic: ref('name'), agent: ref('name'), channel: ref('name') },
        additionalProperties: false,
        minProperties: 1,
        maxProperties: 1,
      },
      agent: {
        title: 'agent',
        description: 'A stream processor; its code is the stub src/agents/<name>.ts.',
        type: 'object',
        properties: {
          description: DESCRIPTION,
          source: describe(
            ref('source'),
            "The topic or channel it reads, or a stream join: a stream-table join's topic with the table's value of each event's key, or both topics of a windowed join (the stub then runs once per side).",
          ),
          concurrency: {
            description: 'Actors reading one shared queue. Default 1.',
            type: 'integer',
            minimum: 1,
            default: 1,
          },
          isolatedPartitions: {
            description:
              'One actor per assigned partition (needs concurrency 1 and a topic source). Default false.',
            type: 'boolean',
            default: false,
          },
          sinks: {
            description: 'Where the values it yields go.',
            type: 'array',
            items: ref('sink'),
            uniqueItems: true,
          },
          ...JOB_ACCESS,
        },
        required: ['source'],
        additionalProperties: false,
      },
      task: {
        title: 'task',
        description: 'A function run once when the worker is ready; its code is src/tasks/<name>.ts.',
        type: 'object',
        properties: {
          description: DESCRIPTION,
          onLeader: {
            description: 'Run only on the leader worker. Default false.',
            type: 'boolean',
            default: false,
          },
          ...JOB_ACCESS,
        },
        additionalProperties: false,
      },
      timer: {
        title: 'timer',
        description: 'A function run every `interval`; its code is src/timers/<name>.ts.',
        type: 'object',
        properties: {
          description: DESCRIPTION,
          interval: describe(ref('duration'), 'Time between runs (more than 0).'),
          onLeader: {
            description: 'Run only on the leader worker (checked at every run). Default false.',
            type: 'boolean',
            default: false,
          },
          ...JOB_ACCESS,
        },
        required: ['interval'],
        additionalProperties: false,
      },
      crontab: {
        title: 'crontab',
        description: 'A function run on a cron schedule; its code is src/crontabs/<name>.ts.',
        type: 'object',
        properties: {
          description: DESCRIPTION,
          cron: {
            description:
              'Cron expression: minute hour day-of-month month day-of-week (a leading seconds field is allowed), e.g. "*/5 * * * *".',
            type: 'string',
            minLength: 1,
          },
          timezone: {
            description: 'IANA time zone of the schedule. Default: the timezone setting (UTC).',
            type: 'string',
            minLength: 1,
            examples: ['UTC', 'Europe/Oslo', 'America/New_York'],
          },
          onLeader: {
            description: 'Run only on the leader worker. Default false.',
            type: 'boolean',
            default: false,
          },
          ...JOB_ACCESS,
        },
        required: ['cron'],
        additionalProperties: false,
      },
      service: {
        title: 'service',
        description: 'Something started and stopped with the worker; its code is src/services/<name>.ts.',
        type: 'object',
        properties: { description: DESCRIPTION, ...JOB_ACCESS },
        additionalProperties: false,
      },
      route: {
        title: 'route',
        description: 'An HTTP route; its handler is src/views/<name>.ts.',
        type: 'object',
        properties: {
          description: DESCRIPTION,
          method: { description: 'HTTP method.', type: 'string', enum: [...HTTP_METHODS] },
          path: {
            description: 'The path, with `:name` for each path parameter, e.g. "/accounts/:account/total".',
            type: 'string',
            minLength: 1,
          },
          params: paramMap('Path parameters and their types: every `:name` of the path, and no other.'),
          query: paramMap('Query-string parameters and their types.'),
          request: describe(ref('typeRef'), 'The request body type (not for GET and HEAD).'),
          response: describe(ref('typeRef'), 'The response body type.'),
          tableRoute: routeKey('table'),
          topicRoute: routeKey('topic'),
          ...JOB_ACCESS,
        },
        required: ['method', 'path'],
        additionalProperties: false,
      },
    },
  };
}

let published: Schema | undefined;

/** The schema as shipped in schema/topology.schema.json. */
export function topologySchema(): Schema {
  published ??= buildTopologySchema();
  return published;
}

/** The text of schema/topology.schema.json. */
export function renderTopologySchemaFile(): string {
  return `${JSON.stringify(topologySchema(), null, 2)}\n`;
}
