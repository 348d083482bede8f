/**
 * Plans a generation: which files `faustgen generate` writes for a topology, and the data each
 * template renders. Everything here is pure and ordered (sections in file order, stable names), so
 * the same topology always gives the same plan.
 */
import {
  type AgentDef,
  agentIdent,
  baseTableIdent,
  channelIdent,
  GENERATED_NAMES,
  identifierOf,
  type JoinDef,
  joinIdent,
  stubLocal,
  tableIdent,
  topicIdent,
  type JobAccess,
  type ParamType,
  type RouteDef,
  type TableDef,
  type TopicDef,
  type Topology,
  type TypeRef,
} from '../topology/index.js';
import { sourceTopics } from '../topology/sources.js';
import { topologyHash } from './hash.js';
import { blockLiteral, literal, propertyKey, quote, raw } from './literal.js';

export const GENERATED_DIR = 'src/generated';
export const MANIFEST_FILE = `${GENERATED_DIR}/manifest.json`;
/** Registers the codecs topology.json declares; the generated app imports it first. */
export const CODECS_STUB = 'src/codecs.ts';

/** The kinds of scaffold-once stubs, each in its own folder under src/. */
export const STUB_KINDS = ['agents', 'tasks', 'timers', 'crontabs', 'services', 'views'] as const;
export type StubKind = (typeof STUB_KINDS)[number];

/** The topology section each kind of stub is for. */
export const STUB_SECTIONS = {
  agents: 'agents',
  tasks: 'tasks',
  timers: 'timers',
  crontabs: 'crontabs',
  services: 'services',
  views: 'routes',
} as const satisfies Record<StubKind, keyof Topology>;

/** The template of each kind of stub, under templates/stubs/. */
const STUB_TEMPLATES: Readonly<Record<StubKind, string>> = {
  agents: 'stubs/agent.ts.hbs',
  tasks: 'stubs/task.ts.hbs',
  timers: 'stubs/timer.ts.hbs',
  crontabs: 'stubs/crontab.ts.hbs',
  services: 'stubs/service.ts.hbs',
  views: 'stubs/view.ts.hbs',
};

/** The helper each kind of stub default-exports the result of. */
export const STUB_HELPERS: Readonly<Record<StubKind, string>> = {
  agents: 'defineAgent',
  tasks: 'defineTask',
  timers: 'defineTimer',
  crontabs: 'defineCrontab',
  services: 'defineService',
  views: 'defineRoute',
};

/** The functions and maps helpers.ts declares (stubs and the wiring import them). */
export const GENERATED_HELPERS: readonly string[] = [...GENERATED_NAMES].filter((name) =>
  /^(define|[a-z]+(Access|Context)$|routeRequest$)/.test(name),
);

/** faustgen's names, in generated code, go through this namespace (no model name can clash with them). */
export const RUNTIME_NAMESPACE = 'fg';

/** Where a name comes from: a module specifier, and whether the name is a namespace (`import * as`). */
export interface ImportSource {
  readonly module: string;
  readonly namespace?: boolean;
}

/** The names generated files may import from each other and from faustgen. */
export type ImportTable = ReadonlyMap<string, ImportSource>;

export interface PlannedFile {
  /** Relative to the project folder, with '/'. */
  readonly path: string;
  /** The template that renders it (under templates/), or 'models' for the model file. */
  readonly template: string;
  /** How the other generated files import it (`./topics.js`); its imports are computed from its code. */
  readonly module?: string;
}

export interface PlannedStub extends PlannedFile {
  readonly kind: StubKind;
  /** The item's name in topology.json. */
  readonly name: string;
  readonly helper: string;
}

export interface GenerationPlan {
  readonly hash: string;
  readonly generated: readonly PlannedFile[];
  readonly stubs: readonly PlannedStub[];
  /** What the templates render. */
  readonly context: TemplateContext;
  /** Every name a generated file may import, and the module it comes from. */
  readonly imports: ImportTable;
}

