/**
 * Topology errors: every kind has a stable code (FG1xxx the file and its JSON, FG2xxx the shape the
 * schema describes, FG3xxx references to things that are not declared, FG4xxx consistency rules
 * beyond the schema). docs/topology.md lists them all from ERROR_CODES.
 */

export interface ErrorKind {
  /** A few words, as the docs' table shows them. */
  readonly title: string;
  /** When it is reported. */
  readonly description: string;
}

export const ERROR_CODES = {
  FG1001: {
    title: 'file cannot be read',
    description: 'The topology file does not exist or cannot be read.',
  },
  FG1002: {
    title: 'JSON syntax error',
    description:
      'The file is not valid JSON (comments and trailing commas are not JSON); the position is that of the first character that does not fit.',
  },
  FG1003: {
    title: 'duplicate key',
    description:
      'An object has the same key twice. JSON parsers keep only the last one, so the first would be silently lost.',
  },
  FG1004: {
    title: 'nested too deeply',
    description:
      'Arrays and objects nested more than 100 levels deep (anywhere in the file, model schemas included); the position is that of the first bracket too deep. Checked before parsing, so any file gets an answer.',
  },
  FG2001: {
    title: 'unknown property',
    description: 'A property that this place of the topology does not have (often a misspelling).',
  },
  FG2002: {
    title: 'missing property',
    description: 'A required property is not there.',
  },
  FG2003: {
    title: 'wrong type',
    description: 'A value of the wrong JSON type, e.g. a string where a number belongs.',
  },
  FG2004: {
    title: 'value not allowed',
    description: 'A value that is not one of the allowed words (a method, a table kind, a window type...).',
  },
  FG2005: {
    title: 'number out of range',
    description: 'A number below the minimum or above the maximum of its place (e.g. 0 partitions).',
  },
  FG2006: {
    title: 'invalid name',
    description:
      'A name (an object key of a section) that does not have the form the section needs: models are PascalCase, topics and tables use Kafka topic characters, the others are identifiers.',
  },
  FG2007: {
    title: 'invalid format',
    description: 'A text that does not have the expected form (a duration, a URL, an empty name...).',
  },
  FG2008: {
    title: 'duplicate list item',
    description: 'A list names the same thing twice.',
  },
  FG2009: {
    title: 'conflicting properties',
    description:
      'Properties that exclude each other, or a choice of exactly one that has none or several (an agent source is a topic or a channel).',
  },
  FG3001: {
    title: 'unknown model or type',
    description:
      "A key/value/request/response type or a `$ref` that names no model and is not one of 'string', 'number', 'bytes', 'json'.",
  },
  FG3002: {
    title: 'unknown topic',
    description: 'A reference to a topic that the `topics` section does not declare.',
  },
  FG3003: {
    title: 'unknown table',
    description: 'A reference to a table that the `tables` section does not declare.',
  },
  FG3004: {
    title: 'unknown agent',
    description: 'A sink that names an agent that the `agents` section does not declare.',
  },
  FG3005: {
    title: 'unknown channel',
    description: 'A reference to a channel that the `channels` section does not declare.',
  },
  FG3006: {
    title: 'unknown codec',
    description:
      "A serializer that is neither a built-in codec ('json', 'raw', 'binary') nor declared in `codecs` (chains such as 'json|binary' are checked part by part).",
  },
  FG3007: {
    title: 'unresolvable $ref',
    description:
      "A `$ref` in a model's schema that is neither a model name nor a local reference (`#/...`) that exists in the same schema.",
  },
  FG3008: {
    title: 'unknown join',
    description: 'An agent source that names a join that the `joins` section does not declare.',
  },
  FG4001: {
    title: 'topic name collision',
    description:
      "A topic whose Kafka name is also the name of a topic the app creates for itself (a table changelog `<appId>-<table>-changelog`, a table-table join's `<appId>-<join>-changelog` or a windowed join's `<appId>-<join>-buffer-changelog`).",
  },
  FG4002: {
    title: 'names too alike',
    description:
      'Two names that give the same identifier in generated code (`page-views` and `page_views` in one section; a model `PaymentsTopic` and a topic `Payments`, whose identifier is `PaymentsTopic`), or two names of a section that give the same file name on a case-insensitive file system (`scoreA` and `scorea`).',
  },
  FG4003: {
    title: 'duplicate model namespace',
    description:
      'Two models with the same namespace (the `__faust.ns` written in records): readers could not tell them apart.',
  },
  FG4004: {
    title: 'duplicate route',
    description:
      'Two routes with the same method and path (path parameters count as equal whatever their names).',
  },
  FG4005: {
    title: 'reserved name',
    description:
      'A name that generated code cannot use: a JavaScript reserved word, a built-in TypeScript type for a model, a name generated code declares itself (a model `AgentTypes` or `RouteTypes`), or a built-in codec name for a custom codec.',
  },
  FG4006: {
    title: 'source partitions differ',
    description:
      "A table used by agents whose source topics have different partition counts. A table's changelog partition is the partition of the event being processed, so every source topic of a table needs the same count.",
  },
  FG4007: {
    title: 'table partitions mismatch',
    description:
      "A table whose partition count (its `partitions`, else the `topicPartitions` setting) differs from its source topics' count.",
  },
  FG4008: {
    title: 'invalid cron expression',
    description:
      'A crontab whose expression cannot be parsed (five fields: minute hour day-of-month month day-of-week; a leading seconds field is allowed).',
  },
  FG4009: {
    title: 'unknown time zone',
    description: 'A time zone that is not an IANA name known to Node.js (e.g. `UTC`, `Europe/Oslo`).',
  },
  FG4010: {
    title: 'cron never fires',
    description: 'A crontab whose expression has no next run (e.g. February 30th).',
  },
  FG4011: {
    title: 'window step larger than size',
    description:
      'A hopping window whose step is larger than its size: events between windows would be counted in none.',
  },
  FG4012: {
    title: 'invalid window duration',
    description:
      "A window size or step that is not a whole number of seconds of at least 1 (Faust's window arithmetic works in whole seconds), or an `expires` of 0.",
  },
  FG4013: {
    title: 'window expires too early',
    description:
      "A window whose `expires` is shorter than its size or its `grace`: a window's data would be dropped before the window is complete.",
  },
  FG4014: {
    title: 'window relativeTo and field disagree',
    description: '`relativeTo: "field"` without a `field`, or a `field` without `relativeTo: "field"`.',
  },
  FG4015: {
    title: 'window field not in the source model',
    description:
      'A window relative to a field that the value model of a source topic of the table does not have (or that is not a number or a string).',
  },
  FG4016: {
    title: 'route parameter not in the path',
    description: 'A route declares a path parameter that its path has no `:name` placeholder for.',
  },
  FG4017: {
    title: 'path placeholder not declared',
    description: 'A route path has a `:name` placeholder that the route does not declare under `params`.',
  },
  FG4018: {
    title: 'invalid route path',
    description:
      'A route path that does not start with `/`, has an empty segment, characters outside a URL path, a malformed or repeated placeholder, or a wildcard.',
  },
  FG4019: {
    title: 'request body not allowed',
    description: 'A `request` model on a GET or HEAD route: those requests have no body.',
  },
  FG4020: {
    title: 'invalid setting value',
    description:
      "An `app.settings` value that the setting's type does not accept (the runtime would refuse to start).",
  },
  FG4021: {
    title: 'unknown route key parameter',
    description:
      "A `tableRoute` or `topicRoute` whose `param` is not one of the route's path or query parameters.",
  },
  FG4022: {
    title: 'isolated partitions conflict',
    description:
      'An agent with `isolatedPartitions` and a concurrency above 1 (one actor per partition already), or reading a channel (channels have no partitions).',
  },
  FG4023: {
    title: 'sink types differ',
    description:
      'An agent whose sinks take different value types: what the agent yields goes to every sink, so they must agree.',
  },
  FG4024: {
    title: 'default not allowed',
    description: 'A `default` on a set table (a set table starts every key with an empty set).',
  },
  FG4025: {
    title: 'default does not match the value type',
    description: "A table `default` that is not a value of the table's value type (or model).",
  },
  FG4026: {
    title: 'parameter in path and query',
    description: 'A route parameter declared both under `params` (the path) and `query`.',
  },
  FG4027: {
    title: 'route key type mismatch',
    description:
      "A `tableRoute`/`topicRoute` parameter whose type cannot give the table's or topic's key type (a model key cannot come from a URL, a number key needs a number parameter).",
  },
  FG4028: {
    title: 'invalid model schema',
    description:
      "A model's `schema` that is not a valid JSON Schema: an unknown keyword (often a misspelling), a keyword with a wrong value, or one ajv cannot compile.",
  },
  FG4029: {
    title: 'model is not an object',
    description: 'A model schema whose `type` is not "object": models are records (Faust\'s `Record`).',
  },
  FG4030: {
    title: 'timer interval not positive',
    description: 'A timer whose interval is 0.',
  },
  FG4031: {
    title: 'namespace alias conflict',
    description:
      "A model `alias` that is the model's own namespace, another model's namespace, or another model's alias: every namespace a record carries names one model.",
  },
  FG4032: {
    title: 'unsupported JSON Schema draft',
    description:
      'A model schema whose `$schema` is not draft-04, draft-06, draft-07, 2019-09 or 2020-12 (as their meta-schema URIs spell them); without `$schema` a schema is draft-07.',
  },
  FG4033: {
    title: 'model refers to another draft',
    description:
      'A model `$ref` naming a model written in another JSON Schema draft: the runtime validates a model and the models it refers to with one validator (draft-06 and draft-07 mix; the others do not).',
  },
  FG4034: {
    title: '$ref cycle',
    description:
      'Local `$ref`s of a model schema that point at each other in a loop (`#/definitions/A` is `{"$ref": "#/definitions/B"}` and B refers back to A): no schema is ever reached. A `$ref` to a schema that contains it (a recursive type) is fine.',
  },
  FG4035: {
    title: 'join sides do not fit',
    description:
      'A join whose sides make no join: a table on the left of a topic (a stream-table join has the topic on the left), or the same topic or table on both sides.',
  },
  FG4036: {
    title: 'table cannot be joined',
    description:
      'A join side that is a set table or a windowed table (they hold no single value per key), a global table in a table-table join (the derived table is written per partition), or a table-table side whose values are not written as JSON (the derived table holds both values as JSON).',
  },
  FG4037: {
    title: 'join kind not allowed',
    description:
      "`kind: \"outer\"` on a stream-table join: a table change emits nothing, so there is no event for a key the stream has not sent. Use 'inner' or 'left'.",
  },
  FG4038: {
    title: 'join key types differ',
    description:
      "Join sides whose keys are typed differently (`keyType`; without one a topic's keys are bytes and a table's JSON), or, for a table-table join, written differently (`keySerializer`): equal keys would not meet. Re-key one side first (an agent that sends to a topic keyed like the other).",
  },
  FG4039: {
    title: 'join partitions differ',
    description:
      "Join sides with different partition counts (a topic's `partitions` or a table's, else the `topicPartitions` setting): a key must be in the same partition on both sides. A global table joins any topic. The worker checks the broker's counts again at start-up.",
  },
  FG4040: {
    title: 'join window missing',
    description:
      'A join of two topics (a windowed stream-stream join) without `window`: a stream-stream join needs to know how far apart in time two events may be.',
  },
  FG4041: {
    title: 'join window not allowed',
    description:
      'A `window` on a join that has a table side: only joins of two topics are windowed (a stream-table join reads the table as it is when the event comes).',
  },
  FG4042: {
    title: 'agent reads a table join',
    description:
      "An agent whose source is a table-table join: that join is a table, not a stream. List it under the agent's `tables` to read it, or read one of its tables' source topics.",
  },
  FG4043: {
    title: 'windowed join read twice',
    description:
      "A windowed join that more than one agent reads: the join buffers each side's events as its agents pass them through, so a second reader would buffer every event again and pair it twice. Let one agent read the join and send its results on (a sink or `sendsTo`).",
  },
} as const satisfies Record<string, ErrorKind>;

