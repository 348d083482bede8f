/**
 * Topology errors for people (after Prisma's `validate`): the headline editors link to
 * (`file:line:column CODE #/pointer: message`), the lines of topology.json around the position
 * with the offending text underlined, and the fix. Colour is the caller's choice (a TTY or not).
 */
import { displayPointer, type TopologyError } from './errors.js';

export interface FrameOptions {
  /** ANSI colours (for a terminal). */
  readonly color: boolean;
  /** Lines shown before and after the error's line. */
  readonly context?: number;
}

/** Longest part of a source line shown; longer lines are cut around the error's column. */
const MAX_SHOWN = 100;

const ANSI = {
  bold: (s: string) => `\u001b[1m${s}\u001b[22m`,
  dim: (s: string) => `\u001b[2m${s}\u001b[22m`,
  red: (s: string) => `\u001b[31m${s}\u001b[39m`,
  cyan: (s: string) => `\u001b[36m${s}\u001b[39m`,
};
const PLAIN = {
  bold: (s: string) => s,
  dim: (s: string) => s,
  red: (s: string) => s,
  cyan: (s: string) => s,
};

/** Control characters would garble a terminal; tabs would misplace the underline. */
function printable(line: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point
  return line.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '\ufffd');
}

interface Window {
  readonly start: number;
  readonly end: number;
}

/** The slice of a line of `length` shown so that `column` (0-based) is in it. */
function windowOf(length: number, column: number): Window {
  if (length <= MAX_SHOWN) return { start: 0, end: length };
  const start = Math.max(0, Math.min(column - MAX_SHOWN / 2, length - MAX_SHOWN));
  return { start, end: start + MAX_SHOWN };
}

/**
 * The lines around `error`'s position in `text`, numbered, the error's line marked with `>` and
 * its span underlined with `^` (to the end of the line when the span goes on). Empty when the
 * position is not in the text (an unreadable file).
 */
export function codeFrame(text: string, error: TopologyError, options: FrameOptions): string {
  const paint = options.color ? ANSI : PLAIN;
  const lines = text.split(/\r\n|\r|\n/);
  const index = error.line - 1;
  if (text === '' || index < 0 || index >= lines.length) return '';
  const context = options.context ?? 2;
  const first = Math.max(0, index - context);
  const last = Math.min(lines.length - 1, index + context);
  const width = String(last + 1).length;
  const out: string[] = [];
  for (let i = first; i <= last; i++) {
    const line = printable(lines[i] ?? '');
    const column = i === index ? error.column - 1 : 0;
    const shown = windowOf(line.length, column);
    const cut =
      (shown.start > 0 ? '…' : '') +
      line.slice(shown.start, shown.end) +
      (shown.end < line.length ? '…' : '');
    const number = paint.dim(`${String(i + 1).padStart(width)} |`);
    if (i !== index) {
      out.push(`  ${number} ${cut}`.trimEnd());
      continue;
    }
    out.push(`${paint.red('>')} ${number} ${cut}`.trimEnd());
    const from = Math.min(column, line.length);
    const span = Math.max(1, Math.min(error.length, shown.end - from));
    const pad = ' '.repeat(from - shown.start + (shown.start > 0 ? 1 : 0));
    out.push(`  ${paint.dim(`${' '.repeat(width)} |`)} ${pad}${paint.red('^'.repeat(span))}`);
  }
  return out.join('\n');
}

/** One error: headline, code frame (when `text` is known) and fix. */
export function renderTopologyError(
  error: TopologyError,
  text: string | undefined,
  options: FrameOptions,
): string {
  const paint = options.color ? ANSI : PLAIN;
  const hint = error.suggestion !== undefined ? ` (did you mean ${JSON.stringify(error.suggestion)}?)` : '';
  const where = `${error.file}:${error.line}:${error.column}`;
  const headline =
    `${paint.bold(where)} ${paint.red(error.code)} ${paint.cyan(displayPointer(error.pointer))}: ` +
    `${error.message}${hint}`;
  const frame = text === undefined ? '' : codeFrame(text, error, options);
  return [headline, ...(frame === '' ? [] : [frame]), `    ${paint.bold('fix:')} ${error.fix}`].join('\n');
}

/** Every error of a file, for printing line by line: a blank line between errors. */
export function topologyErrorLines(
  errors: readonly TopologyError[],
  text: string | undefined,
  options: FrameOptions,
): string[] {
  return errors.flatMap((error, i) => [...(i > 0 ? [''] : []), renderTopologyError(error, text, options)]);
}
