/**
 * `send <topic|@agent> --file <path>` / `--stdin` / `-`: newline-delimited JSON, one value per
 * line (blank lines skipped), keyed by a field of each value (`--key-field`) or by the text before
 * a separator (`--key-separator`, each line `key<sep>json`), else by `--key` or none.
 *
 * A bad line (malformed JSON, a missing key field, a value the topic's schema refuses) is
 * reported with its line number and skipped; the good lines are still sent. Each record is queued
 * on the producer, which batches them (linger, batch size); deliveries are awaited together at the
 * end, so nothing waits for the broker record by record.
 */

/** What a line is sent to: a topic, or an agent's source. */
export interface LineTarget {
  readonly name: string;
  send(record: { key?: unknown; value: unknown; partition?: number }): Promise<unknown>;
}

export interface KeyRule {
  /** The key is this field of each value. */
  readonly field?: string;
  /** Each line is `key<separator>json`. */
  readonly separator?: string;
  /** The key of every line when neither of the above is given. */
  readonly key?: string;
}

export interface SendLinesOptions extends KeyRule {
  readonly partition?: number;
  /** Where the progress and the bad lines go (stderr in the command). */
  readonly report: (message: string) => void;
  /** A progress line every this many records sent (default 1000), and one at the end. */
  readonly progressEvery?: number;
}

export interface SendLinesResult {
  /** Records the broker acknowledged. */
  readonly sent: number;
  /** Lines skipped because they could not be read or were refused before sending. */
  readonly bad: number;
  /** Records queued that the broker did not acknowledge. */
  readonly failed: number;
}

export type ParsedLine = { key: unknown; value: unknown } | { error: string };

/** One line's key and value, or why it cannot be sent (`line` is 1-based, for the message). */
export function parseLine(text: string, line: number, rule: KeyRule): ParsedLine {
  let json = text;
  let offset = 0;
  let key: unknown = rule.key;
  if (rule.separator !== undefined) {
    const at = text.indexOf(rule.separator);
    if (at < 0) return { error: `line ${line}: no key separator ${JSON.stringify(rule.separator)}` };
    key = text.slice(0, at);
    offset = at + rule.separator.length;
    json = text.slice(offset);
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { error: malformed(error as Error, json, line, offset) };
  }
  if (rule.field !== undefined) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { error: `line ${line}: the value is not a JSON object, so it has no key field ${rule.field}` };
    }
    if (!(rule.field in value)) return { error: `line ${line}: no key field ${rule.field}` };
    key = (value as Record<string, unknown>)[rule.field];
  }
  return { key, value };
}

/** A JSON.parse error as `line L, column C: malformed JSON: <reason>`. */
function malformed(error: Error, json: string, line: number, offset: number): string {
  return `line ${line}, ${malformedAt(error, json, offset)}`;
}

/** `column C: malformed JSON: <reason>` for a JSON.parse error of `json` (found `offset` characters in). */
export function malformedAt(error: Error, json: string, offset = 0): string {
  const token = /^Unexpected token '.+?'/.exec(error.message);
  const reason = token ? token[0] : error.message.replace(/ (in JSON )?at position \d+.*$/, '');
  return `column ${offset + errorIndex(json) + 1}: malformed JSON: ${reason}`;
}

/**
 * Where JSON text goes wrong: the length of its longest prefix that is still the start of some
 * JSON text (JSON.parse does not always say where, e.g. "Unexpected token").
 */
function errorIndex(json: string): number {
  let viable = 0;
  let refused = json.length + 1;
  while (refused - viable > 1) {
    const middle = (viable + refused) >> 1;
    if (isViablePrefix(json.slice(0, middle))) viable = middle;
    else refused = middle;
  }
  return viable;
}

function isViablePrefix(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    const message = (error as Error).message;
    if (message.startsWith('Unexpected end of JSON input')) return true;
    const position = / at position (\d+)/.exec(message);
    return position !== null && Number(position[1]) === prefix.length;
  }
}

/** Sends every line of `lines`; never throws for a bad line (see the module comment). */
export async function sendLines(
  target: LineTarget,
  lines: AsyncIterable<string>,
  options: SendLinesOptions,
): Promise<SendLinesResult> {
  const every = options.progressEvery ?? 1000;
  let sent = 0;
  let bad = 0;
  let failed = 0;
  const pending = new Set<Promise<void>>();
  const acknowledged = () => {
    sent++;
    if (sent % every === 0) options.report(`sent ${sent} records to ${target.name}`);
  };
  let number = 0;
  for await (const raw of lines) {
    number++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') continue;
    const parsed = parseLine(text, number, options);
    if ('error' in parsed) {
      bad++;
      options.report(parsed.error);
      continue;
    }
    let receipt: unknown;
    try {
      receipt = await target.send({ key: parsed.key, value: parsed.value, partition: options.partition });
    } catch (error) {
      bad++;
      options.report(`line ${number}: ${(error as Error).message}`);
      continue;
    }
    const line = number;
    const delivery = Promise.resolve((receipt as { delivered?: Promise<unknown> }).delivered).then(
      acknowledged,
      (error: Error) => {
        failed++;
        options.report(`line ${line}: not delivered: ${error.message}`);
      },
    );
    pending.add(delivery);
    void delivery.finally(() => pending.delete(delivery));
  }
  await Promise.all(pending);
  if (sent === 0 || sent % every !== 0) options.report(`sent ${sent} records to ${target.name}`);
  return { sent, bad, failed };
}
