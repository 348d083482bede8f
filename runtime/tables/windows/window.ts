/**
 * Window types with Faust's exact range arithmetic (faust/windows.py), so that windowed changelog
 * keys match Python Faust's, plus what Faust lacks: closing by event time with a grace period.
 *
 * Times are float seconds since the epoch. A range is labelled `[start, end]` with
 * `end = start + size - 0.1` (Faust's convention); for hopping and tumbling windows an event at
 * time t belongs to the windows with `start <= t < start + size`, so the label end is a label,
 * not a bound (t = 9.95 falls into tumbling window (0.0, 9.9)).
 */

/** `[start, end]` in float seconds, as Faust's `WindowRange` tuple. */
export type WindowRange = readonly [start: number, end: number];

export interface WindowOptions {
  /**
   * How long a window's data is kept after the window ends, in event-time seconds (Faust's
   * `expires`; also the changelog's retention). Undefined: kept until deleted.
   */
  expires?: number;
  /** How long after its end a window still accepts late events, in event-time seconds. Default 0. */
  grace?: number;
}

export interface Window {
  /** 'hopping' | 'tumbling' | 'sliding', for messages and descriptions. */
  readonly kind: WindowKind;
  readonly expires: number | undefined;
  readonly grace: number;
  /** Seconds of event time one window covers (hopping: size; sliding: before + after). */
  readonly span: number;
  /** Every range the timestamp falls into, oldest first (Faust's `ranges`). */
  ranges(timestamp: number): WindowRange[];
  /** The latest range containing the timestamp (Faust's `current`). */
  current(timestamp: number): WindowRange;
  /** The oldest range containing the timestamp (Faust's `earliest`). */
  earliest(timestamp: number): WindowRange;
  /** `current(timestamp - seconds)` (Faust's `delta`). */
  delta(timestamp: number, seconds: number): WindowRange;
  /**
   * The event time from which on the range is closed: no event that arrives once the partition's
   * event time reached it is counted in the range any more, and the range's final value is known.
   */
  closesAt(range: WindowRange): number;
  /** The event time from which on the range's data is dropped; Infinity without `expires`. */
  expiresAt(range: WindowRange): number;
  /** A lower bound of the time of any event counted in the range (its start; sliding: the event's time). */
  earliestEventTime(range: WindowRange): number;
  /** A short description, e.g. `hopping(size=60, step=10, expires=600, grace=5)`. */
  describe(): string;
}

export type WindowKind = 'hopping' | 'tumbling' | 'sliding';

/** Faust's `WindowRange_from_start`. */
export function windowRangeFromStart(start: number, size: number): WindowRange {
  return [start, start + size - 0.1];
}

/**
 * Python's float floor division `a // b` (CPython's float_divmod). It is not always
 * `Math.floor(a / b)`: the quotient is formed from the exact remainder, as Python does.
 */
export function pythonFloorDiv(a: number, b: number): number {
  if (b === 0) throw new RangeError('float floor division by zero');
  let mod = a % b; // C's fmod, exact
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) {
    mod += b;
    div -= 1;
  }
  if (div === 0) return a / b < 0 || Object.is(a / b, -0) ? -0 : 0;
  let floorDiv = Math.floor(div);
  if (div - floorDiv > 0.5) floorDiv += 1;
  return floorDiv;
}

abstract class BaseWindow implements Window {
  abstract readonly kind: WindowKind;
  abstract readonly span: number;
  readonly expires: number | undefined;
  readonly grace: number;

  constructor(what: string, options: WindowOptions) {
    const { expires, grace = 0 } = options;
    if (!Number.isFinite(grace) || grace < 0) {
      throw new RangeError(`${what}: grace must be a finite number of seconds >= 0, got ${grace}`);
    }
    if (expires !== undefined) {
      if (!Number.isFinite(expires) || expires <= 0) {
        throw new RangeError(`${what}: expires must be a finite number of seconds > 0, got ${expires}`);
      }
      if (expires < grace) {
        throw new RangeError(
          `${what}: expires (${expires} s) is shorter than grace (${grace} s): a window's data would be ` +
            'dropped before the window closes; make expires >= grace',
        );
      }
    }
    this.expires = expires;
    this.grace = grace;
  }

  abstract ranges(timestamp: number): WindowRange[];
  abstract current(timestamp: number): WindowRange;
  abstract earliest(timestamp: number): WindowRange;
  abstract closesAt(range: WindowRange): number;
  abstract expiresAt(range: WindowRange): number;
  abstract describe(): string;

  earliestEventTime(range: WindowRange): number {
    return range[0];
  }

  delta(timestamp: number, seconds: number): WindowRange {
    return this.current(timestamp - seconds);
  }

  protected options(): string {
    const parts: string[] = [];
    if (this.expires !== undefined) parts.push(`expires=${this.expires}`);
    if (this.grace !== 0) parts.push(`grace=${this.grace}`);
    return parts.map((part) => `, ${part}`).join('');
  }
}

