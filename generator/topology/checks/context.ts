/** What every check after the schema sees. */
import type { Issues } from '../issues.js';
import { joinPointer } from '../json-source.js';
import type { LooseTopology } from '../read.js';
import type { NamedSection } from '../types.js';

export interface CheckContext {
  /** The parsed document as written. */
  readonly document: unknown;
  /** The topology as far as the schema let it be read (see read.ts). */
  readonly topology: LooseTopology;
  /** Every entry name of each section, whatever the entry's value: references resolve against these. */
  readonly names: Readonly<Record<NamedSection, ReadonlySet<string>>>;
  readonly issues: Issues;
  /** False for a place with a schema error at or below it. */
  readonly usable: (pointer: string) => boolean;
}

/** `/section/name/...rest`. */
export function entryPointer(section: NamedSection, name: string, ...rest: (string | number)[]): string {
  return joinPointer('', section, name, ...rest);
}
