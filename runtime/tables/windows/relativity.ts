/**
 * Which time a windowed table reads and writes at (Faust's time-relativity): the event's Kafka
 * timestamp (default), the wall clock, a field of the event's value, or any function of the event.
 * Times are float seconds since the epoch, as in Faust.
 */
import type { Event } from '../../streams/event.js';

export type TimeValue = number | Date | string;

/** Returns the time in seconds for an event (undefined outside a stream). */
export type Relativity = (event: Event | undefined, nowMs: number) => number;

/** Seconds of a field value: a number is seconds (Faust's float), a Date, or an ISO-8601 string. */
export function toSeconds(value: unknown, what: string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
  } else if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isFinite(ms)) return ms / 1000;
  } else if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms / 1000;
  }
  throw new TypeError(
    `${what} is ${describe(value)}: expected seconds since the epoch (a number), a Date or an ISO-8601 string`,
  );
}

export const relativeToStream: Relativity = (event) => {
  if (!event) throw new Error('windowed table: stream-relative time outside of a stream (no current event)');
  return event.timestamp / 1000;
};

export const relativeToNow: Relativity = (_event, nowMs) => nowMs / 1000;

export function relativeToField(field: string): Relativity {
  return (event) => {
    if (!event)
      throw new Error(`windowed table: time of field '${field}' outside of a stream (no current event)`);
    const value = event.value;
    if (typeof value !== 'object' || value === null) {
      throw new TypeError(
        `windowed table: the event's value is ${describe(value)}, it has no field '${field}'`,
      );
    }
    return toSeconds((value as Record<string, unknown>)[field], `field '${field}' of the event's value`);
  };
}

export function relativeTo(source: TimeValue | ((event: Event | undefined) => TimeValue)): Relativity {
  if (typeof source === 'function')
    return (event) => toSeconds(source(event), 'the relative_to function result');
  const seconds = toSeconds(source, 'the relative_to time');
  return () => seconds;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  return `a ${typeof value}`;
}
