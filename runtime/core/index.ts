/**
 * faustgen/core: the runtime's base layer as the generator and tools use it: the settings
 * registry (every setting once: names, types, defaults, docs), their resolution, and the name
 * helpers the topology loader shares with it. Nothing here starts a worker.
 */
export * from './settings/index.js';
export { closestName, toCamel } from './settings/names.js';
export { seconds } from './settings/types.js';
export {
  BUILTIN_COMMANDS,
  type BuiltinCommandName,
  type BuiltinCommandSpec,
  COMMON_FLAGS,
  type CommandArgSpec,
  type CommandFlagSpec,
  commandHelp,
} from './commands.js';
