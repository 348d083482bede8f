/** Renders docs/settings.md from the settings registry (`npm run docs` writes it; a test checks it). */
import { SECTION_TITLES, type SettingDef, type SettingSection, type SettingStatus } from './definition.js';
import { DEFAULT_ENV_PREFIX } from './names.js';
import { SETTINGS } from './registry.js';

const STATUS_TEXT: Readonly<Record<SettingStatus, string>> = {
  supported: 'supported',
  'not-yet-built': 'not yet built',
  'unsupported-by-client': 'not in kafkajs',
  'not-applicable': 'not applicable',
};

const HEADER = `# Settings

<!-- Generated from runtime/core/settings/registry.ts by \`npm run docs\`. Do not edit by hand. -->

The settings of a faustgen app: \`new App(id, settings)\`, the \`settings\` of topology.json,
\`configFromObject()\`, env variables and command-line flags. Names are camelCase; each row shows
Faust's name beside it (\`configFromObject()\` accepts Faust's names too).

## Where a value comes from

The first of these that gives one wins:

1. a command-line flag: \`--broker-commit-every 500\` (the setting's name in kebab-case);
2. an env variable: \`${DEFAULT_ENV_PREFIX}\` and the name in upper snake case, e.g. \`${DEFAULT_ENV_PREFIX}BROKER_COMMIT_EVERY=500\`.
   The \`envPrefix\` setting (itself read from \`${DEFAULT_ENV_PREFIX}ENV_PREFIX\`) replaces \`${DEFAULT_ENV_PREFIX}\`.
   Empty variables count as unset. Numbers, booleans (\`true/false\`, \`yes/no\`, \`on/off\`, \`1/0\`),
   durations (\`2.8\`, \`500ms\`, \`5m\`) and lists (\`a;b\` or \`a,b\`) are read per the setting's type;
   objects are JSON;
3. the settings in code or in topology.json;
4. the default.

An unknown name or a value of the wrong type stops the app with an error that names the setting,
where the value came from, what is wrong, and the closest valid name or value.

The effective app id is the id, or \`idFormat\` applied to it when \`version\` is more than 1
(\`payments\` at version 2 is \`payments-v2\`): it names the consumer group and prefixes internal topics.

## Status

- **supported**: the runtime honours it.
- **not yet built**: it configures something faustgen does not have yet.
- **not in kafkajs**: the Kafka client, kafkajs, has no such option. *(librdkafka: supported)* means
  that with \`brokerClient: librdkafka\` it is honoured and not warned about.
- **not applicable**: it is about Python or Faust internals.

Settings of the last three kinds are accepted, and when one is set to a value other than its default
the worker logs a warning at start-up saying it is not honoured: none is silently ignored.
Settings marked *faustgen* are faustgen's own.
`;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(value: unknown): string {
  const text = JSON.stringify(value);
  return `\`${text === undefined ? String(value) : text}\``;
}

function defaultCell(def: SettingDef): string {
  const ours = def.defaultDoc ?? code(def.default);
  return def.faustDefault !== undefined ? `${ours} (Faust: \`${def.faustDefault}\`)` : ours;
}

function descriptionCell(def: SettingDef): string {
  const parts = [def.doc];
  if (def.note !== undefined) parts.push(def.note);
  if (def.deprecated !== undefined) parts.push(`Deprecated: ${def.deprecated}.`);
  return parts.join(' ');
}

function row(def: SettingDef): string {
  const faustName = def.faustName !== null ? `\`${def.faustName}\`` : '*faustgen*';
  const cells = [
    `\`${def.name}\``,
    faustName,
    def.type.description,
    defaultCell(def),
    `\`${def.env}\``,
    def.honouredByLibrdkafka && def.status !== 'supported'
      ? `${STATUS_TEXT[def.status]} (librdkafka: supported)`
      : STATUS_TEXT[def.status],
    descriptionCell(def),
  ];
  return `| ${cells.map(cell).join(' | ')} |`;
}

/** The whole of docs/settings.md. */
export function renderSettingsDoc(): string {
  const sections: string[] = [HEADER];
  for (const section of Object.keys(SECTION_TITLES) as SettingSection[]) {
    const defs = SETTINGS.filter((def) => def.section === section);
    if (defs.length === 0) continue;
    sections.push(
      [
        `## ${SECTION_TITLES[section]}`,
        '',
        '| Setting | Faust name | Type | Default | Env variable | Status | Description |',
        '| --- | --- | --- | --- | --- | --- | --- |',
        ...defs.map(row),
        '',
      ].join('\n'),
    );
  }
  return sections.join('\n');
}
