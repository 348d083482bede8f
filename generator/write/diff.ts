/** A short line diff for `generate --check`: the first differing region, with a little context. */
export function shortDiff(before: string, after: string, maxLines = 12): string {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length - 1;
  let endB = b.length - 1;
  while (endA >= start && endB >= start && a[endA] === b[endB]) {
    endA--;
    endB--;
  }
  const lines: string[] = [`@@ line ${start + 1} @@`];
  for (const line of a.slice(start, endA + 1)) lines.push(`- ${line}`);
  for (const line of b.slice(start, endB + 1)) lines.push(`+ ${line}`);
  if (lines.length > maxLines + 1) {
    const hidden = lines.length - 1 - maxLines;
    return [...lines.slice(0, maxLines + 1), `  ... ${hidden} more line${hidden === 1 ? '' : 's'}`].join(
      '\n',
    );
  }
  return lines.join('\n');
}
