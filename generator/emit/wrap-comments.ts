/**
 * Comment lines past the line width, wrapped at spaces: biome reflows code but never the text of a
 * comment, and descriptions from topology.json go into comments as one line each. Runs on printed
 * code (biome's indentation is final), so biome finds nothing to change afterwards.
 */

/** A comment line: its prefix (indentation and marker) and its text. */
interface CommentLine {
  readonly prefix: string;
  readonly text: string;
  /** A one-line block comment `/** text *\/`, which becomes a block of its own lines when wrapped. */
  readonly oneLineDoc?: { readonly indent: string };
}

const ONE_LINE_DOC = /^(\s*)\/\*\*\s+(.*\S)\s+\*\/$/;
const BLOCK_LINE = /^(\s*\* )(.*\S)$/;
const LINE_COMMENT = /^(\s*\/\/ )(.*\S)$/;

function commentLine(line: string): CommentLine | undefined {
  const doc = ONE_LINE_DOC.exec(line);
  if (doc !== null) return { prefix: `${doc[1]} * `, text: doc[2]!, oneLineDoc: { indent: doc[1]! } };
  const match = BLOCK_LINE.exec(line) ?? LINE_COMMENT.exec(line);
  return match === null ? undefined : { prefix: match[1]!, text: match[2]! };
}

/** `text` in lines of at most `room` characters, broken at spaces; a longer word keeps a line of its own. */
export function wrapWords(text: string, room: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/)) {
    if (current === '') current = word;
    else if (current.length + 1 + word.length <= room) current += ` ${word}`;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}

/**
 * `source` with each comment line longer than `width` wrapped: `// ` and ` * ` lines go on with the
 * same prefix; a one-line `/** ... *\/` becomes a block. Code lines are left as they are.
 */
export function wrapLongComments(source: string, width: number): string {
  const out: string[] = [];
  for (const line of source.split('\n')) {
    const comment = line.length > width ? commentLine(line) : undefined;
    if (comment === undefined) {
      out.push(line);
      continue;
    }
    const wrapped = wrapWords(comment.text, Math.max(width - comment.prefix.length, 1)).map(
      (part) => `${comment.prefix}${part}`,
    );
    if (comment.oneLineDoc === undefined) out.push(...wrapped);
    else out.push(`${comment.oneLineDoc.indent}/**`, ...wrapped, `${comment.oneLineDoc.indent} */`);
  }
  return out.join('\n');
}
