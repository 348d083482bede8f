/** How `faustgen generate` prints a result. */
import { topologyErrorLines } from '../topology/index.js';
import type { GenerateResult } from './project.js';

export interface ReportLines {
  readonly out: string[];
  readonly err: string[];
}

export interface ReportOptions {
  /** ANSI colours in the errors' code frames (for a terminal). */
  readonly color?: boolean;
}

export function reportLines(
  result: GenerateResult,
  check: boolean,
  options: ReportOptions = {},
): ReportLines {
  const out: string[] = [];
  const err: string[] = [];
  switch (result.status) {
    case 'invalid':
      err.push(...topologyErrorLines(result.errors, result.topologyText, { color: options.color ?? false }));
      err.push(
        `${result.topologyFile}: ${result.errors.length} error${result.errors.length === 1 ? '' : 's'}; nothing was written`,
      );
      break;
    case 'breaking':
      err.push(
        `${result.topologyFile}: breaking change${result.breaking.length === 1 ? '' : 's'} since the last generation:`,
      );
      for (const change of result.breaking) err.push(`  - ${change.message} [${change.code}]`);
      err.push(
        'Nothing was written. Run `faustgen generate --allow-breaking` if this is intended (plan a reset of the affected state).',
      );
      break;
    default: {
      const verb = check ? 'would' : '';
      for (const change of result.changes) {
        const what = {
          create: check ? 'would create' : 'created',
          update: check ? 'would change' : 'updated',
          remove: check ? 'would remove' : 'removed',
          'create-stub': check ? 'would create stub' : 'created stub',
        }[change.action];
        out.push(`${what} ${change.path}`);
        if (check && change.diff !== undefined)
          out.push(...change.diff.split('\n').map((line) => `    ${line}`));
      }
      if (result.breaking.length > 0) {
        for (const change of result.breaking) err.push(`breaking (allowed): ${change.message}`);
      }
      if (result.status === 'up-to-date')
        out.push(`src/generated is up to date with ${result.topologyFile} (topology ${result.hash})`);
      else if (result.status === 'drift') {
        err.push(
          `${result.changes.length} file${result.changes.length === 1 ? '' : 's'} ${verb} change: run \`faustgen generate\``,
        );
      } else out.push(`generated from ${result.topologyFile} (topology ${result.hash})`);
    }
  }
  for (const problem of result.stubProblems) err.push(`${problem.file}:${problem.line}: ${problem.message}`);
  return { out, err };
}