export interface TemplateContext {
  readonly header: string;
  readonly hash: string;
  readonly app: { readonly id: string; readonly version: number; readonly settings: string };
  readonly modelNames: readonly string[];
  readonly topics: readonly { readonly ident: string; readonly name: string; readonly expression: string }[];
  readonly channels: readonly {
    readonly ident: string;
    readonly name: string;
    readonly expression: string;
  }[];
  readonly tables: readonly {
    readonly ident: string;
    readonly name: string;
    /** For windowed tables: the plain table, declared first; `expression` windows it. */
    readonly base: { readonly ident: string; readonly expression: string } | undefined;
    readonly expression: string;
  }[];
  /** Declared after the tables (tables.ts): they join topics and tables. */
  readonly joins: readonly JoinPlan[];
  readonly agents: readonly AgentPlan[];
  readonly tasks: readonly JobPlan[];
  readonly timers: readonly JobPlan[];
  readonly crontabs: readonly JobPlan[];
  readonly services: readonly JobPlan[];
  readonly routes: readonly RoutePlan[];
  /** Routes grouped by path: one app.page() per path. */
  readonly pages: readonly PagePlan[];
  readonly hasAgents: boolean;
  readonly hasJobs: boolean;
  readonly hasCodecs: boolean;
}

export interface JoinPlan {
  readonly name: string;
  readonly ident: string;
  /** What the doc comment says it is. */
  readonly what: string;
  readonly expression: string;
}

export interface AgentPlan {
  readonly name: string;
  readonly quoted: string;
  readonly ident: string;
  readonly stubImport: string;
  readonly stubLocal: string;
  readonly source: string;
  readonly options: string;
  /** What the stub gets as its stream: `stream`, or the stream through a join. */
  readonly stream: string;
  /** The type of what the stub gets. */
  readonly streamType: string;
  /**
   * A windowed join's right side: a second app agent (`<name>.right`, a name no topology agent
   * can have) that runs the same stub over the right topic's results.
   */
  readonly right: { readonly source: string; readonly options: string; readonly stream: string } | undefined;
  readonly access: string;
  readonly yieldType: string;
}

export interface JobPlan {
  readonly name: string;
  readonly quoted: string;
  readonly stubImport: string;
  readonly stubLocal: string;
  readonly access: string;
  /** The app call's arguments before the handler (e.g. `30, { onLeader: true, name: 'x' }`). */
  readonly registration: string;
}

export interface RoutePlan {
  readonly name: string;
  readonly quoted: string;
  readonly stubImport: string;
  readonly stubLocal: string;
  readonly access: string;
  readonly types: string;
  readonly method: string;
  /** The handler given to app.page(), wrapped in tableRoute/topicRoute for key-owned routes. */
  readonly handler: string;
}

export interface PagePlan {
  readonly path: string;
  readonly quotedPath: string;
  readonly methods: readonly { readonly method: string; readonly handler: string }[];
  readonly options: string;
}

export { agentIdent, baseTableIdent, channelIdent, tableIdent, topicIdent };

const PARAM_TS: Readonly<Record<ParamType, string>> = {
  string: 'string',
  number: 'number',
  integer: 'number',
  boolean: 'boolean',
};

function paramsSchema(params: Readonly<Record<string, ParamType>>, required: boolean): object | undefined {
  const names = Object.keys(params);
  if (names.length === 0) return undefined;
  return {
    type: 'object',
    properties: Object.fromEntries(names.map((n) => [n, { type: params[n] }])),
    required: required ? names : undefined,
  };
}

function paramsType(params: Readonly<Record<string, ParamType>>, optional: boolean): string {
  const names = Object.keys(params);
  if (names.length === 0) return 'Record<string, never>';
  return `{ ${names.map((n) => `${propertyKey(n)}${optional ? '?' : ''}: ${PARAM_TS[params[n] as ParamType]}`).join('; ')} }`;
}

export function stubPath(kind: StubKind, name: string): string {
  return `src/${kind}/${name}.ts`;
}

