/** The topology file: its types, JSON Schema, loading and validation (generator/topology). */
export {
  ERROR_CODES,
  type ErrorKind,
  compareErrors,
  displayPointer,
  formatTopologyError,
  type SourcePosition,
  type TopologyError,
  type TopologyErrorCode,
} from './errors.js';
export { DURATION_PATTERN, durationSeconds } from './durations.js';
export {
  DEFAULT_TOPOLOGY_FILE,
  type LoadResult,
  loadTopology,
  parseTopology,
  type TopologyText,
} from './load.js';
export {
  agentIdent,
  baseTableIdent,
  channelIdent,
  GENERATED_NAMES,
  generatedIdentifiers,
  identifierOf,
  joinIdent,
  NAME_RULES,
  type NameRule,
  RESERVED_TYPE_NAMES,
  RESERVED_WORDS,
  stubLocal,
  tableIdent,
  topicIdent,
} from './names.js';
export { pathPlaceholders } from './read.js';
export {
  buildTopologySchema,
  renderTopologySchemaFile,
  TOPOLOGY_SCHEMA_FILE,
  TOPOLOGY_SCHEMA_REF,
  topologySchema,
} from './schema.js';
export { renderTopologyDoc } from './docs.js';
export { codeFrame, type FrameOptions, renderTopologyError, topologyErrorLines } from './frame.js';
export * from './types.js';
