/**
 * How setting names are spelled in each place they appear: camelCase in code, Faust's snake_case,
 * UPPER_SNAKE in env variables, kebab-case on the command line; and the "did you mean" helper.
 */

/** The prefix of every setting's env variable unless the `envPrefix` setting replaces it. */
export const DEFAULT_ENV_PREFIX = 'FAUSTGEN_';

/** `broker_commit_every` -> `brokerCommitEvery`. Names without underscores are returned as they are. */
export function snakeToCamel(name: string): string {
  return name.replace(/_+([a-zA-Z0-9])/g, (_match, char: string) => char.toUpperCase());
}

/** Splits `brokerCommitEvery`, `HttpClient`, `broker_commit_every` or `web-port` into lower-case words. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.toLowerCase());
}

/** `brokerCommitEvery` -> `BROKER_COMMIT_EVERY`; `HttpClient` -> `HTTP_CLIENT`. */
export function upperSnake(name: string): string {
  return words(name).join('_').toUpperCase();
}

/** `brokerCommitEvery` -> `broker-commit-every`. */
export function kebab(name: string): string {
  return words(name).join('-');
}

/** `web-port`, `web_port` or `webPort` -> `webPort`. */
export function toCamel(name: string): string {
  if (!/[-_]/.test(name)) return name;
  const [first = '', ...rest] = words(name);
  return first + rest.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
}

/**
 * Faust joins the prefix and the name with one underscore (`MYAPP` and `MYAPP_` both give
 * `MYAPP_BROKER`); an empty prefix means the bare name.
 */
export function envVariableName(settingName: string, prefix: string = DEFAULT_ENV_PREFIX): string {
  const joint = prefix === '' ? '' : prefix.replace(/_+$/, '') + '_';
  return joint + upperSnake(settingName);
}

/** Levenshtein distance, case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let previous = Array.from({ length: t.length + 1 }, (_unused, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[t.length]!;
}

/**
 * The candidate closest to `input`, or undefined when none is close enough to be a plausible typo.
 * Spelling variants (snake_case, kebab-case, other letter case) of a candidate always match.
 */
export function closestName(input: string, candidates: Iterable<string>): string | undefined {
  const normalized = words(input).join('');
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(normalized, words(candidate).join(''));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(2, Math.floor(normalized.length / 3));
  return bestDistance <= allowed ? best : undefined;
}
