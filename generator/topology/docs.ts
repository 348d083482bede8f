/**
 * Renders docs/topology.md from the topology's JSON Schema and the error codes (`npm run docs`
 * writes it; a test fails when it is stale).
 */
import { DURATION_TEXT } from './durations.js';
import { ERROR_CODES } from './errors.js';
import { NAME_RULES } from './names.js';
import { type Schema, TOPOLOGY_SCHEMA_FILE, TOPOLOGY_SCHEMA_REF, topologySchema } from './schema.js';
import { SETTINGS_OWNED_BY_APP } from './settings-schema.js';
import { type NamedSection, PRIMITIVE_TYPES } from './types.js';

const HEADER = `# The topology file

<!-- Generated from generator/topology/schema.ts and errors.ts by \`npm run docs\`. Do not edit by hand. -->

\`topology.json\` declares a faustgen app: its settings, models, topics, tables, joins, agents,
timers, services and routes. \`faustgen generate\` turns it into a typed TypeScript project, and
\`faustgen validate [file]\` checks it (every command loads it the same way).
[topology.example.json](../topology.example.json) is a complete example that uses every section.

Its JSON Schema ships in the package as \`${TOPOLOGY_SCHEMA_FILE}\`; a project points at it so that
editors complete and check the file as it is typed:

\`\`\`json
{ "$schema": "${TOPOLOGY_SCHEMA_REF}", "app": { "id": "payments" } }
\`\`\`

## Conventions

- Every section but \`app\` is an object keyed by name: \`"topics": { "payments": { ... } }\`. The
  name is how other entries refer to the entry, and generated code derives its identifiers and stub
  file names from it (\`score-payments\` -> \`scorePayments\`, \`src/agents/score-payments.ts\`).
- A **type** (\`keyType\`, \`valueType\`, \`request\`, \`response\`) is a model name or one of
  ${PRIMITIVE_TYPES.map((type) => `\`'${type}'\``).join(', ')}: what the value is.
- A **codec** (\`keySerializer\`, \`valueSerializer\`, a model's \`serializer\`) is \`'json'\`,
  \`'raw'\`, \`'binary'\`, a custom codec declared under \`codecs\` (and registered in code), or a
  chain such as \`'json|binary'\`: how the value is written.
- A **duration** is ${DURATION_TEXT}.
- Settings that a topic or table falls back to (\`topicPartitions\`, \`keySerializer\`, ...) still
  follow env variables and flags at start-up when the topology leaves them out.

## Validation

\`faustgen validate [file]\` (default \`./topology.json\`) reports every error at once and exits 0
when the file is valid, 1 when it is not (\`--json\` prints the errors as JSON). Each error reads

\`\`\`
topology.json:41:19 FG3002 #/agents/score-payments/source/topic: there is no topic "paymnets" (did you mean "payments"?)
    fix: name a topic declared under "topics" (payments, accounts), or declare it there
\`\`\`

with the file, line and column, a stable code (listed at the end of this page), the JSON pointer of
the value, what is wrong, the closest valid name when one is near, and how to fix it. Beyond the
schema it checks that references name declared entries, that names do not collide, that a table's
source topics have its partition count, that a join's sides fit together (key types, partition
counts, the kind and window its sides allow), cron expressions and time zones, windows, route paths
and parameters, model schemas, and every setting's value.
`;

const DEFINITIONS = topologySchema().definitions as Record<string, Schema>;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function definitionOf(schema: Schema): [string, Schema] | undefined {
  if (typeof schema.$ref !== 'string' || !schema.$ref.startsWith('#/definitions/')) return undefined;
  const name = schema.$ref.slice('#/definitions/'.length);
  return [name, DEFINITIONS[name]!];
}

/** A short label of what a place takes, linking to the sub-section of a nested object. */
function typeLabel(schema: Schema): string {
  if (typeof schema.$ref === 'string' && schema.$ref.startsWith('http://json-schema.org/'))
    return 'JSON Schema';
  const definition = definitionOf(schema);
  if (definition !== undefined) {
    const [name, target] = definition;
    if (target.properties !== undefined || target.oneOf !== undefined)
      return `[${name}](#${name.toLowerCase()})`;
    return String(target.title ?? name);
  }
  if (Array.isArray(schema.enum))
    return schema.enum.map((value) => `\`${JSON.stringify(value)}\``).join(' | ');
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.type === 'array') return `list of ${typeLabel((schema.items as Schema) ?? {})}`;
  if (schema.type === 'object' && typeof schema.additionalProperties === 'object') {
    return `object of ${typeLabel(schema.additionalProperties as Schema)}`;
  }
  if (schema.type === undefined) return 'any JSON';
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  let label = types.join(' | ');
  if (typeof schema.minimum === 'number' && typeof schema.maximum === 'number') {
    label += ` ${schema.minimum}..${schema.maximum}`;
  } else if (typeof schema.minimum === 'number') {
    label += ` >= ${schema.minimum}`;
  }
  return label;
}

