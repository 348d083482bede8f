/**
 * Windowed tables. The table core's `.tumbling()`, `.hopping()` and `.sliding()` call these:
 *
 *   tumbling(table, 60, { expires: 3600, grace: 5 })  -> WindowedTable
 */
import type { WindowHost } from './types.js';
import { HoppingWindow, SlidingWindow, TumblingWindow, type WindowOptions } from './window.js';
import { WindowedTable, type WindowedTableOptions } from './windowed-table.js';

export type { Relativity, TimeValue } from './relativity.js';
export { pythonFloatRepr } from './python-float.js';
export type { WindowCloseCallback, WindowedKey, WindowHost, WindowHostOptions } from './types.js';
export {
  HoppingWindow,
  isClosed,
  SlidingWindow,
  TumblingWindow,
  type Window,
  type WindowKind,
  type WindowOptions,
  type WindowRange,
  windowRangeFromStart,
} from './window.js';
export { decodeWindowedKey, encodeWindowedKey, WindowedKeyError } from './window-key.js';
export { WindowTracker } from './window-tracker.js';
export {
  retentionSeconds,
  WATERMARK_META,
  WindowedTable,
  type WindowedTableOptions,
  WindowSet,
  type WindowStats,
} from './windowed-table.js';

export type WindowedOptions<K, V> = WindowOptions & WindowedTableOptions<K, V>;

function split<K, V>(options: WindowedOptions<K, V>): [WindowOptions, WindowedTableOptions<K, V>] {
  const { expires, grace, ...rest } = options;
  return [{ ...(expires !== undefined ? { expires } : {}), ...(grace !== undefined ? { grace } : {}) }, rest];
}

/** Fixed-size, non-overlapping windows of `size` seconds. */
export function tumbling<K, V>(
  table: WindowHost<V>,
  size: number,
  options: WindowedOptions<K, V> = {},
): WindowedTable<K, V> {
  const [windowOptions, tableOptions] = split(options);
  return new WindowedTable<K, V>(table, new TumblingWindow(size, windowOptions), tableOptions);
}

/** Windows of `size` seconds starting every `step` seconds. */
export function hopping<K, V>(
  table: WindowHost<V>,
  size: number,
  step: number,
  options: WindowedOptions<K, V> = {},
): WindowedTable<K, V> {
  const [windowOptions, tableOptions] = split(options);
  return new WindowedTable<K, V>(table, new HoppingWindow(size, step, windowOptions), tableOptions);
}

/** One window `[t - before, t + after]` per event. */
export function sliding<K, V>(
  table: WindowHost<V>,
  before: number,
  after: number,
  options: WindowedOptions<K, V> = {},
): WindowedTable<K, V> {
  const [windowOptions, tableOptions] = split(options);
  return new WindowedTable<K, V>(table, new SlidingWindow(before, after, windowOptions), tableOptions);
}
