/**
 * The JSON Schema of `app.settings`, derived from the settings registry so that it never drifts:
 * one property per setting, its JSON form taken from the setting's type. The schema checks the
 * JSON shape (and gives editors names, docs and enum values); the loader then reads each value
 * with the setting's own parser, which checks the rest (ranges, URLs, time zones).
 */
import { SETTINGS, type SettingDef, type SettingKind } from '../../runtime/core/index.js';
import { DURATION_PATTERN } from './durations.js';

type Schema = Record<string, unknown>;

/** Settings that have their own place in the topology instead of `app.settings`. */
export const SETTINGS_OWNED_BY_APP: Readonly<Record<string, string>> = {
  version: 'app.version',
};

const URL_PATTERN = '^[A-Za-z][A-Za-z0-9+.-]*://';

const KIND_SCHEMAS: Readonly<Record<SettingKind, () => Schema>> = {
  string: () => ({ type: 'string' }),
  int: () => ({ type: 'integer' }),
  uint: () => ({ type: 'integer', minimum: 0 }),
  port: () => ({ type: 'integer', minimum: 0, maximum: 65535 }),
  seconds: () => ({ type: ['number', 'string'], minimum: 0, pattern: DURATION_PATTERN }),
  bool: () => ({ type: 'boolean' }),
  url: () => ({ type: 'string', pattern: URL_PATTERN }),
  brokerList: () => ({
    type: ['string', 'array'],
    minLength: 1,
    minItems: 1,
    items: { type: 'string', minLength: 1 },
  }),
  dict: () => ({ type: 'object' }),
  enum: () => ({ type: 'string' }),
  codec: () => ({ type: 'string', minLength: 1 }),
  path: () => ({ type: 'string', minLength: 1 }),
  timezone: () => ({ type: 'string', minLength: 1, examples: ['UTC', 'Europe/Oslo', 'America/New_York'] }),
  symbol: () => ({ type: 'string', minLength: 1 }),
  credentials: () => ({
    type: 'object',
    properties: {
      mechanism: { type: 'string', enum: ['plain', 'scram-sha-256', 'scram-sha-512'] },
      username: { type: 'string' },
      password: { type: 'string' },
    },
    required: ['username', 'password'],
    additionalProperties: false,
  }),
  sslContext: () => ({ type: ['boolean', 'object'] }),
  severity: () => ({ type: ['string', 'integer'], examples: ['CRITICAL', 'ERROR', 'WARN', 'INFO', 'DEBUG'] }),
  logHandlers: () => ({ type: 'array' }),
  autodiscover: () => ({ type: ['boolean', 'array'], items: { type: 'string' } }),
};

function withNull(schema: Schema): Schema {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const result: Schema = { ...schema, type: [...types, 'null'] };
  if (Array.isArray(schema.enum)) result.enum = [...schema.enum, null];
  return result;
}

/** A default that JSON can hold and that does not depend on where the app runs. */
function jsonDefault(def: SettingDef): unknown {
  if (def.derive !== undefined || def.defaultDoc !== undefined) return undefined;
  const value = def.default;
  if (value === undefined || typeof value === 'function') return undefined;
  return value;
}

export function settingSchema(def: SettingDef): Schema {
  let schema = KIND_SCHEMAS[def.type.kind]();
  if (def.type.values !== undefined) schema = { ...schema, enum: [...def.type.values] };
  if (def.type.nullable) schema = withNull(schema);
  const description = [def.doc, def.note].filter((part) => part !== undefined).join(' ');
  const result: Schema = { description: `${description} (${def.type.description}.)`, ...schema };
  const fallback = jsonDefault(def);
  if (fallback !== undefined) result.default = fallback;
  if (def.deprecated !== undefined) result.deprecationMessage = `Deprecated: ${def.deprecated}.`;
  return result;
}

/** The `app.settings` object: every setting of the registry but those the topology places elsewhere. */
export function settingsSchema(): Schema {
  const properties: Record<string, Schema> = {};
  for (const def of SETTINGS) {
    if (def.name in SETTINGS_OWNED_BY_APP) continue;
    properties[def.name] = settingSchema(def);
  }
  return {
    title: 'settings',
    description:
      'Runtime settings by their camelCase names (docs/settings.md). An env variable or a command-line flag given when the worker starts overrides a value set here.',
    type: 'object',
    properties,
    additionalProperties: false,
  };
}
