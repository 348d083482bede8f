import type { Clock } from '../../../../runtime/timers/clock.js';
import { createLogger, type Logger } from '../../../../runtime/core/logging/index.js';

interface PendingTimer {
  at: number;
  seq: number;
  callback: () => void;
}

/**
 * A clock the test moves by hand: `advance(ms)` fires the timers that fall due, in order, letting
 * promises settle after each, so schedules are checked without sleeping. `lateness` makes every
 * timer fire that many ms after it was due, like a real event loop.
 */
export class FakeClock implements Clock {
  private mono = 0;
  private wall: number;
  private seq = 0;
  private timers: PendingTimer[] = [];
  lateness: (delayMs: number) => number = () => 0;

  constructor(wallStart: number | string = '2024-01-01T00:00:00.000Z') {
    this.wall = typeof wallStart === 'number' ? wallStart : Date.parse(wallStart);
  }

  now(): number {
    return this.wall;
  }

  monotonic(): number {
    return this.mono;
  }

  setTimer(ms: number, callback: () => void): () => void {
    const timer = { at: this.mono + ms + this.lateness(ms), seq: this.seq++, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing what falls due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.mono + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.move(next.at);
      next.callback();
      await settle();
    }
    this.move(end);
    await settle();
  }

  /** Changes the wall clock only (the system time was set), as NTP or an operator would. */
  setWall(iso: string): void {
    this.wall = Date.parse(iso);
  }

  private move(to: number): void {
    if (to <= this.mono) return;
    this.wall += to - this.mono;
    this.mono = to;
  }
}

/** Lets every pending promise callback run (one macrotask turn; no time passes). */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A logger that keeps its lines, as parsed JSON objects. */
export function recordingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger({
    level: 'debug',
    format: 'json',
    destination: { write: (line: string) => lines.push(JSON.parse(line)) },
  });
  return { logger, lines };
}

export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}
