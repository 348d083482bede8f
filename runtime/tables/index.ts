/** Tables: Table, GlobalTable, SetTable, SetGlobalTable, the table manager and its recovery. */
export { Collection, type TableKind } from './collection.js';
export {
  ChangelogBehindStoreError,
  PartitionsMismatchError,
  TableWriteOutsideStreamError,
} from './errors.js';
export {
  BACKLOG_HIGH,
  BACKLOG_LOW,
  type PartitionRecovery,
  type RecoveryPath,
  TableManager,
} from './manager.js';
export {
  type SetAction,
  SetGlobalTable,
  type SetManagerOperation,
  SetTable,
  SetTableManager,
  type SetTableOptions,
} from './set-table.js';
export { GlobalTable, Table, tableSerde } from './table.js';
export type {
  ChangelogConfig,
  ChangelogEvent,
  ChangelogInfo,
  RawEntry,
  StandbyProvider,
  TableExpirer,
  TableOptions,
  TableTypeOf,
  WindowableTable,
} from './types.js';
