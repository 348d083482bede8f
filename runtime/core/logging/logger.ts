/**
 * The runtime's logger, on pino: one JSON object per line, or readable lines (pino-pretty) on a
 * terminal. Writes are synchronous, in this thread (no transport worker), so the last lines
 * before a crash or `process.exit()` are not lost.
 */
import { hostname } from 'node:os';
import pino, { type DestinationStream } from 'pino';
import pinoPretty from 'pino-pretty';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
export type LogFormat = 'auto' | 'pretty' | 'json';
export type LogExtra = Record<string, unknown>;

/** `logger.info('committed', { partitions: 3 })`: a message, then optional structured fields. */
export type LogMethod = (message: string, extra?: LogExtra) => void;

/** What the rest of the runtime logs through. An `err` or `error` field holding an Error is serialized with its stack. */
export interface Logger {
  readonly level: LogLevel;
  trace: LogMethod;
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  fatal: LogMethod;
  /** A logger that adds `bindings` to every line (e.g. `{ agent: 'score' }`). */
  child(bindings: LogExtra): Logger;
  isLevelEnabled(level: Exclude<LogLevel, 'silent'>): boolean;
}

/** Something lines can be written to: a Node stream, or any object with a synchronous `write`. */
export interface LogDestination {
  write(line: string): unknown;
  /** Decides `format: 'auto'` when present. */
  readonly isTTY?: boolean;
}

export interface LoggerOptions {
  /** Shown on every line (the app id, usually). */
  name?: string;
  /** Lowest level written; 'info' by default. `logLevel` is the same, so resolved settings can be passed as they are. */
  level?: LogLevel;
  logLevel?: LogLevel;
  /** 'auto' (the default) is pretty when the destination is a terminal, JSON otherwise. `logFormat` is the same. */
  format?: LogFormat;
  logFormat?: LogFormat;
  /** Where lines go; standard error by default (standard output stays free for command results). */
  destination?: LogDestination;
  /** Fields added to every line. */
  bindings?: LogExtra;
}

const METHODS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

function wrap(base: pino.Logger): Logger {
  const logger = {
    get level() {
      return base.level as LogLevel;
    },
    child: (bindings: LogExtra) => wrap(base.child(bindings)),
    isLevelEnabled: (level: Exclude<LogLevel, 'silent'>) => base.isLevelEnabled(level),
  } as Logger;
  for (const method of METHODS) {
    logger[method] = (message, extra) => {
      if (extra === undefined) base[method](message);
      else base[method](extra, message);
    };
  }
  return logger;
}

/** Whether logs to `destination` are written as readable lines. */
export function usesPrettyFormat(format: LogFormat, destination: LogDestination | undefined): boolean {
  if (format !== 'auto') return format === 'pretty';
  return (destination ?? process.stderr).isTTY === true;
}

function prettyStream(out: LogDestination, colorize: boolean): DestinationStream {
  const prettify = pinoPretty.prettyFactory({
    colorize,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  });
  return { write: (line: string) => void out.write(prettify(line)) };
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? options.logLevel ?? 'info';
  const format = options.format ?? options.logFormat ?? 'auto';
  const pretty = usesPrettyFormat(format, options.destination);
  const out: LogDestination = options.destination ?? pino.destination({ dest: 2, sync: true });
  const stream: DestinationStream = pretty
    ? prettyStream(
        out,
        out.isTTY === true || (options.destination === undefined && process.stderr.isTTY === true),
      )
    : { write: (line: string) => void out.write(line) };
  const base = pino(
    {
      name: options.name,
      level,
      // Pretty lines are for a person at a terminal; JSON lines keep pid and host for aggregation.
      base: pretty ? {} : { pid: process.pid, hostname: hostname() },
      timestamp: pretty ? pino.stdTimeFunctions.epochTime : pino.stdTimeFunctions.isoTime,
      formatters: pretty ? {} : { level: (label: string) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    stream,
  );
  return wrap(options.bindings !== undefined ? base.child(options.bindings) : base);
}

/** One captured log line, as written in JSON format. */
export interface LogRecord {
  level: Exclude<LogLevel, 'silent'>;
  msg: string;
  time: string;
  name?: string;
  [field: string]: unknown;
}

export interface CapturedLogs {
  readonly logger: Logger;
  /** Every line logged so far, parsed. */
  readonly records: readonly LogRecord[];
  /** The messages logged so far, optionally of one level only. */
  messages(level?: LogRecord['level']): string[];
  clear(): void;
}

/** A logger for tests that keeps its lines in memory (JSON format, 'trace' level by default). */
export function captureLogs(options: Pick<LoggerOptions, 'name' | 'level' | 'bindings'> = {}): CapturedLogs {
  const records: LogRecord[] = [];
  const logger = createLogger({
    ...options,
    level: options.level ?? 'trace',
    format: 'json',
    destination: { write: (line: string) => records.push(JSON.parse(line) as LogRecord) },
  });
  return {
    logger,
    records,
    messages: (level) =>
      records.filter((record) => level === undefined || record.level === level).map((r) => r.msg),
    clear: () => {
      records.length = 0;
    },
  };
}
