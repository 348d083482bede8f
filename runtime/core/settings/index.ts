export {
  type ConfigFromModuleOptions,
  type ConfigFromObjectResult,
  configFromModule,
  configFromObject,
} from './config-from-object.js';
export {
  type ResolveContext,
  SECTION_TITLES,
  type SettingDef,
  type SettingSection,
  type SettingSpec,
  type SettingStatus,
} from './definition.js';
export { renderSettingsDoc } from './docs.js';
export { DEFAULT_ENV_PREFIX, envVariableName } from './names.js';
export {
  findSetting,
  findSettingByFaustName,
  isSettingName,
  SETTINGS,
  type SettingName,
  type Settings,
  type SettingsInput,
} from './registry.js';
export {
  describeSource,
  type ResolvedSettings,
  type ResolveOptions,
  resolveSettings,
  type SettingProblem,
  type SettingSource,
  SettingsError,
} from './resolve.js';
export type {
  Autodiscover,
  BrokerCredentials,
  BrokerCredentialsInput,
  CodecRef,
  SaslMechanism,
  Severity,
  SettingKind,
  SettingType,
  SslContext,
  Partitioner,
  SymbolRef,
} from './types.js';
