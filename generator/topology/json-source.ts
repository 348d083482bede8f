/**
 * The topology file as JSON with positions: jsonc-parser's tree gives every value's offset, so
 * each error can name file:line:column. Strict JSON: comments and trailing commas are syntax
 * errors, and duplicate keys are reported (JSON.parse would silently keep the last one).
 */
import { type Node, type ParseError, ParseErrorCode, parseTree } from 'jsonc-parser';
import type { SourcePosition } from './errors.js';

/**
 * Arrays and objects nested deeper than this are refused before parsing (FG1004): the parser, the
 * checks and ajv all recurse, and a deep enough document would overflow the stack. A topology
 * needs a few levels; JSON Schemas of models rarely more than twenty.
 */
export const MAX_NESTING = 100;

const SYNTAX_MESSAGES: Readonly<Record<number, string>> = {
  [ParseErrorCode.InvalidSymbol]: 'unexpected character',
  [ParseErrorCode.InvalidNumberFormat]: 'invalid number',
  [ParseErrorCode.PropertyNameExpected]: 'a property name in double quotes was expected',
  [ParseErrorCode.ValueExpected]: 'a value was expected',
  [ParseErrorCode.ColonExpected]: "':' was expected after the property name",
  [ParseErrorCode.CommaExpected]: "',' was expected between two values",
  [ParseErrorCode.CloseBraceExpected]: "'}' was expected to close the object",
  [ParseErrorCode.CloseBracketExpected]: "']' was expected to close the array",
  [ParseErrorCode.EndOfFileExpected]: 'the document should end here',
  [ParseErrorCode.InvalidCommentToken]: 'comments are not allowed in JSON',
  [ParseErrorCode.UnexpectedEndOfComment]: 'unterminated comment',
  [ParseErrorCode.UnexpectedEndOfString]: 'unterminated string',
  [ParseErrorCode.UnexpectedEndOfNumber]: 'unterminated number',
  [ParseErrorCode.InvalidUnicode]: 'invalid \\u escape',
  [ParseErrorCode.InvalidEscapeCharacter]: 'invalid escape character in a string',
  [ParseErrorCode.InvalidCharacter]: 'control character in a string (write it as an escape such as \\n)',
};

export interface SyntaxProblem {
  readonly offset: number;
  readonly length: number;
  readonly message: string;
  /** 'nesting' when the document nests deeper than MAX_NESTING (else a JSON syntax error). */
  readonly kind?: 'nesting';
}

export interface DuplicateKey {
  /** The pointer of the object that has the key twice. */
  readonly objectPointer: string;
  readonly key: string;
  /** The key node of the later occurrence (the one reported). */
  readonly node: Node;
  /** Line of the first occurrence. */
  readonly firstLine: number;
}

/** RFC 6901: `~` and `/` in a key become `~0` and `~1`. */
export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapePointerSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function joinPointer(base: string, ...segments: (string | number)[]): string {
  return base + segments.map((segment) => `/${escapePointerSegment(String(segment))}`).join('');
}

export function splitPointer(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map(unescapePointerSegment);
}

export class JsonSource {
  readonly root: Node | undefined;
  readonly syntaxProblems: readonly SyntaxProblem[];
  /** The document as a plain value (undefined when it has syntax problems). */
  readonly value: unknown;
  private readonly lineStarts: number[];

  constructor(readonly text: string) {
    this.lineStarts = lineStarts(text);
    // A byte order mark is allowed before the document; blank it out so offsets stay the same.
    const parsed = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
    const deep = tooDeep(parsed, MAX_NESTING);
    if (deep !== undefined) {
      this.root = undefined;
      this.value = undefined;
      this.syntaxProblems = [
        {
          offset: deep,
          length: 1,
          message: `arrays and objects nest more than ${MAX_NESTING} levels deep here`,
          kind: 'nesting',
        },
      ];
      return;
    }
    const errors: ParseError[] = [];
    this.root = parseTree(parsed, errors, { disallowComments: true, allowTrailingComma: false });
    this.syntaxProblems = syntaxProblems(parsed, errors);
    this.value =
      this.syntaxProblems.length === 0 && this.root !== undefined ? nodeValue(this.root) : undefined;
  }