export function planGeneration(topology: Topology): GenerationPlan {
  const hash = topologyHash(topology);
  const generated: PlannedFile[] = [
    { path: `${GENERATED_DIR}/models.ts`, template: 'models', module: './models.js' },
    { path: `${GENERATED_DIR}/app.ts`, template: 'generated/app.ts.hbs', module: './app.js' },
    { path: `${GENERATED_DIR}/topics.ts`, template: 'generated/topics.ts.hbs', module: './topics.js' },
    { path: `${GENERATED_DIR}/tables.ts`, template: 'generated/tables.ts.hbs', module: './tables.js' },
    { path: `${GENERATED_DIR}/helpers.ts`, template: 'generated/helpers.ts.hbs', module: './helpers.js' },
    { path: `${GENERATED_DIR}/wiring.ts`, template: 'generated/wiring.ts.hbs', module: './wiring.js' },
    { path: `${GENERATED_DIR}/index.ts`, template: 'generated/index.ts.hbs' },
  ];
  const stubs: PlannedStub[] = [];
  for (const kind of STUB_KINDS) {
    for (const name of Object.keys(topology[STUB_SECTIONS[kind]])) {
      stubs.push({
        kind,
        name,
        helper: STUB_HELPERS[kind],
        path: stubPath(kind, name),
        template: STUB_TEMPLATES[kind],
      });
    }
  }
  return { hash, generated, stubs, context: templateContext(topology, hash), imports: importTable(topology) };
}

