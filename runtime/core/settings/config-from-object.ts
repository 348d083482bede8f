/**
 * Faust's `app.config_from_object()`: settings read from an object or a module, by camelCase
 * name or by Faust's snake_case name. Values are checked later, by resolveSettings, as settings
 * in code.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closestName, toCamel } from './names.js';
import { findSettingByFaustName, isSettingName, SETTINGS, type SettingsInput } from './registry.js';
import { type SettingProblem, SettingsError } from './resolve.js';

export interface ConfigFromObjectResult {
  readonly settings: SettingsInput;
  /** How Faust-style names were read, e.g. "broker_commit_every read as brokerCommitEvery". */
  readonly notes: readonly string[];
}

/** Faust's old option names (`App._prepare_compat_settings`). */
const FAUST_COMPAT_NAMES: Readonly<Record<string, string>> = {
  client_id: 'broker_client_id',
  commit_interval: 'broker_commit_interval',
  create_reply_topic: 'reply_create_topic',
  num_standby_replicas: 'table_standby_replicas',
  default_partitions: 'topic_partitions',
  replication_factor: 'topic_replication_factor',
};

function isModuleNamespace(source: object): boolean {
  return Object.prototype.toString.call(source) === '[object Module]';
}

/** A module's named exports are its settings; a module with only a default export gives that object's. */
function entriesOf(source: object): [string, unknown][] {
  if (isModuleNamespace(source)) {
    const named = Object.entries(source).filter(([key]) => key !== 'default');
    const fallback = (source as { default?: unknown }).default;
    if (named.length === 0 && typeof fallback === 'object' && fallback !== null)
      return Object.entries(fallback);
    return named;
  }
  return Object.entries(source);
}

/**
 * Reads settings from an object (or an imported module namespace). Keys may be camelCase names,
 * Faust's snake_case names or Faust's old option names (each read with a note); an unknown key
 * or one setting given under two names is a SettingsError.
 */
export function configFromObject(source: object): ConfigFromObjectResult {
  if (typeof source !== 'object' || source === null) {
    throw new SettingsError([
      { setting: 'configFromObject', source: 'configFromObject', message: 'expected an object or a module' },
    ]);
  }
  const settings: Record<string, unknown> = {};
  const givenAs = new Map<string, string>();
  const notes: string[] = [];
  const problems: SettingProblem[] = [];

  for (const [key, value] of entriesOf(source)) {
    if (value === undefined) continue;
    let name: string | undefined;
    if (isSettingName(key)) {
      name = key;
    } else if (findSettingByFaustName(key) !== undefined) {
      name = findSettingByFaustName(key)!.name;
      notes.push(`${key} read as ${name}`);
    } else if (FAUST_COMPAT_NAMES[key] !== undefined) {
      name = findSettingByFaustName(FAUST_COMPAT_NAMES[key])!.name;
      notes.push(`${key} is an old Faust option name, read as ${name}`);
    } else {
      const camel = toCamel(key);
      problems.push({
        setting: key,
        source: 'configFromObject',
        message: 'unknown setting',
        suggestion: isSettingName(camel)
          ? camel
          : closestName(
              key,
              SETTINGS.map((def) => def.name),
            ),
      });
      continue;
    }
    const earlier = givenAs.get(name);
    if (earlier !== undefined) {
      problems.push({
        setting: key,
        source: 'configFromObject',
        message: `sets ${name}, which is also given as ${earlier}; keep one`,
      });
      continue;
    }
    givenAs.set(name, key);
    settings[name] = value;
  }
  if (problems.length > 0) throw new SettingsError(problems);
  return { settings: settings as SettingsInput, notes };
}

export interface ConfigFromModuleOptions {
  /** When the module cannot be found, return no settings instead of throwing (Faust's `silent`). */
  silent?: boolean;
}

/**
 * Faust's `config_from_object('myproj.config')`: imports a module (a path relative to the current
 * directory, an absolute path or a package name) and reads its exports with configFromObject.
 */
export async function configFromModule(
  specifier: string,
  options: ConfigFromModuleOptions = {},
): Promise<ConfigFromObjectResult> {
  const isPath = specifier.startsWith('.') || isAbsolute(specifier);
  const target = isPath ? pathToFileURL(resolve(process.cwd(), specifier)).href : specifier;
  let namespace: object;
  try {
    namespace = (await import(target)) as object;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (options.silent === true && (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND')) {
      return { settings: {}, notes: [`config module ${specifier} not found; no settings read from it`] };
    }
    throw error;
  }
  return configFromObject(namespace);
}