/**
 * Fixed-size windows that start every `step` seconds, aligned to the epoch. Faust iterates with
 * Python's `range(int(start), int(ts) + 1, int(step))`, which only works for whole seconds, so
 * size and step must be whole numbers of seconds (>= 1).
 */
export class HoppingWindow extends BaseWindow {
  readonly kind: WindowKind = 'hopping';

  get span(): number {
    return this.size;
  }

  constructor(
    readonly size: number,
    readonly step: number,
    options: WindowOptions = {},
  ) {
    super(`hopping window (size ${size}, step ${step})`, options);
    for (const [name, value] of [
      ['size', size],
      ['step', step],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new RangeError(
          `hopping window: ${name} must be a whole number of seconds >= 1 (Faust's window arithmetic ` +
            `works in whole seconds), got ${value}`,
        );
      }
    }
  }

  ranges(timestamp: number): WindowRange[] {
    assertTimestamp(timestamp);
    const first = Math.trunc(this.initialStart(timestamp));
    const last = Math.trunc(timestamp);
    const result: WindowRange[] = [];
    for (let start = first; start <= last; start += this.step) {
      result.push(windowRangeFromStart(start, this.size));
    }
    return result;
  }

  current(timestamp: number): WindowRange {
    assertTimestamp(timestamp);
    const start = this.initialStart(timestamp);
    const hops = Math.floor((timestamp - start) / this.step);
    return windowRangeFromStart(start + this.step * hops, this.size);
  }

  earliest(timestamp: number): WindowRange {
    assertTimestamp(timestamp);
    return windowRangeFromStart(this.initialStart(timestamp), this.size);
  }

  closesAt(range: WindowRange): number {
    return range[0] + this.size + this.grace;
  }

  expiresAt(range: WindowRange): number {
    return this.expires === undefined ? Number.POSITIVE_INFINITY : range[0] + this.size + this.expires;
  }

  describe(): string {
    return `hopping(size=${this.size}, step=${this.step}${this.options()})`;
  }

  /** Faust's `_start_initial_range`: the start of the oldest window containing the timestamp. */
  private initialStart(timestamp: number): number {
    return pythonFloorDiv(timestamp, this.step) * this.step - this.size + this.step;
  }
}

/** Fixed-size, gap-less, non-overlapping windows: a hopping window whose step is its size. */
export class TumblingWindow extends HoppingWindow {
  override readonly kind: WindowKind = 'tumbling';

  constructor(size: number, options: WindowOptions = {}) {
    super(size, size, options);
  }

  override describe(): string {
    return `tumbling(size=${this.size}${this.options()})`;
  }
}

/**
 * One window per event: `[t - before, t + after]` (Faust's SlidingWindow). The range is inclusive
 * at both ends, so it closes once event time passes `end + grace`.
 */
export class SlidingWindow extends BaseWindow {
  readonly kind: WindowKind = 'sliding';

  get span(): number {
    return this.before + this.after;
  }

  constructor(
    readonly before: number,
    readonly after: number,
    options: WindowOptions = {},
  ) {
    super(`sliding window (before ${before}, after ${after})`, options);
    for (const [name, value] of [
      ['before', before],
      ['after', after],
    ] as const) {
      if (!Number.isFinite(value) || value < 0) {
        throw new RangeError(`sliding window: ${name} must be a finite number of seconds >= 0, got ${value}`);
      }
    }
  }

  ranges(timestamp: number): WindowRange[] {
    return [this.current(timestamp)];
  }

  current(timestamp: number): WindowRange {
    assertTimestamp(timestamp);
    return [timestamp - this.before, timestamp + this.after];
  }

  earliest(timestamp: number): WindowRange {
    return this.current(timestamp);
  }

  closesAt(range: WindowRange): number {
    // The smallest double above end + grace: an event exactly at the end still counts.
    return nextUp(range[1] + this.grace);
  }

  expiresAt(range: WindowRange): number {
    return this.expires === undefined ? Number.POSITIVE_INFINITY : nextUp(range[1] + this.expires);
  }

  describe(): string {
    return `sliding(before=${this.before}, after=${this.after}${this.options()})`;
  }

  override earliestEventTime(range: WindowRange): number {
    return range[1] - this.after;
  }
}

/** True once the partition's event time (`watermark`) has reached the range's closing time. */
export function isClosed(window: Window, range: WindowRange, watermark: number): boolean {
  return watermark >= window.closesAt(range);
}

function assertTimestamp(timestamp: number): void {
  if (!Number.isFinite(timestamp)) {
    throw new RangeError(`window timestamp must be a finite number of seconds, got ${timestamp}`);
  }
}

const scratch = new DataView(new ArrayBuffer(8));

/** The next double above a finite value (Math.nextUp). */
function nextUp(value: number): number {
  if (value === 0) return Number.MIN_VALUE;
  scratch.setFloat64(0, value);
  const bits = scratch.getBigUint64(0);
  scratch.setBigUint64(0, value > 0 ? bits + 1n : bits - 1n);
  return scratch.getFloat64(0);
}
