/**
 * Resolves an app's settings: command-line flag > env variable > settings in code (or
 * topology.json) > default. Every problem is collected and reported at once.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ResolveContext, SettingDef, SettingStatus } from './definition.js';
import { closestName, DEFAULT_ENV_PREFIX, envVariableName, toCamel } from './names.js';
import {
  findSetting,
  findSettingByFaustName,
  isSettingName,
  SETTINGS,
  type SettingName,
  type Settings,
  type SettingsInput,
  templateLookup,
} from './registry.js';
import { formatTemplate } from './template.js';
import { SettingValueError } from './types.js';

export type SettingSource =
  | { readonly kind: 'default' }
  | { readonly kind: 'code' }
  | { readonly kind: 'env'; readonly variable: string }
  | { readonly kind: 'flag'; readonly flag: string };

export interface SettingProblem {
  /** The setting as it was written (an unknown name is reported as given). */
  readonly setting: string;
  /** Where the value came from: `code`, `env FAUSTGEN_X`, `flag --x`, `default`. */
  readonly source: string;
  readonly message: string;
  /** A likely intended name or value. */
  readonly suggestion?: string;
}

/** Invalid settings: every problem found, each naming the setting, where its value came from and what is wrong. */
export class SettingsError extends Error {
  constructor(readonly problems: readonly SettingProblem[]) {
    super(formatProblems(problems));
    this.name = 'SettingsError';
  }
}

function formatProblems(problems: readonly SettingProblem[]): string {
  const lines = problems.map((problem) => {
    const hint = problem.suggestion !== undefined ? ` (did you mean ${problem.suggestion}?)` : '';
    return `  - ${problem.setting} (${problem.source}): ${problem.message}${hint}`;
  });
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return `Invalid settings, ${count}:\n${lines.join('\n')}`;
}

export interface ResolveOptions {
  /** Env variables; process.env by default. Empty values count as unset. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Command-line values by setting name (camelCase or kebab-case); undefined means not given. */
  flags?: Readonly<Record<string, unknown>>;
}

export type ResolvedSettings = Readonly<Settings> & {
  /** The id given to `new App(id)` (Faust's `conf.name`). */
  readonly id: string;
  /** The effective app id (Faust's `conf.id`): the consumer group and the prefix of internal topics. */
  readonly appId: string;
  /** Settings that were set but cannot be honoured, deprecated ones and likely env typos; log them at start-up. */
  readonly warnings: readonly string[];
  /** Where each setting's value came from. */
  readonly sources: Readonly<Record<SettingName, SettingSource>>;
};

/** Kafka's legal topic characters; the app id prefixes internal topics and names the consumer group. */
const KAFKA_NAME = /^[A-Za-z0-9._-]+$/;

const STATUS_WARNINGS: Readonly<Record<Exclude<SettingStatus, 'supported'>, string>> = {
  'not-yet-built': 'configures something faustgen does not have yet',
  'unsupported-by-client': 'cannot be honoured by the Kafka client (kafkajs)',
  'not-applicable': 'has no effect in faustgen',
};

interface Explicit {
  readonly raw: unknown;
  readonly source: SettingSource;
}

export function describeSource(source: SettingSource): string {
  switch (source.kind) {
    case 'env':
      return `env ${source.variable}`;
    case 'flag':
      return `flag --${source.flag}`;
    default:
      return source.kind;
  }
}

function unknownNameProblem(name: string, source: string): SettingProblem {
  const faust = findSettingByFaustName(name);
  if (faust !== undefined) {
    return {
      setting: name,
      source,
      message: "is Faust's name: use the camelCase name (configFromObject() accepts Faust names)",
      suggestion: faust.name,
    };
  }
  const camel = toCamel(name);
  const suggestion = isSettingName(camel)
    ? camel
    : closestName(
        name,
        SETTINGS.map((def) => def.name),
      );
  return { setting: name, source, message: 'unknown setting', suggestion };
}

