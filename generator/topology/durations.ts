/**
 * Durations in the topology: a number of seconds, or text with a unit (`"500ms"`, `"10s"`, `"5m"`,
 * `"1h"`, `"7d"`), read the way the settings read theirs.
 */
import { seconds } from '../../runtime/core/index.js';

/** The form durations take as text; a bare number in text means seconds. */
export const DURATION_PATTERN = '^(\\d+(\\.\\d+)?|\\.\\d+)(ms|s|m|h|d)?$';

export const DURATION_TEXT =
  'a number of seconds, or text with a unit: "500ms", "10s", "5m", "1h", "7d" (a bare number in text is seconds)';

/** Seconds; the value must already match the schema (a number >= 0 or text of DURATION_PATTERN). */
export function durationSeconds(value: number | string): number {
  return seconds.parse(value);
}
