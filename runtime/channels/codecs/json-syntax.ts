/**
 * A second JSON parser, used only after `JSON.parse` has rejected a text. It accepts what Python's
 * `json.loads` accepts on top of RFC 8259 — the bare words NaN, Infinity and -Infinity, which Python
 * Faust writes for such floats — and otherwise reports where and why the text is invalid.
 */

export type JsonSyntaxResult =
  | { ok: true; value: unknown }
  | { ok: false; position: number; problem: string };

/** Python's json module gives up at about this depth too (its recursion limit). */
const MAX_DEPTH = 1000;

class JsonSyntaxProblem {
  constructor(
    readonly position: number,
    readonly problem: string,
  ) {}
}

export function parseJsonLeniently(text: string): JsonSyntaxResult {
  try {
    const parser = new LenientParser(text);
    const value = parser.parseDocument();
    return { ok: true, value };
  } catch (error) {
    if (error instanceof JsonSyntaxProblem)
      return { ok: false, position: error.position, problem: error.problem };
    throw error;
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class LenientParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseDocument(): unknown {
    this.skipWhitespace();
    const value = this.parseValue(0);
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail('unexpected data after the JSON value');
    return value;
  }

  private parseValue(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    const text = this.text;
    if (this.pos >= text.length) this.fail('unexpected end of input');
    const ch = text[this.pos]!;
    switch (ch) {
      case '{':
        return this.parseObject(depth);
      case '[':
        return this.parseArray(depth);
      case '"':
        return this.parseString();
      case 't':
        return this.parseWord('true', true);
      case 'f':
        return this.parseWord('false', false);
      case 'n':
        return this.parseWord('null', null);
      case 'N':
        return this.parseWord('NaN', Number.NaN);
      case 'I':
        return this.parseWord('Infinity', Number.POSITIVE_INFINITY);
      default:
        if (ch === '-' && text.startsWith('-Infinity', this.pos))
          return this.parseWord('-Infinity', -Infinity);
        if (ch === '-' || (ch >= '0' && ch <= '9')) return this.parseNumber();
        return this.fail(`unexpected ${describeChar(ch)}`);
    }
  }

  private parseObject(depth: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.pos++; // {
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') this.fail(this.expected('a property name in double quotes'));
      const key = this.parseString();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail(this.expected("':' after a property name"));
      this.pos++;
      this.skipWhitespace();
      const value = this.parseValue(depth + 1);
      // A "__proto__" key must become an own property, as JSON.parse makes it.
      Object.defineProperty(result, key, { value, writable: true, enumerable: true, configurable: true });
      this.skipWhitespace();
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
        this.skipWhitespace();
      } else if (next === '}') {
        this.pos++;
        return result;
      } else {
        this.fail(this.expected("',' or '}' in an object"));
      }
    }
  }

  private parseArray(depth: number): unknown[] {
    const result: unknown[] = [];
    this.pos++; // [
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      result.push(this.parseValue(depth + 1));
      this.skipWhitespace();
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
        this.skipWhitespace();
      } else if (next === ']') {
        this.pos++;
        return result;
      } else {
        this.fail(this.expected("',' or ']' in an array"));
      }
    }
  }

  private parseString(): string {
    const text = this.text;
    const start = this.pos;
    this.pos++; // opening quote
    let result = '';
    let chunkStart = this.pos;
    for (;;) {
      if (this.pos >= text.length) this.fail('unterminated string', start);
      const code = text.charCodeAt(this.pos);
      if (code === 0x22) {
        result += text.slice(chunkStart, this.pos);
        this.pos++;
        return result;
      }
      if (code < 0x20) this.fail(`control character ${codePoint(code)} in a string`);
      if (code !== 0x5c) {
        this.pos++;
        continue;
      }
      result += text.slice(chunkStart, this.pos);
      const escaped = text[this.pos + 1];
      if (escaped === undefined) this.fail('unterminated string', start);
      if (escaped === 'u') {
        const hex = text.slice(this.pos + 2, this.pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape: expected 4 hex digits');
        result += String.fromCharCode(Number.parseInt(hex, 16));
        this.pos += 6;
      } else {
        const replacement = ESCAPES[escaped];
        if (replacement === undefined) this.fail(`invalid escape '\\${escaped}'`);
        result += replacement;
        this.pos += 2;
      }
      chunkStart = this.pos;
    }
  }

  private parseNumber(): number {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail('invalid number');
    this.pos += match[0].length;
    return Number(match[0]);
  }

  private parseWord<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail(`unexpected ${describeChar(this.text[this.pos]!)}`);
    this.pos += word.length;
    return value;
  }

  private skipWhitespace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const code = text.charCodeAt(pos);
      if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) pos++;
      else break;
    }
    this.pos = pos;
  }

  private expected(what: string): string {
    if (this.pos >= this.text.length) return 'unexpected end of input';
    return `expected ${what}, found ${describeChar(this.text[this.pos]!)}`;
  }

  private fail(problem: string, position = this.pos): never {
    throw new JsonSyntaxProblem(position, problem);
  }
}

function codePoint(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function describeChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code < 0x20 || code > 0x7e) return `character ${codePoint(code)}`;
  return `character '${ch}'`;
}