function isGiven(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Picks each setting's winning raw value: flag > env > code. */
function collectExplicit(
  input: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
  flags: Readonly<Record<string, unknown>>,
  problems: SettingProblem[],
): Map<string, Explicit> {
  const flagValues = new Map<string, { flag: string; value: unknown }>();
  for (const [key, value] of Object.entries(flags)) {
    if (value === undefined) continue;
    const name = toCamel(key);
    if (!isSettingName(name)) problems.push(unknownNameProblem(key, `flag --${key}`));
    else flagValues.set(name, { flag: findSetting(name)!.flag, value });
  }
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined && !isSettingName(key)) problems.push(unknownNameProblem(key, 'code'));
  }

  const explicit = new Map<string, Explicit>();
  const envValue = (variable: string) => {
    const value = env[variable];
    return value === undefined || value === '' ? undefined : value;
  };
  const pick = (def: SettingDef, variable: string) => {
    const flag = flagValues.get(def.name);
    if (flag !== undefined) {
      explicit.set(def.name, { raw: flag.value, source: { kind: 'flag', flag: flag.flag } });
      return;
    }
    const fromEnv = envValue(variable);
    if (fromEnv !== undefined) {
      explicit.set(def.name, { raw: fromEnv, source: { kind: 'env', variable } });
      return;
    }
    if (isGiven(input[def.name])) explicit.set(def.name, { raw: input[def.name], source: { kind: 'code' } });
  };

  // envPrefix decides the names of the other variables, so it is read first, from an unprefixed variable.
  const envPrefixDef = findSetting('envPrefix')!;
  pick(envPrefixDef, envPrefixDef.env);
  for (const def of SETTINGS) {
    if (def !== envPrefixDef) pick(def, envVariableName(def.name, envPrefixOf(explicit)));
  }
  return explicit;
}

function envPrefixOf(explicit: Map<string, Explicit>): string {
  const raw = explicit.get('envPrefix')?.raw;
  return typeof raw === 'string' ? raw : DEFAULT_ENV_PREFIX;
}

/** Env variables with the prefix that name no setting but are close to one: likely typos. */
function envTypoWarnings(env: Readonly<Record<string, string | undefined>>, prefix: string): string[] {
  if (prefix === '') return [];
  const known = new Map(SETTINGS.map((def) => [envVariableName(def.name, prefix), def]));
  known.set(findSetting('envPrefix')!.env, findSetting('envPrefix')!);
  const head = envVariableName('x', prefix).slice(0, -1);
  const warnings: string[] = [];
  for (const variable of Object.keys(env)) {
    if (!variable.startsWith(head) || known.has(variable)) continue;
    const suggestion = closestName(variable, known.keys());
    if (suggestion !== undefined) {
      warnings.push(`env ${variable} names no setting; did you mean ${suggestion}?`);
    }
  }
  return warnings;
}

/**
 * Resolves the settings of app `id`. Throws SettingsError listing every unknown name, ill-typed
 * value and inconsistent pair; returns frozen settings with the effective app id and the
 * warnings to log at start-up.
 */
