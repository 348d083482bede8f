/**
 * Setting value types: each knows how to read a value written in code, in an env variable
 * (always a string) or on the command line, and says what is wrong when it cannot.
 * They mirror Faust's `faust/types/settings/params.py` param classes.
 */
import { homedir } from 'node:os';
import type { ConnectionOptions } from 'node:tls';
import { closestName } from './names.js';

export type SettingKind =
  | 'string'
  | 'int'
  | 'uint'
  | 'seconds'
  | 'bool'
  | 'url'
  | 'brokerList'
  | 'dict'
  | 'enum'
  | 'codec'
  | 'path'
  | 'timezone'
  | 'port'
  | 'symbol'
  | 'credentials'
  | 'sslContext'
  | 'severity'
  | 'logHandlers'
  | 'autodiscover';

/** A value that cannot be read as the setting's type; `suggestion` is a likely intended value. */
export class SettingValueError extends Error {
  constructor(
    message: string,
    readonly suggestion?: string,
  ) {
    super(message);
    this.name = 'SettingValueError';
  }
}

export interface SettingType<T, In = T> {
  readonly kind: SettingKind;
  /** The accepted forms, as written in docs/settings.md. */
  readonly description: string;
  /** Whether `null` (not set) is a valid value. */
  readonly nullable: boolean;
  /** The canonical values when the set is fixed (enums), for the topology's JSON Schema and editors. */
  readonly values?: readonly (string | number)[];
  /** Reads a value from code, an env variable or a flag; throws SettingValueError. */
  parse(raw: unknown): T;
  /** Type-level only: the forms accepted as input. */
  readonly __input?: In;
}

/** A class or function given in code, or the name of one (Faust: a `symbol_by_name()` path). */
export type SymbolRef =
  | string
  | ((...args: never[]) => unknown)
  | (abstract new (
      ...args: never[]
    ) => unknown);

/** A codec name: `'json'`, `'raw'`, `'binary'` or the name a custom codec was registered under. */
export type CodecRef = string;

/** Chooses the partition of a produced message (the default is murmur2, as the Java client). */
export type Partitioner = (key: Buffer | null, numPartitions: number, topic: string) => number;

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/** SASL credentials for the Kafka connection (Faust's `SASLCredentials`). */
export interface BrokerCredentials {
  mechanism: SaslMechanism;
  username: string;
  password: string;
}

export interface BrokerCredentialsInput {
  /** PLAIN (the default), SCRAM-SHA-256 or SCRAM-SHA-512, in any letter case. */
  mechanism?: string;
  username: string;
  password: string;
}

/** TLS for the Kafka connection: `true` for the system's CAs, or Node's TLS connection options. */
export type SslContext = boolean | ConnectionOptions;

export type Severity = 'CRITICAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';

export type Autodiscover = boolean | string[] | (() => string[]);

/** How a received value is named in error messages. */
export function describeValue(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'an array';
  switch (typeof raw) {
    case 'string':
      return JSON.stringify(raw);
    case 'function':
      return 'a function';
    case 'object':
      return 'an object';
    default:
      return String(raw);
  }
}

function fail(expected: string, raw: unknown, suggestion?: string): never {
  throw new SettingValueError(`expected ${expected}, got ${describeValue(raw)}`, suggestion);
}

function isPlainObject(raw: unknown): raw is Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  const proto: unknown = Object.getPrototypeOf(raw);
  return proto === Object.prototype || proto === null;
}

function parseJsonObject(text: string, expected: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    fail(`${expected} (as JSON text)`, text);
  }
  if (!isPlainObject(parsed)) fail(`${expected} (as JSON text)`, text);
  return parsed;
}

/** Allows null (not set); `nullWords` are texts that also mean null, e.g. "none" for a compression type. */
export function nullable<T, In>(
  type: SettingType<T, In>,
  nullWords: readonly string[] = [],
): SettingType<T | null, In | null> {
  const isNullWord = (raw: unknown) =>
    typeof raw === 'string' && nullWords.includes(raw.trim().toLowerCase());
  return {
    kind: type.kind,
    description: `${type.description}, or null`,
    nullable: true,
    values: type.values,
    parse: (raw) => (raw === null || raw === undefined || isNullWord(raw) ? null : type.parse(raw)),
  };
}

export const string: SettingType<string> = {
  kind: 'string',
  description: 'string',
  nullable: false,
  parse(raw) {
    if (typeof raw !== 'string') fail('a string', raw);
    return raw;
  },
};

export interface IntOptions {
  min?: number;
  max?: number;
  /** The only valid values, when the set is small (e.g. producer acks). */
  allowed?: readonly number[];
  /** Words accepted for numbers, e.g. `{ all: -1 }`. */
  aliases?: Readonly<Record<string, number>>;
}

