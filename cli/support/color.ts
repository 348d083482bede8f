/**
 * Whether a stream gets ANSI colours: NO_COLOR (any value) turns them off, FORCE_COLOR (other than
 * 0) on; otherwise colours exactly when the stream is a terminal (https://no-color.org).
 */
export function wantsColor(
  stream: { readonly isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0';
  return stream.isTTY === true;
}
