/**
 * Type-checking a generated project the way a user's build would: faustgen and @types linked in
 * from this package, strict settings (and isolatedModules, which some bundlers need), one tsc run.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../../../generator/emit/templates.js';

const run = promisify(execFile);

const COMPILER_OPTIONS = {
  target: 'ES2022',
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  strict: true,
  noUncheckedIndexedAccess: true,
  isolatedModules: true,
  skipLibCheck: true,
  types: ['node'],
};

/** Links faustgen into the generated project in `dir` and writes its package.json and tsconfig.json. */
export function prepareProject(dir: string, emit: boolean): void {
  linkDependencies(dir);
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const compilerOptions = emit
    ? { ...COMPILER_OPTIONS, rootDir: 'src', outDir: 'dist' }
    : { ...COMPILER_OPTIONS, noEmit: true };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['src'] }));
}

/** Links this faustgen and its @types into the project in `dir`, as `npm install` would provide them. */
export function linkDependencies(dir: string): void {
  const root = packageRoot();
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'faustgen'));
  symlinkSync(join(root, 'node_modules', '@types'), join(dir, 'node_modules', '@types'));
}

/** Runs tsc on the project in `dir`; fails the test with tsc's report when it does not compile. */
export async function runTsc(dir: string): Promise<void> {
  try {
    await run(process.execPath, [join(packageRoot(), 'node_modules/typescript/bin/tsc'), '-p', dir], {
      cwd: dir,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    assert.fail(`tsc failed:\n${(error as { stdout?: string }).stdout ?? String(error)}`);
  }
}