function templateContext(topology: Topology, hash: string): TemplateContext {
  const spec = (type: TypeRef | undefined) =>
    type === undefined ? undefined : type in topology.models ? raw(type) : type;
  const tsType = (type: TypeRef | undefined): string => {
    if (type === undefined) return 'unknown';
    if (type in topology.models) return type;
    return { string: 'string', number: 'number', bytes: 'Buffer', json: 'fg.JsonValue' }[type] ?? 'unknown';
  };

  const topics = Object.values(topology.topics).map((topic) => ({
    ident: topicIdent(topic.name),
    name: topic.name,
    expression: `app.topic(${quote(topic.name)}, ${literal({
      keyType: spec(topic.keyType),
      valueType: spec(topic.valueType),
      keySerializer: topic.keySerializer,
      valueSerializer: topic.valueSerializer,
      partitions: topic.partitions,
      replicas: topic.replicas,
      retention: topic.retention,
      compacting: topic.compacting,
      deleting: topic.deleting,
      internal: topic.internal ? true : undefined,
      deadLetter: topic.deadLetter,
      config: Object.keys(topic.config).length > 0 ? topic.config : undefined,
    })})`,
  }));

  const channels = Object.values(topology.channels).map((channel) => ({
    ident: channelIdent(channel.name),
    name: channel.name,
    expression: `app.channel<${tsType(channel.keyType)}, ${tsType(channel.valueType)}>(${literal({
      name: channel.name,
      maxsize: channel.maxsize,
    })})`,
  }));

  const tables = Object.values(topology.tables).map((table) => ({
    ident: tableIdent(table.name),
    name: table.name,
    ...tableExpressions(table, spec, sourceTopicOf(topology, table)),
  }));

  const accessOf = (job: JobAccess, indent: number) =>
    blockLiteral(
      {
        tables: Object.fromEntries(job.tables.map((t) => [identifierOf(t), raw(tableIdent(t))])),
        topics: Object.fromEntries(job.sendsTo.map((t) => [identifierOf(t), raw(topicIdent(t))])),
      },
      indent,
    );

  const joins = Object.values(topology.joins).map((join) => joinPlan(join));

  /**
   * An agent reading a join reads its left topic (and a windowed join's right topic in a second
   * agent); validation lets agents read stream joins only.
   */
  const joinOf = (agent: AgentDef) =>
    'join' in agent.source
      ? (topology.joins[agent.source.join] as Exclude<JoinDef, { type: 'table-table' }>)
      : undefined;
  const sourceOf = (agent: AgentDef) => {
    const join = joinOf(agent);
    if (join !== undefined) return topicIdent(join.left.topic);
    return 'topic' in agent.source
      ? topicIdent(agent.source.topic)
      : channelIdent((agent.source as { channel: string }).channel);
  };
  const agents = orderAgents(topology).map((agent): AgentPlan => {
    const sinks = agent.sinks.map((sink) =>
      'topic' in sink
        ? topicIdent(sink.topic)
        : 'channel' in sink
          ? channelIdent(sink.channel)
          : agentIdent(sink.agent),
    );
    const first = agent.sinks[0];
    const yieldType =
      first === undefined
        ? 'unknown'
        : 'agent' in first
          ? `fg.SourceValue<typeof ${sourceOf(topology.agents[first.agent] as AgentDef)}>`
          : `fg.SourceValue<typeof ${'topic' in first ? topicIdent(first.topic) : channelIdent(first.channel)}>`;
    const options = (name: string) =>
      literal({
        name,
        concurrency: agent.concurrency,
        isolatedPartitions: agent.isolatedPartitions ? true : undefined,
        sink: sinks.length > 0 ? sinks.map(raw) : undefined,
      });
    const join = joinOf(agent);
    const joined = join === undefined ? undefined : joinIdent(join.name);
    return {
      name: agent.name,
      quoted: quote(agent.name),
      ident: agentIdent(agent.name),
      stubImport: `../agents/${agent.name}.js`,
      stubLocal: stubLocal('agents', agent.name),
      source: sourceOf(agent),
      options: options(agent.name),
      stream:
        join === undefined
          ? 'stream'
          : join.type === 'windowed'
            ? `${joined}.left(stream)`
            : `${joined}.join(stream)`,
      streamType:
        joined === undefined
          ? `fg.StreamOf<typeof ${sourceOf(agent)}>`
          : `fg.JoinedStreamOf<typeof ${joined}>`,
      right:
        join?.type === 'windowed'
          ? {
              source: topicIdent(join.right.topic),
              options: options(`${agent.name}.right`),
              stream: `${joined}.right(stream)`,
            }
          : undefined,
      access: accessOf(agent, 2),
      yieldType,
    };
  });

  const job = (kind: StubKind, name: string, access: JobAccess, registration: string): JobPlan => ({
    name,
    quoted: quote(name),
    stubImport: `../${kind}/${name}.js`,
    stubLocal: stubLocal(STUB_SECTIONS[kind], name),
    access: accessOf(access, 2),
    registration,
  });
  const tasks = Object.values(topology.tasks).map((t) =>
    job('tasks', t.name, t, literal({ name: t.name, onLeader: t.onLeader ? true : undefined })),
  );
  const timers = Object.values(topology.timers).map((t) =>
    job(
      'timers',
      t.name,
      t,
      `${t.interval}, ${literal({ name: t.name, onLeader: t.onLeader ? true : undefined })}`,
    ),
  );
  const crontabs = Object.values(topology.crontabs).map((t) =>
    job(
      'crontabs',
      t.name,
      t,
      `${quote(t.cron)}, ${literal({ name: t.name, onLeader: t.onLeader ? true : undefined, timezone: t.timezone })}`,
    ),
  );
  const services = Object.values(topology.services).map((s) => job('services', s.name, s, ''));

  const routes = Object.values(topology.routes).map((route): RoutePlan => {
    const local = stubLocal('routes', route.name);
    const body = route.request !== undefined && route.request in topology.models ? route.request : undefined;
    const call = `${local}.handler(routeRequest(request, reply${body !== undefined ? `, fg.validBody(${body}, request.body)` : ''}), routeContext(${quote(route.name)}))`;
    let handler = `(request, reply) =>\n      ${call}`;
    if (route.tableRoute !== undefined) {
      const table = topology.tables[route.tableRoute.table] as TableDef;
      const ident = table.window !== undefined ? baseTableIdent(table.name) : tableIdent(table.name);
      const source =
        route.tableRoute.in === 'query'
          ? { queryParam: route.tableRoute.param }
          : { matchInfo: route.tableRoute.param };
      handler = `app.tableRoute(${ident}, ${literal(source)}, ${handler},\n    )`;
    } else if (route.topicRoute !== undefined) {
      const source =
        route.topicRoute.in === 'query'
          ? { queryParam: route.topicRoute.param }
          : { matchInfo: route.topicRoute.param };
      handler = `app.topicRoute(${topicIdent(route.topicRoute.topic)}, ${literal(source)}, ${handler},\n    )`;
    }
    const types = `{ params: ${paramsType(route.params, false)}; query: ${paramsType(route.query, true)}; body: ${
      route.request !== undefined ? tsType(route.request) : 'undefined'
    }; response: ${route.response !== undefined ? tsType(route.response) : 'unknown'} }`;
    return {
      name: route.name,
      quoted: quote(route.name),
      stubImport: `../views/${route.name}.js`,
      stubLocal: local,
      access: accessOf(route, 2),
      types,
      method: route.method.toLowerCase(),
      handler,
    };
  });
  const pages: PagePlan[] = [];
  const pageRoutes = new Map<string, RouteDef[]>();
  for (const route of Object.values(topology.routes)) {
    pageRoutes.set(route.path, [...(pageRoutes.get(route.path) ?? []), route]);
  }
  for (const [path, onPath] of pageRoutes) {
    const first = onPath[0] as RouteDef;
    // A page's schema covers all its methods: the answer's schema only when one route has the path.
    const response =
      onPath.length === 1 && first.response !== undefined && first.response in topology.models
        ? { '2xx': raw(first.response) }
        : undefined;
    const schema = {
      params: paramsSchema(first.params, true),
      querystring: paramsSchema(first.query, false),
      response,
    };
    const empty = Object.values(schema).every((part) => part === undefined);
    pages.push({
      path,
      quotedPath: quote(path),
      methods: onPath.map((route) => {
        const planned = routes.find((r) => r.name === route.name) as RoutePlan;
        return { method: planned.method, handler: planned.handler };
      }),
      options: empty ? '' : blockLiteral({ schema }, 2),
    });
  }

  return {
    // No hash here: a file changes only when its own content does (the hash is app.ts's TOPOLOGY_HASH).
    header:
      '// @generated by faustgen from topology.json. Do not edit: change topology.json and run `faustgen generate`.',
    hash,
    app: {
      id: topology.app.id,
      version: topology.app.version,
      settings: blockLiteral({ version: topology.app.version, ...topology.app.settings }, 0),
    },
    modelNames: Object.keys(topology.models),
    topics,
    channels,
    tables,
    joins,
    agents,
    tasks,
    timers,
    crontabs,
    services,
    hasAgents: agents.length > 0,
    routes,
    pages,
    hasCodecs: Object.keys(topology.codecs).length > 0,
    hasJobs: tasks.length + timers.length + crontabs.length + services.length > 0,
  };
}

