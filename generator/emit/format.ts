/**
 * The stable printer's last pass: templates and emitters already print in the project's style;
 * this makes whitespace canonical so that the same input always gives the same bytes.
 */
export function normalizeSource(code: string): string {
  const lines = code
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''));
  const out: string[] = [];
  for (const line of lines) {
    // At most one blank line in a row, none right after an opening brace.
    if (
      line === '' &&
      (out.length === 0 || out[out.length - 1] === '' || out[out.length - 1]?.endsWith('{'))
    ) {
      continue;
    }
    out.push(line);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}