function integer(kind: 'int' | 'uint' | 'port', options: IntOptions): SettingType<number, number | string> {
  const { min, max, allowed, aliases = {} } = options;
  const range =
    allowed !== undefined
      ? `one of ${allowed.join(', ')}`
      : min !== undefined && max !== undefined
        ? `from ${min} to ${max}`
        : min !== undefined
          ? `${min} or more`
          : max !== undefined
            ? `${max} or less`
            : '';
  const aliasText = Object.keys(aliases).length > 0 ? ` (or ${Object.keys(aliases).join(', ')})` : '';
  const expected = `an integer${range ? ` ${range}` : ''}${aliasText}`;
  return {
    kind,
    description: `integer${range ? ` ${range}` : ''}${aliasText}`,
    nullable: false,
    parse(raw) {
      let value: number;
      if (typeof raw === 'number') {
        value = raw;
      } else if (typeof raw === 'string') {
        const text = raw.trim();
        const alias = aliases[text.toLowerCase()];
        if (alias !== undefined) return alias;
        // Python's int() accepts digit-group underscores (10_000); so do Faust env variables.
        if (!/^[+-]?\d+(_\d+)*$/.test(text)) fail(expected, raw);
        value = Number(text.replace(/_/g, ''));
      } else {
        fail(expected, raw);
      }
      if (!Number.isSafeInteger(value)) fail(expected, raw);
      const outOfRange =
        (allowed !== undefined && !allowed.includes(value)) ||
        (min !== undefined && value < min) ||
        (max !== undefined && value > max);
      if (outOfRange) fail(expected, raw);
      return value;
    },
  };
}

export const int = (options: IntOptions = {}): SettingType<number, number | string> =>
  integer('int', options);
/** An integer from a small fixed set, typed as that set (e.g. producer acks -1 | 0 | 1). */
export function intOneOf<const V extends number, A extends string = never>(
  values: readonly V[],
  aliases: Readonly<Record<A, NoInfer<V>>> = {} as Record<A, V>,
): SettingType<V, V | A> {
  const type = integer('int', { allowed: values, aliases });
  return { ...type, values } as SettingType<number, unknown> as SettingType<V, V | A>;
}
export const uint = (options: IntOptions = {}): SettingType<number, number | string> =>
  integer('uint', { min: 0, ...options });
/** A TCP port; 0 asks the operating system for a free one. */
export const port: SettingType<number, number | string> = integer('port', { min: 0, max: 65535 });

const SECONDS_UNITS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/** A duration in seconds (a float, as in Faust); strings may carry a unit: `500ms`, `10s`, `5m`, `1h`, `1d`. */
export const seconds: SettingType<number, number | string> = {
  kind: 'seconds',
  description: 'seconds (a number, or text such as "2.8", "500ms", "5m", "1h")',
  nullable: false,
  parse(raw) {
    const expected = 'a duration in seconds (0 or more), e.g. 2.8 or "500ms"';
    if (typeof raw === 'number') {
      if (!Number.isFinite(raw) || raw < 0) fail(expected, raw);
      return raw;
    }
    if (typeof raw !== 'string') fail(expected, raw);
    const match = /^(\d+(?:\.\d*)?|\.\d+)\s*(ms|s|m|h|d)?$/i.exec(raw.trim());
    if (!match) fail(expected, raw);
    const unit = SECONDS_UNITS[(match[2] ?? 's').toLowerCase()]!;
    // Rounded so that "100ms" gives 0.1, not 0.1 plus float noise.
    return Math.round(Number(match[1]) * unit * 1e9) / 1e9;
  },
};

/** Faust's `BOOLEAN_TERMS`. */
const BOOLEAN_TERMS: Readonly<Record<string, boolean>> = {
  true: true,
  yes: true,
  on: true,
  '1': true,
  false: false,
  no: false,
  off: false,
  '0': false,
};

function parseBool(raw: unknown): boolean | undefined {
  if (typeof raw === 'boolean') return raw;
  if (raw === 0 || raw === 1) return raw === 1;
  if (typeof raw === 'string') return BOOLEAN_TERMS[raw.trim().toLowerCase()];
  return undefined;
}

export const bool: SettingType<boolean, boolean | string> = {
  kind: 'bool',
  description: 'boolean (true/false, yes/no, on/off, 1/0)',
  nullable: false,
  parse(raw) {
    const value = parseBool(raw);
    if (value === undefined) fail('a boolean (true/false, yes/no, on/off, 1/0)', raw);
    return value;
  },
};

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