/** Every name generated files import from each other or from faustgen, in the order imports are printed. */
function importTable(topology: Topology): ImportTable {
  const table = new Map<string, ImportSource>([[RUNTIME_NAMESPACE, { module: 'faustgen', namespace: true }]]);
  const add = (names: Iterable<string>, module: string) => {
    for (const name of names) table.set(name, { module });
  };
  add(Object.keys(topology.models), './models.js');
  add(['app'], './app.js');
  add(Object.keys(topology.topics).map(topicIdent), './topics.js');
  add(Object.keys(topology.channels).map(channelIdent), './topics.js');
  for (const table of Object.values(topology.tables)) {
    add(
      table.window !== undefined
        ? [baseTableIdent(table.name), tableIdent(table.name)]
        : [tableIdent(table.name)],
      './tables.js',
    );
  }
  add(
    Object.values(topology.joins).map((join) =>
      join.type === 'table-table' ? tableIdent(join.name) : joinIdent(join.name),
    ),
    './tables.js',
  );
  add(GENERATED_HELPERS, './helpers.js');
  return table;
}

const tableOf = (side: { table: string }) => tableIdent(side.table);

function joinPlan(join: JoinDef): JoinPlan {
  const kind = { kind: join.kind };
  switch (join.type) {
    case 'stream-table':
      return {
        name: join.name,
        ident: joinIdent(join.name),
        what: `${join.kind} join of topic ${join.left.topic} with table ${join.right.table}`,
        expression: `app.streamTableJoin(${topicIdent(join.left.topic)}, ${tableOf(join.right)}, ${literal(kind)})`,
      };
    case 'table-table':
      return {
        name: join.name,
        ident: tableIdent(join.name),
        what: `a table, the ${join.kind} join of table ${join.left.table} with table ${join.right.table}`,
        expression: `app.tableJoin(${quote(join.name)}, ${tableOf(join.left)}, ${tableOf(join.right)}, ${literal(
          {
            ...kind,
            help: join.description,
          },
        )})`,
      };
    case 'windowed':
      return {
        name: join.name,
        ident: joinIdent(join.name),
        what: `windowed ${join.kind} join of topic ${join.left.topic} with topic ${join.right.topic}`,
        expression: `app.windowedJoin(${quote(join.name)}, ${topicIdent(join.left.topic)}, ${topicIdent(join.right.topic)}, ${literal(
          {
            ...kind,
            within: join.window.within,
            grace: join.window.grace === 0 ? undefined : join.window.grace,
          },
        )})`,
      };
  }
}

