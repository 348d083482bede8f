/**
 * Plans a generation: which files `faustgen generate` writes for a topology, and the data each
 * template renders. Everything here is pure and ordered (sections in file order, stable names), so
 * the same topology always gives the same plan.
 */
import {
  type AgentDef,
  identifierOf,
  type JobAccess,
  type TableDef,
  type Topology,
  type TypeRef,
} from '../topology/index.js';
import { topologyHash } from './hash.js';
import { blockLiteral, literal, quote, raw } from './literal.js';

export const GENERATED_DIR = 'src/generated';
export const MANIFEST_FILE = `${GENERATED_DIR}/manifest.json`;
/** Registers the codecs topology.json declares; the generated app imports it first. */
export const CODECS_STUB = 'src/codecs.ts';

/** The kinds of scaffold-once stubs, each in its own folder under src/. */
export const STUB_KINDS = ['agents', 'tasks', 'timers', 'crontabs', 'services'] as const;
export type StubKind = (typeof STUB_KINDS)[number];

/** The helper each kind of stub default-exports the result of. */
export const STUB_HELPERS: Readonly<Record<StubKind, string>> = {
  agents: 'defineAgent',
  tasks: 'defineTask',
  timers: 'defineTimer',
  crontabs: 'defineCrontab',
  services: 'defineService',
};

export interface PlannedFile {
  /** Relative to the project folder, with '/'. */
  readonly path: string;
  /** The template that renders it (under templates/), or 'models' for the model file. */
  readonly template: string;
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
  readonly tables: readonly { readonly ident: string; readonly name: string; readonly expression: string }[];
  readonly agents: readonly AgentPlan[];
  readonly tasks: readonly JobPlan[];
  readonly timers: readonly JobPlan[];
  readonly crontabs: readonly JobPlan[];
  readonly services: readonly JobPlan[];
  /** Models each declaration file uses. */
  readonly topicModels: readonly string[];
  readonly tableModels: readonly string[];
  readonly channelsUseJson: boolean;
  /** Topics and channels, and tables, the helpers refer to. */
  readonly helperTopicImports: readonly string[];
  readonly helperTableImports: readonly string[];
  /** Topics and channels the wiring passes to app.agent() (sources and sinks). */
  readonly wiringTopicImports: readonly string[];
  readonly hasAgents: boolean;
  /** What the wiring imports from helpers.ts. */
  readonly wiringHelperImports: readonly string[];
  readonly hasJobs: boolean;
  readonly hasCodecs: boolean;
}