  position(offset: number, length = 0): SourcePosition {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - this.lineStarts[low]! + 1, offset, length };
  }

  /**
   * The node at `pointer`, or the nearest ancestor that exists (a missing property is reported at
   * the object that lacks it).
   */
  nodeAt(pointer: string): Node | undefined {
    let node = this.root;
    for (const segment of splitPointer(pointer)) {
      if (node === undefined) return undefined;
      const child = childNode(node, segment);
      if (child === undefined) return node;
      node = child;
    }
    return node;
  }

  /**
   * Where to point for `pointer`: the value itself, or with `at: 'key'` the property name that
   * holds it (for unknown properties, bad names, duplicate keys). The document is its first value.
   */
  locate(pointer: string, at: 'key' | 'value' = 'value'): SourcePosition {
    const node = this.nodeAt(pointer);
    if (node === undefined) return this.position(0);
    if (at === 'key' && node.parent?.type === 'property') {
      const key = node.parent.children![0]!;
      return this.position(key.offset, key.length);
    }
    return this.position(node.offset, node.length);
  }

  /** Every key that occurs twice in one object, each later occurrence once. */
  duplicateKeys(): DuplicateKey[] {
    const found: DuplicateKey[] = [];
    const visit = (node: Node, pointer: string): void => {
      if (node.type === 'object') {
        const seen = new Map<string, Node>();
        for (const property of node.children ?? []) {
          const [keyNode, valueNode] = property.children ?? [];
          if (keyNode === undefined) continue;
          const key = String(keyNode.value);
          const first = seen.get(key);
          if (first !== undefined) {
            found.push({
              objectPointer: pointer,
              key,
              node: keyNode,
              firstLine: this.position(first.offset).line,
            });
          } else {
            seen.set(key, keyNode);
          }
          if (valueNode !== undefined) visit(valueNode, joinPointer(pointer, key));
        }
      } else if (node.type === 'array') {
        for (const [index, child] of (node.children ?? []).entries())
          visit(child, joinPointer(pointer, index));
      }
    };
    if (this.root !== undefined) visit(this.root, '');
    return found;
  }
}

/**
 * The offset of the first `[` or `{` (outside strings) nested more than `limit` levels deep, or
 * undefined. A scan without recursion, so it is safe on any input.
 */
export function tooDeep(text: string, limit: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index++; // a backslash escapes the next character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      depth++;
      if (depth > limit) return index;
    } else if (char === 0x5d || char === 0x7d) {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === 0x0a) starts.push(index + 1);
    else if (char === 0x0d && text.charCodeAt(index + 1) !== 0x0a) starts.push(index + 1);
  }
  return starts;
}

function syntaxProblems(text: string, errors: readonly ParseError[]): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  if (text.trim() === '') return [{ offset: 0, length: 0, message: 'the file is empty' }];
  // Only the first: after a syntax error the parser's recovery guesses, and what follows is often noise.
  for (const error of errors.slice(0, 1)) {
    let message = SYNTAX_MESSAGES[error.error] ?? 'invalid JSON';
    let { offset, length } = error;
    if (error.error === ParseErrorCode.PropertyNameExpected || error.error === ParseErrorCode.ValueExpected) {
      const before = text.slice(0, error.offset).trimEnd();
      if (before.endsWith(',') && /^\s*[}\]]/.test(text.slice(error.offset))) {
        message = 'trailing comma: JSON allows no comma after the last item';
        // The parser stops at the closing bracket, often on the next line: point at the comma.
        offset = before.length - 1;
        length = 1;
      } else if (error.error === ParseErrorCode.PropertyNameExpected && text[error.offset] === "'") {
        message = 'property names need double quotes';
      }
    }
    if (error.error === ParseErrorCode.InvalidSymbol && text[error.offset] === "'") {
      message = 'strings need double quotes';
    }
    problems.push({ offset, length, message });
  }
  return problems;
}

function childNode(node: Node, segment: string): Node | undefined {
  if (node.type === 'object') {
    // With a duplicate key, the value JSON.parse would keep (the last) is the one validated.
    let found: Node | undefined;
    for (const property of node.children ?? []) {
      const [keyNode, valueNode] = property.children ?? [];
      if (keyNode?.value === segment) found = valueNode;
    }
    return found;
  }
  if (node.type === 'array' && /^(0|[1-9]\d*)$/.test(segment)) return node.children?.[Number(segment)];
  return undefined;
}

/** The plain value of a node, as JSON.parse gives it (the last of duplicate keys wins). */
function nodeValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const property of node.children ?? []) {
        const [keyNode, valueNode] = property.children ?? [];
        if (keyNode === undefined || valueNode === undefined) continue;
        Object.defineProperty(result, String(keyNode.value), {
          value: nodeValue(valueNode),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return result;
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value;
  }
}
