/**
 * Orphan stubs (of items topology.json no longer declares) stay on disk, since they are the user's
 * code, but must not break the build: generate writes their paths into a tsconfig the project's
 * tsconfig.json extends, and tsc skips them. Nothing imports an orphan (the wiring only imports
 * declared items), so excluding it from `include` takes it out of the build.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { GENERATED_DIR } from '../plan/plan.js';

export const ORPHANS_TSCONFIG = `${GENERATED_DIR}/tsconfig.orphans.json`;
/** How the project's tsconfig.json refers to it (init writes this). */
export const ORPHANS_TSCONFIG_EXTENDS = `./${ORPHANS_TSCONFIG}`;

/** The tsconfig that excludes `orphans` (project-relative paths); paths in it are relative to itself. */
export function renderOrphansTsconfig(header: string, orphans: readonly string[]): string {
  const exclude = [...orphans].sort().map((path) => posix.relative(GENERATED_DIR, path));
  return (
    `${header}\n` +
    "// The project's tsconfig.json extends this file so that tsc skips stubs of items topology.json no\n" +
    '// longer declares (`faustgen generate` lists them). An `exclude` in tsconfig.json replaces this one.\n' +
    `${JSON.stringify({ exclude }, null, 2)}\n`
  );
}

/** Whether the project's tsconfig.json extends the orphans tsconfig (projects made before it existed do not). */
export function extendsOrphansTsconfig(projectDir: string): boolean {
  const file = join(projectDir, 'tsconfig.json');
  return existsSync(file) && readFileSync(file, 'utf8').includes('tsconfig.orphans.json');
}