function checkUrl(text: string, requireHost: boolean): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    fail('a URL such as kafka://host:9092', text);
  }
  if (requireHost && url.hostname === '' && url.protocol !== 'memory:') {
    throw new SettingValueError(`URL ${JSON.stringify(text)} has no host`);
  }
  return text;
}

export const url: SettingType<string, string | URL> = {
  kind: 'url',
  description: 'URL (scheme://...)',
  nullable: false,
  parse(raw) {
    const text = raw instanceof URL ? raw.href : raw;
    if (typeof text !== 'string' || !SCHEME.test(text.trim())) fail('a URL with a scheme, e.g. lmdb://', raw);
    return checkUrl(text.trim(), false);
  },
};

/**
 * One or more broker URLs: an array, or text separated by `;` (Faust) or `,`. An entry without a
 * scheme takes the scheme of the first entry that has one, else `kafka://` (Faust's `urllist`).
 */
export const brokerList: SettingType<string[], string | readonly string[]> = {
  kind: 'brokerList',
  description: 'broker URLs: a list, or text separated by ";" or ","; kafka:// is assumed',
  nullable: false,
  parse(raw) {
    let entries: string[];
    if (typeof raw === 'string') {
      entries = raw.split(/[;,]/);
    } else if (Array.isArray(raw) && raw.every((entry) => typeof entry === 'string')) {
      entries = raw as string[];
    } else {
      fail('a broker URL, a list of them, or text separated by ";"', raw);
    }
    entries = entries.map((entry) => entry.trim()).filter((entry) => entry !== '');
    if (entries.length === 0) fail('at least one broker URL', raw);
    const firstScheme = entries.map((entry) => SCHEME.exec(entry)?.[0]).find((found) => found !== undefined);
    const defaultScheme = firstScheme ?? 'kafka://';
    return entries.map((entry) => checkUrl(SCHEME.test(entry) ? entry : defaultScheme + entry, true));
  },
};

export const dict: SettingType<Record<string, unknown>, Record<string, unknown> | string> = {
  kind: 'dict',
  description: 'object (JSON text in an env variable)',
  nullable: false,
  parse(raw) {
    if (typeof raw === 'string') return parseJsonObject(raw, 'an object');
    if (!isPlainObject(raw)) fail('an object', raw);
    return raw;
  },
};

/**
 * One of a fixed set of words. Matching ignores letter case and `-`/`_` differences;
 * `aliases` maps other accepted words (e.g. Python log level names) to values.
 */
export function enumOf<const V extends string, A extends string = never>(
  values: readonly V[],
  aliases: Readonly<Record<A, NoInfer<V>>> = {} as Record<A, V>,
): SettingType<V, V | A> {
  const canonical = (text: string) => text.trim().toLowerCase().replace(/-/g, '_');
  const table = new Map<string, V>();
  for (const value of values) table.set(canonical(value), value);
  for (const [alias, value] of Object.entries(aliases) as [string, V][]) table.set(canonical(alias), value);
  const expected = `one of ${values.map((value) => JSON.stringify(value)).join(', ')}`;
  return {
    kind: 'enum',
    description: values.map((value) => JSON.stringify(value)).join(' | '),
    nullable: false,
    values,
    parse(raw) {
      if (typeof raw !== 'string') fail(expected, raw);
      const value = table.get(canonical(raw));
      if (value === undefined) fail(expected, raw, closestName(raw, values));
      return value;
    },
  };
}

export const codec: SettingType<CodecRef> = {
  kind: 'codec',
  description: 'codec name: "json", "raw", "binary" or a registered one',
  nullable: false,
  parse(raw) {
    if (typeof raw !== 'string' || raw.trim() === '') fail('a codec name such as "json"', raw);
    return raw.trim();
  },
};

export const partitioner: SettingType<Partitioner> = {
  kind: 'symbol',
  description: 'function (key, numPartitions, topic) => partition',
  nullable: false,
  parse(raw) {
    if (typeof raw !== 'function') fail('a partitioner function (it can only be given in code)', raw);
    return raw as Partitioner;
  },
};

/** A file system path; a leading `~` is the home directory (Faust expands it too). */
export const path: SettingType<string> = {
  kind: 'path',
  description: 'path',
  nullable: false,
  parse(raw) {
    if (typeof raw !== 'string' || raw.trim() === '') fail('a path', raw);
    const text = raw.trim();
    return text === '~' || text.startsWith('~/') ? homedir() + text.slice(1) : text;
  },
};

/** An IANA time zone name such as `UTC` or `Europe/Oslo`. */
export const timezone: SettingType<string> = {
  kind: 'timezone',
  description: 'IANA time zone name (e.g. "UTC", "Europe/Oslo")',
  nullable: false,
  parse(raw) {
    if (typeof raw !== 'string' || raw.trim() === '') fail('a time zone name such as "Europe/Oslo"', raw);
    const text = raw.trim();
    if (text.toUpperCase() === 'UTC') return 'UTC';
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: text });
    } catch {
      fail('a time zone name such as "Europe/Oslo"', raw);
    }
    return text;
  },
};