function descriptionOf(schema: Schema): string {
  const own = typeof schema.description === 'string' ? schema.description : '';
  const definition = definitionOf(schema);
  const inherited =
    definition !== undefined && typeof definition[1].description === 'string'
      ? definition[1].description
      : '';
  return own || inherited;
}

function propertyTable(definition: Schema): string[] {
  const required = new Set((definition.required as string[] | undefined) ?? []);
  const rows = Object.entries((definition.properties as Record<string, Schema>) ?? {}).map(
    ([name, schema]) => {
      const fallback = schema.default !== undefined ? `\`${JSON.stringify(schema.default)}\`` : '';
      return `| \`${name}\` | ${cell(typeLabel(schema))} | ${required.has(name) ? 'yes' : ''} | ${cell(fallback)} | ${cell(descriptionOf(schema))} |`;
    },
  );
  return [
    '| Property | Type | Required | Default | Description |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ];
}

const SECTION_TEXTS: Readonly<Record<NamedSection, string>> = {
  models: 'model',
  codecs: 'codec',
  topics: 'topic',
  channels: 'channel',
  tables: 'table',
  joins: 'join',
  agents: 'agent',
  tasks: 'task',
  timers: 'timer',
  crontabs: 'crontab',
  services: 'service',
  routes: 'route',
};

/** Nested objects documented after the sections that use them. */
const NESTED = [
  'window',
  'tumblingWindow',
  'hoppingWindow',
  'slidingWindow',
  'joinSide',
  'joinWindow',
  'source',
  'sink',
];

function sectionDoc(section: NamedSection): string {
  const properties = topologySchema().properties as Record<string, Schema>;
  const entry = DEFINITIONS[SECTION_TEXTS[section]]!;
  return [
    `## ${section}`,
    '',
    String(properties[section]!.description),
    '',
    `Names: ${NAME_RULES[section].text}. Each entry: ${String(entry.description)}`,
    '',
    ...propertyTable(entry),
    '',
  ].join('\n');
}

function appDoc(): string {
  const owned = Object.entries(SETTINGS_OWNED_BY_APP)
    .map(([setting, place]) => `\`${setting}\` (set \`${place}\`)`)
    .join(', ');
  return [
    '## app',
    '',
    String(DEFINITIONS.app!.description),
    '',
    ...propertyTable(DEFINITIONS.app!),
    '',
    '### settings',
    '',
    `Every runtime setting of [settings.md](settings.md), by its camelCase name, except ${owned}. The`,
    "schema takes each setting's JSON form from the settings registry, and validation reads each",
    "value with the setting's own parser, as the runtime will. Faust's snake_case names are refused",
    'with the camelCase name suggested.',
    '',
  ].join('\n');
}

function nestedDoc(name: string): string {
  const definition = DEFINITIONS[name]!;
  const lines = [`### ${name}`, '', String(definition.description), ''];
  if (Array.isArray(definition.oneOf)) {
    const variants = (definition.oneOf as Schema[]).map((option) => typeLabel(option));
    lines.push(`One of ${variants.join(', ')}, chosen by \`type\`.`, '');
  } else {
    lines.push(...propertyTable(definition), '');
  }
  return lines.join('\n');
}

function routeKeyDoc(): string {
  const route = DEFINITIONS.route!.properties as Record<string, Schema>;
  return [
    '### tableRoute and topicRoute',
    '',
    String(route.tableRoute!.description),
    String(route.topicRoute!.description),
    '',
    ...propertyTable(route.tableRoute!).map((line) => line.replace('`table`', '`table` / `topic`')),
    '',
  ].join('\n');
}

function errorsDoc(): string {
  const rows = Object.entries(ERROR_CODES).map(
    ([code, kind]) => `| ${code} | ${cell(kind.title)} | ${cell(kind.description)} |`,
  );
  return [
    '## Error codes',
    '',
    'FG1xxx: the file and its JSON. FG2xxx: the shape the schema describes. FG3xxx: references to',
    'what is not declared. FG4xxx: consistency rules beyond the schema. Codes never change meaning.',
    '',
    '| Code | Error | When |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

/** The whole of docs/topology.md. */
export function renderTopologyDoc(): string {
  const sections = Object.keys(SECTION_TEXTS) as NamedSection[];
  return [
    HEADER,
    appDoc(),
    ...sections.map(sectionDoc),
    ...NESTED.map(nestedDoc),
    routeKeyDoc(),
    errorsDoc(),
  ].join('\n');
}
