/** The shape of one setting's definition in the registry. */
import type { SettingType } from './types.js';

/**
 * - `supported`: the runtime honours it.
 * - `not-yet-built`: it configures something faustgen does not have yet; accepted, warned about.
 * - `unsupported-by-client`: kafkajs (the Kafka client) has no such knob; accepted, warned about.
 * - `not-applicable`: Python- or Faust-internal (threads, aerospike, logging handlers...); accepted, warned about.
 */
export type SettingStatus = 'supported' | 'not-yet-built' | 'unsupported-by-client' | 'not-applicable';

/** Faust's `SectionType`s, in the order of its configuration reference. */
export type SettingSection =
  | 'common'
  | 'agent'
  | 'broker'
  | 'consumer'
  | 'serialization'
  | 'producer'
  | 'stream'
  | 'rpc'
  | 'table'
  | 'topic'
  | 'webServer'
  | 'worker'
  | 'extension';

export const SECTION_TITLES: Readonly<Record<SettingSection, string>> = {
  common: 'Common',
  agent: 'Agent',
  broker: 'Broker',
  consumer: 'Consumer',
  serialization: 'Serialization',
  producer: 'Producer',
  stream: 'Stream',
  rpc: 'Agent RPC',
  table: 'Table',
  topic: 'Topic',
  webServer: 'Web server',
  worker: 'Worker',
  extension: 'Extension classes',
};

/** What a computed default or a finishing step can see while settings are being resolved. */
export interface ResolveContext {
  /** The id given to `new App(id)` (Faust's `conf.name`). */
  readonly id: string;
  /** The resolved value of another setting (by camelCase name). */
  get(name: string): unknown;
  /** The effective app id (Faust's `conf.id`): `id`, or `idFormat` applied when version > 1. */
  appId(): string;
}

export interface SettingSpec<T = unknown, In = T> {
  /** Faust's name for it, or null for a faustgen addition. */
  readonly faustName: string | null;
  readonly type: SettingType<T, In>;
  readonly section: SettingSection;
  /** One line: what it does. */
  readonly doc: string;
  readonly status: SettingStatus;
  /** Why the status is what it is, or how faustgen differs from Faust. */
  readonly note?: string;
  /**
   * True when the librdkafka client honours what kafkajs cannot: with `brokerClient: librdkafka`
   * neither the status warning nor `check` applies.
   */
  readonly honouredByLibrdkafka?: boolean;
  /** Set when the setting is deprecated: what to use instead. */
  readonly deprecated?: string;
  /** The default value; see `derive` for defaults computed from other settings. */
  readonly default?: T;
  /** A default computed from the app id or other settings (Faust's default_alias/default_template). */
  derive?(context: ResolveContext): T;
  /** How docs show the default when it is derived or machine-dependent. */
  readonly defaultDoc?: string;
  /** Faust's default, as docs show it, when faustgen's differs. */
  readonly faustDefault?: string;
  /** Applied to the value whatever its source (e.g. a relative tabledir goes under the datadir). */
  finish?(value: T, context: ResolveContext): T;
  /** A warning for a value that is accepted but cannot be honoured (e.g. exactly_once for now). */
  check?(value: T): string | undefined;
}

export interface SettingDef<T = unknown, In = T> extends SettingSpec<T, In> {
  /** camelCase name, as used in code and topology.json. */
  readonly name: string;
  /** Env variable with the default prefix, e.g. FAUSTGEN_BROKER. */
  readonly env: string;
  /** Command-line flag, without dashes, e.g. `broker-commit-every`. */
  readonly flag: string;
}

/** The spec with the value type taken from `type` alone (so `default: -1` does not widen it to number). */
type SpecTypedByType<T, In> = Omit<SettingSpec<T, In>, 'default' | 'derive' | 'finish' | 'check'> & {
  readonly default?: NoInfer<T>;
  derive?(context: ResolveContext): NoInfer<T>;
  finish?(value: NoInfer<T>, context: ResolveContext): NoInfer<T>;
  check?(value: NoInfer<T>): string | undefined;
};

/** Declares a setting with its value type inferred from `type`. */
export function setting<T, In>(spec: SpecTypedByType<T, In>): SettingSpec<T, In> {
  return spec;
}