export const symbol: SettingType<SymbolRef> = {
  kind: 'symbol',
  description: 'class or function, or its name',
  nullable: false,
  parse(raw) {
    if (typeof raw === 'function') return raw as SymbolRef;
    if (typeof raw === 'string' && raw.trim() !== '') return raw.trim();
    return fail('a class, a function or the name of one', raw);
  },
};

const MECHANISMS: Readonly<Record<string, SaslMechanism>> = {
  plain: 'plain',
  'scram-sha-256': 'scram-sha-256',
  'scram-sha-512': 'scram-sha-512',
};

export const credentials: SettingType<BrokerCredentials, BrokerCredentialsInput | string> = {
  kind: 'credentials',
  description: '{ mechanism: "plain" | "scram-sha-256" | "scram-sha-512", username, password } (JSON in env)',
  nullable: false,
  parse(raw) {
    const expected = 'SASL credentials { mechanism, username, password }';
    const value = typeof raw === 'string' ? parseJsonObject(raw, expected) : raw;
    if (!isPlainObject(value)) fail(expected, raw);
    const { mechanism = 'plain', username, password } = value;
    if (typeof mechanism !== 'string') fail(expected, raw);
    const normalized = MECHANISMS[mechanism.trim().toLowerCase().replace(/_/g, '-')];
    if (normalized === undefined) {
      throw new SettingValueError(
        `SASL mechanism ${JSON.stringify(mechanism)} is not available with kafkajs here; ` +
          'use "plain", "scram-sha-256" or "scram-sha-512"',
        closestName(mechanism, Object.keys(MECHANISMS)),
      );
    }
    if (typeof username !== 'string' || typeof password !== 'string') {
      throw new SettingValueError('SASL credentials need a string username and password');
    }
    return { mechanism: normalized, username, password };
  },
};

export const sslContext: SettingType<SslContext, SslContext | string> = {
  kind: 'sslContext',
  description: 'true, or Node TLS connection options { ca, cert, key, ... } (JSON in env)',
  nullable: false,
  parse(raw) {
    const flag = parseBool(raw);
    if (flag !== undefined) return flag;
    if (typeof raw === 'string') return parseJsonObject(raw, 'true or TLS options') as ConnectionOptions;
    if (!isPlainObject(raw)) fail('true or TLS connection options', raw);
    return raw as ConnectionOptions;
  },
};

const SEVERITIES: Readonly<Record<string, Severity>> = {
  critical: 'CRITICAL',
  fatal: 'CRITICAL',
  error: 'ERROR',
  warn: 'WARN',
  warning: 'WARN',
  info: 'INFO',
  debug: 'DEBUG',
  '50': 'CRITICAL',
  '40': 'ERROR',
  '30': 'WARN',
  '20': 'INFO',
  '10': 'DEBUG',
};

/** A Python logging severity, by name or number. */
export const severity: SettingType<Severity, Severity | string | number> = {
  kind: 'severity',
  description: 'log severity: CRITICAL, ERROR, WARN, INFO, DEBUG (or 50/40/30/20/10)',
  nullable: false,
  parse(raw) {
    const key =
      typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim().toLowerCase() : '';
    const value = SEVERITIES[key];
    if (value === undefined) {
      const hint =
        typeof raw === 'string'
          ? closestName(raw, ['CRITICAL', 'ERROR', 'WARN', 'INFO', 'DEBUG'])
          : undefined;
      fail('a severity: CRITICAL, ERROR, WARN, INFO or DEBUG', raw, hint);
    }
    return value;
  },
};

export const logHandlers: SettingType<unknown[], readonly unknown[]> = {
  kind: 'logHandlers',
  description: 'list of log handlers',
  nullable: false,
  parse(raw) {
    if (!Array.isArray(raw)) fail('a list', raw);
    return [...raw];
  },
};

export const autodiscover: SettingType<
  Autodiscover,
  boolean | readonly string[] | (() => string[]) | string
> = {
  kind: 'autodiscover',
  description: 'boolean, list of package names, or a function returning one',
  nullable: false,
  parse(raw) {
    const flag = parseBool(raw);
    if (flag !== undefined) return flag;
    if (typeof raw === 'function') return raw as () => string[];
    if (typeof raw === 'string') {
      return raw
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '');
    }
    if (Array.isArray(raw) && raw.every((name) => typeof name === 'string')) return [...(raw as string[])];
    return fail('a boolean, a list of package names or a function', raw);
  },
};
