/** Joins: stream-table, table-table and windowed stream-stream (see each module). */
export { describeKeyType } from './copartition.js';
export { JoinKeyTypesError, JoinPartitionsError } from './errors.js';
export type { JoinHost } from './host.js';
export { StreamTableJoin } from './stream-table.js';
export { tableJoin } from './table-table.js';
export type {
  JoinKind,
  StreamTableJoined,
  StreamTableJoinKind,
  StreamTableJoinOptions,
  TableJoined,
  TableJoinOptions,
  WindowedJoinOptions,
  WindowJoined,
} from './types.js';
export { WindowedJoin } from './windowed-join.js';