export type TopologyErrorCode = keyof typeof ERROR_CODES;

/** Where in the file an error is: 1-based line and column (UTF-16 code units), and the offset. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
  /** 0-based offset in the file's text. */
  readonly offset: number;
  /** How many characters the offending text spans (0 when there is none, e.g. at the end of the file). */
  readonly length: number;
}

export interface TopologyError extends SourcePosition {
  readonly code: TopologyErrorCode;
  /** The file as it was given (relative paths stay relative). */
  readonly file: string;
  /** RFC 6901 JSON pointer to the value concerned; '' is the whole document. */
  readonly pointer: string;
  /** What is wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /** A close, valid name or value ("did you mean"). */
  readonly suggestion?: string;
}

/** `#/a/b` for display; the document itself is `#`. */
export function displayPointer(pointer: string): string {
  return `#${pointer}`;
}

/**
 * One error in the form editors and terminals link to:
 * `topology.json:12:7 FG3002 #/agents/score/source/topic: unknown topic "paymnets" (did you mean "payments"?)`
 * followed by an indented `fix:` line.
 */
export function formatTopologyError(error: TopologyError): string {
  const hint = error.suggestion !== undefined ? ` (did you mean ${JSON.stringify(error.suggestion)}?)` : '';
  return (
    `${error.file}:${error.line}:${error.column} ${error.code} ${displayPointer(error.pointer)}: ${error.message}${hint}\n` +
    `    fix: ${error.fix}`
  );
}

/** Orders errors by position in the file, then code, then pointer (stable output for the same file). */
export function compareErrors(a: TopologyError, b: TopologyError): number {
  return a.offset - b.offset || a.code.localeCompare(b.code) || a.pointer.localeCompare(b.pointer);
}