export function resolveSettings(
  id: string,
  input: SettingsInput = {},
  options: ResolveOptions = {},
): ResolvedSettings {
  const env = options.env ?? process.env;
  const flags = options.flags ?? {};
  const problems: SettingProblem[] = [];

  if (typeof id !== 'string' || !KAFKA_NAME.test(id)) {
    problems.push({
      setting: 'id',
      source: 'code',
      message: `the app id must be a non-empty string of letters, digits, ".", "_" and "-" (it names Kafka topics and the consumer group), got ${JSON.stringify(id)}`,
    });
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SettingsError([{ setting: 'settings', source: 'code', message: 'settings must be an object' }]);
  }

  const explicit = collectExplicit(input as Record<string, unknown>, env, flags, problems);
  const values = new Map<string, unknown>();
  const sources = {} as Record<SettingName, SettingSource>;
  const failed = new Set<string>();
  const resolving = new Set<string>();
  let appIdValue: string | undefined;

  const problemFor = (def: SettingDef, error: unknown): SettingProblem => {
    if (!(error instanceof SettingValueError)) throw error;
    const source = describeSource(explicit.get(def.name)?.source ?? { kind: 'default' });
    return { setting: def.name, source, message: error.message, suggestion: error.suggestion };
  };

  const context: ResolveContext = {
    id,
    get(name) {
      const def = findSetting(name);
      if (def === undefined) throw new Error(`settings registry: no setting named ${name}`);
      return settingValue(def);
    },
    appId: () => effectiveAppId(),
  };

  function defaultOf(def: SettingDef): unknown {
    return def.derive !== undefined ? def.derive(context) : def.default;
  }

  function settingValue(def: SettingDef): unknown {
    if (values.has(def.name)) return values.get(def.name);
    if (failed.has(def.name)) throw new SettingValueError(`depends on ${def.name}, which is invalid`);
    if (resolving.has(def.name)) throw new Error(`settings registry: ${def.name} depends on itself`);
    resolving.add(def.name);
    try {
      const given = explicit.get(def.name);
      const value = given !== undefined ? def.type.parse(given.raw) : defaultOf(def);
      const finished = def.finish !== undefined ? def.finish(value, context) : value;
      values.set(def.name, finished);
      sources[def.name as SettingName] = given?.source ?? { kind: 'default' };
      return finished;
    } catch (error) {
      failed.add(def.name);
      throw error;
    } finally {
      resolving.delete(def.name);
    }
  }

  function effectiveAppId(): string {
    appIdValue ??= formatAppId();
    return appIdValue;
  }

  function formatAppId(): string {
    if ((context.get('version') as number) <= 1) return id;
    const lookup = (name: string) =>
      name === 'id' || name === 'name' || name === 'self.name' || name === 'conf.name'
        ? id
        : name === 'self.id' || name === 'conf.id'
          ? undefined
          : templateLookup(context, name);
    return formatTemplate(context.get('idFormat') as string, lookup);
  }

  for (const def of SETTINGS) {
    try {
      settingValue(def);
    } catch (error) {
      const problem = problemFor(def, error);
      if (!problem.message.startsWith('depends on ')) problems.push(problem);
    }
  }

  let appId = id;
  if (!failed.has('version') && !failed.has('idFormat')) {
    try {
      appId = effectiveAppId();
      if (!KAFKA_NAME.test(appId)) {
        problems.push({
          setting: 'idFormat',
          source: describeSource(sources.idFormat),
          message: `gives the app id ${JSON.stringify(appId)}, which is not a valid Kafka name (letters, digits, ".", "_", "-")`,
        });
      }
    } catch (error) {
      problems.push(problemFor(findSetting('idFormat')!, error));
    }
  }

  problems.push(...consistencyProblems(values, sources));
  if (problems.length > 0) throw new SettingsError(problems);

  const warnings: string[] = [];
  const onLibrdkafka = values.get('brokerClient') === 'librdkafka';
  for (const def of SETTINGS) {
    const given = explicit.get(def.name);
    if (given === undefined) continue;
    const value = values.get(def.name);
    const where = describeSource(given.source);
    if (def.deprecated !== undefined)
      warnings.push(`${def.name} (${where}) is deprecated: ${def.deprecated}`);
    if (onLibrdkafka && def.honouredByLibrdkafka) continue;
    if (def.status !== 'supported' && !isDeepStrictEqual(value, defaultOf(def))) {
      const note = def.note !== undefined ? ` ${def.note}` : '';
      warnings.push(`${def.name} (${where}) is accepted but ${STATUS_WARNINGS[def.status]}.${note}`);
    }
    const checked = def.check?.(value);
    if (checked !== undefined) warnings.push(`${checked} (${where})`);
  }
  warnings.push(...envTypoWarnings(env, envPrefixOf(explicit)));

  const settings = Object.fromEntries(values) as Settings;
  return Object.freeze({
    ...settings,
    id,
    appId,
    warnings: Object.freeze(warnings),
    sources: Object.freeze(sources),
  });
}

/** Pairs of settings that contradict each other (Faust documents these; Kafka enforces them). */
function consistencyProblems(
  values: Map<string, unknown>,
  sources: Record<SettingName, SettingSource>,
): SettingProblem[] {
  const problems: SettingProblem[] = [];
  const num = (name: string) => values.get(name) as number | undefined;
  const heartbeat = num('brokerHeartbeatInterval');
  const session = num('brokerSessionTimeout');
  const request = num('brokerRequestTimeout');
  if (heartbeat !== undefined && session !== undefined && heartbeat >= session) {
    problems.push({
      setting: 'brokerHeartbeatInterval',
      source: describeSource(sources.brokerHeartbeatInterval),
      message: `${heartbeat}s must be less than brokerSessionTimeout (${session}s)`,
    });
  }
  if (session !== undefined && request !== undefined && session > request) {
    problems.push({
      setting: 'brokerSessionTimeout',
      source: describeSource(sources.brokerSessionTimeout),
      message: `${session}s must not be greater than brokerRequestTimeout (${request}s)`,
    });
  }
  return problems;
}