/**
 * The Kafka topic whose events write a table, when the topology tells: the topics read by the
 * agents that list the table, if they all type and serialize keys alike. The runtime places a key
 * as that topic partitions it (web routes); otherwise it infers the source at run time.
 */
function sourceTopicOf(topology: Topology, table: TableDef): string | undefined {
  if (table.kind === 'global' || table.kind === 'setGlobal') return undefined;
  const topics = Object.values(topology.agents)
    .filter((agent) => agent.tables.includes(table.name))
    .flatMap((agent) => sourceTopics(agent.source, topology.joins))
    .map((name) => topology.topics[name])
    .filter((topic): topic is TopicDef => topic !== undefined);
  const first = topics[0];
  if (!first) return undefined;
  const alike = topics.every(
    (topic) => topic.keyType === first.keyType && topic.keySerializer === first.keySerializer,
  );
  return alike ? first.name : undefined;
}

function tableExpressions(
  table: TableDef,
  spec: (type: TypeRef | undefined) => unknown,
  sourceTopic: string | undefined,
): { base: { ident: string; expression: string } | undefined; expression: string } {
  const isSet = table.kind === 'set' || table.kind === 'setGlobal';
  const method = { table: 'table', global: 'globalTable', set: 'setTable', setGlobal: 'setGlobalTable' }[
    table.kind
  ];
  const options = literal({
    keyType: spec(table.keyType),
    valueType: spec(table.valueType),
    keySerializer: table.keySerializer,
    valueSerializer: table.valueSerializer,
    default: !isSet && table.default !== undefined ? raw(`() => (${literal(table.default)})`) : undefined,
    partitions: table.partitions,
    sourceTopic,
    keyIndex: table.keyIndex ? true : undefined,
    help: table.description,
  });
  const declaration = `app.${method}(${quote(table.name)}, ${options})`;
  const window = table.window;
  if (window === undefined) return { base: undefined, expression: declaration };
  const base = { ident: baseTableIdent(table.name), expression: declaration };
  let expression = base.ident;
  {
    const windowOptions = literal({
      expires: window.expires,
      grace: window.grace === 0 ? undefined : window.grace,
    });
    const args =
      window.type === 'tumbling'
        ? `${window.size}`
        : window.type === 'hopping'
          ? `${window.size}, ${window.step}`
          : `${window.before}, ${window.after}`;
    expression += `\n  .${window.type}(${args}, ${windowOptions})`;
    if (window.relativeTo === 'now') expression += '\n  .relativeToNow()';
    if (window.relativeTo === 'field' && window.field !== undefined) {
      expression += `\n  .relativeToField(${quote(window.field)})`;
    }
  }
  return { base, expression };
}

/** Agents ordered so that an agent used as another's sink is declared first; otherwise file order. */
function orderAgents(topology: Topology): AgentDef[] {
  const ordered: AgentDef[] = [];
  const seen = new Set<string>();
  const visit = (agent: AgentDef) => {
    if (seen.has(agent.name)) return;
    seen.add(agent.name);
    for (const sink of agent.sinks) {
      if ('agent' in sink) {
        const target = topology.agents[sink.agent];
        if (target !== undefined) visit(target);
      }
    }
    ordered.push(agent);
  };
  for (const agent of Object.values(topology.agents)) visit(agent);
  return ordered;
}