export interface AgentPlan {
  readonly name: string;
  readonly quoted: string;
  readonly ident: string;
  readonly stubImport: string;
  readonly stubLocal: string;
  readonly source: string;
  readonly options: string;
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

export const topicIdent = (name: string) => `${identifierOf(name)}Topic`;
export const channelIdent = (name: string) => `${identifierOf(name)}Channel`;
export const tableIdent = (name: string) => `${identifierOf(name)}Table`;
export const agentIdent = (name: string) => `${identifierOf(name)}Agent`;

export function stubPath(kind: StubKind, name: string): string {
  return `src/${kind}/${name}.ts`;
}

export function planGeneration(topology: Topology): GenerationPlan {
  const hash = topologyHash(topology);
  const generated: PlannedFile[] = [
    { path: `${GENERATED_DIR}/models.ts`, template: 'models' },
    { path: `${GENERATED_DIR}/app.ts`, template: 'generated/app.ts.hbs' },
    { path: `${GENERATED_DIR}/topics.ts`, template: 'generated/topics.ts.hbs' },
    { path: `${GENERATED_DIR}/tables.ts`, template: 'generated/tables.ts.hbs' },
    { path: `${GENERATED_DIR}/helpers.ts`, template: 'generated/helpers.ts.hbs' },
    { path: `${GENERATED_DIR}/wiring.ts`, template: 'generated/wiring.ts.hbs' },
    { path: `${GENERATED_DIR}/index.ts`, template: 'generated/index.ts.hbs' },
  ];
  const stubs: PlannedStub[] = [];
  for (const kind of STUB_KINDS) {
    for (const name of Object.keys(topology[kind])) {
      stubs.push({
        kind,
        name,
        helper: STUB_HELPERS[kind],
        path: stubPath(kind, name),
        template: `stubs/${kind.slice(0, -1)}.ts.hbs`,
      });
    }
  }
  return { hash, generated, stubs, context: templateContext(topology, hash) };
}

function templateContext(topology: Topology, hash: string): TemplateContext {
  const spec = (type: TypeRef | undefined) =>
    type === undefined ? undefined : type in topology.models ? raw(type) : type;
  const tsType = (type: TypeRef | undefined): string => {
    if (type === undefined) return 'unknown';
    if (type in topology.models) return type;
    return { string: 'string', number: 'number', bytes: 'Buffer', json: 'JsonValue' }[type] ?? 'unknown';
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
    expression: tableExpression(table, spec),
  }));

  const accessOf = (job: JobAccess, indent: number) =>
    blockLiteral(
      {
        tables: Object.fromEntries(job.tables.map((t) => [identifierOf(t), raw(tableIdent(t))])),
        topics: Object.fromEntries(job.sendsTo.map((t) => [identifierOf(t), raw(topicIdent(t))])),
      },
      indent,
    );
  const stubLocal = (name: string, suffix: string) => `${identifierOf(name)}${suffix}`;

  const sourceOf = (agent: AgentDef) =>
    'topic' in agent.source ? topicIdent(agent.source.topic) : channelIdent(agent.source.channel);
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
          ? `SourceValue<typeof ${sourceOf(topology.agents[first.agent] as AgentDef)}>`
          : `SourceValue<typeof ${'topic' in first ? topicIdent(first.topic) : channelIdent(first.channel)}>`;
    return {
      name: agent.name,
      quoted: quote(agent.name),
      ident: agentIdent(agent.name),
      stubImport: `../agents/${agent.name}.js`,
      stubLocal: stubLocal(agent.name, 'Stub'),
      source: sourceOf(agent),
      options: literal({
        name: agent.name,
        concurrency: agent.concurrency,
        isolatedPartitions: agent.isolatedPartitions ? true : undefined,
        sink: sinks.length > 0 ? sinks.map(raw) : undefined,
      }),
      access: accessOf(agent, 2),
      yieldType,
    };
  });

  const job = (kind: StubKind, name: string, access: JobAccess, registration: string): JobPlan => ({
    name,
    quoted: quote(name),
    stubImport: `../${kind}/${name}.js`,
    stubLocal: stubLocal(name, kind === 'services' ? 'Service' : 'Job'),
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

  const helperTopics = new Set<string>();
  const helperTables = new Set<string>();
  const wiringTopics = new Set<string>();
  for (const item of [
    ...Object.values(topology.agents),
    ...Object.values(topology.tasks),
    ...Object.values(topology.timers),
    ...Object.values(topology.crontabs),
    ...Object.values(topology.services),
  ]) {
    for (const t of item.tables) helperTables.add(tableIdent(t));
    for (const t of item.sendsTo) helperTopics.add(topicIdent(t));
  }
  for (const agent of Object.values(topology.agents)) {
    helperTopics.add(sourceOf(agent));
    wiringTopics.add(sourceOf(agent));
    for (const sink of agent.sinks) {
      if ('topic' in sink) wiringTopics.add(topicIdent(sink.topic));
      if ('channel' in sink) wiringTopics.add(channelIdent(sink.channel));
    }
    const first = agent.sinks[0];
    if (first !== undefined) {
      helperTopics.add(
        'topic' in first
          ? topicIdent(first.topic)
          : 'channel' in first
            ? channelIdent(first.channel)
            : sourceOf(topology.agents[first.agent] as AgentDef),
      );
    }
  }
  const modelsOf = (types: readonly (TypeRef | undefined)[]) =>
    [...new Set(types.filter((t): t is string => t !== undefined && t in topology.models))].sort();
  const channelTypes = Object.values(topology.channels).flatMap((c) => [c.keyType, c.valueType]);

  return {
    header: `// @generated by faustgen from topology ${hash}. Do not edit: change topology.json and run \`faustgen generate\`.`,
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
    agents,
    tasks,
    timers,
    crontabs,
    services,
    topicModels: modelsOf([
      ...Object.values(topology.topics).flatMap((t) => [t.keyType, t.valueType]),
      ...channelTypes,
    ]),
    tableModels: modelsOf(Object.values(topology.tables).flatMap((t) => [t.keyType, t.valueType])),
    channelsUseJson: channelTypes.includes('json'),
    helperTopicImports: [...helperTopics].sort(),
    helperTableImports: [...helperTables].sort(),
    wiringTopicImports: [...wiringTopics].sort(),
    hasAgents: agents.length > 0,
    wiringHelperImports: [
      ...(agents.length > 0 ? ['agentContext'] : []),
      ...(tasks.length + timers.length + crontabs.length + services.length > 0 ? ['jobContext'] : []),
      ...(tasks.length > 0 ? ['taskAccess'] : []),
      ...(timers.length > 0 ? ['timerAccess'] : []),
      ...(crontabs.length > 0 ? ['crontabAccess'] : []),
      ...(services.length > 0 ? ['serviceAccess'] : []),
    ].sort(),
    hasCodecs: Object.keys(topology.codecs).length > 0,
    hasJobs: tasks.length + timers.length + crontabs.length + services.length > 0,
  };
}

function tableExpression(table: TableDef, spec: (type: TypeRef | undefined) => unknown): string {
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
    keyIndex: table.keyIndex ? true : undefined,
    help: table.description,
  });
  let expression = `app.${method}(${quote(table.name)}, ${options})`;
  const window = table.window;
  if (window !== undefined) {
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
  return expression;
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
