/** A problem found in the topology before it is given a position in the file. */
import { closestName } from '../../runtime/core/index.js';
import type { TopologyErrorCode } from './errors.js';

export interface Issue {
  readonly code: TopologyErrorCode;
  /** RFC 6901 pointer to the value concerned. */
  readonly pointer: string;
  readonly message: string;
  readonly fix: string;
  readonly suggestion?: string;
  /** Point at the property name that holds the value instead of the value (unknown or bad names). */
  readonly at?: 'key' | 'value';
}

/** Collects issues; the checks after the schema each add theirs. */
export class Issues {
  readonly list: Issue[] = [];

  add(issue: Issue): void {
    this.list.push(issue.suggestion === undefined ? withoutSuggestion(issue) : issue);
  }
}

function withoutSuggestion(issue: Issue): Issue {
  const { suggestion: _unused, ...rest } = issue;
  return rest;
}

/** The closest candidate to a misspelt name, never the name itself. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const pool = [...candidates].filter((candidate) => candidate !== input);
  return closestName(input, pool);
}

/** `"a", "b" and "c"` (or "none" for an empty list). */
export function quoteList(values: readonly unknown[], conjunction = 'or'): string {
  const quoted = values.map((value) => JSON.stringify(value));
  if (quoted.length === 0) return 'none';
  if (quoted.length === 1) return quoted[0]!;
  return `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted[quoted.length - 1]}`;
}

/** A JSON value as error messages name it. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the text ${JSON.stringify(value)}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return String(value);
  }
}
