/**
 * The printer of generated code: biome's native CLI, run once per generation on a temporary folder
 * with the formatter settings a generated project ships (templates/project/biome.json.hbs), so that
 * `biome format` in the project finds nothing to change. One process for all files: starting biome
 * per file, or its WebAssembly build in-process, costs seconds on a large topology.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { normalizeSource } from './format.js';
import { TEMPLATE_DIR } from './templates.js';
import { wrapLongComments } from './wrap-comments.js';

/** The biome.json a generated project ships, relative to templates/. */
export const PROJECT_BIOME_CONFIG = 'project/biome.json.hbs';

export interface SourceText {
  /** Project-relative, with forward slashes. */
  readonly path: string;
  readonly content: string;
}

const FORMATTED = /\.(ts|json)$/;

const require = createRequire(import.meta.url);

/** The exact biome version faustgen prints with (a generated project pins the same one). */
export function biomeVersion(): string {
  return (require('@biomejs/biome/package.json') as { version: string }).version;
}

function isMusl(): boolean {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return process.platform === 'linux' && report?.header?.glibcVersionRuntime === undefined;
}

/**
 * The command that runs biome: its platform binary when installed (as npm does for
 * @biomejs/biome's optional dependencies), else the package's node launcher.
 */
export function biomeCommand(): { readonly file: string; readonly prefix: readonly string[] } {
  const override = process.env.BIOME_BINARY;
  if (override !== undefined && override !== '') return { file: override, prefix: [] };
  const platform = process.platform === 'linux' && isMusl() ? 'linux-musl' : process.platform;
  const suffix = platform === 'linux-musl' ? `linux-${process.arch}-musl` : `${platform}-${process.arch}`;
  const binary = process.platform === 'win32' ? 'biome.exe' : 'biome';
  try {
    return { file: require.resolve(`@biomejs/cli-${suffix}/${binary}`), prefix: [] };
  } catch {
    return { file: process.execPath, prefix: [require.resolve('@biomejs/biome/bin/biome')] };
  }
}

/**
 * Each file as biome prints it (same order). Files biome does not format come back normalised only.
 * Biome refusing a file means the generator emitted invalid code: the error names biome's report.
 */
export function printSources(files: readonly SourceText[]): SourceText[] {
  const normalized = files.map((file) => ({ path: file.path, content: normalizeSource(file.content) }));
  const formatted = normalized.filter((file) => FORMATTED.test(file.path));
  if (formatted.length === 0) return normalized;
  const dir = mkdtempSync(join(tmpdir(), 'faustgen-print-'));
  try {
    const root = join(dir, 'files');
    for (const file of formatted) {
      const target = join(root, file.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.content);
    }
    const config = readFileSync(join(TEMPLATE_DIR(), PROJECT_BIOME_CONFIG), 'utf8');
    writeFileSync(join(dir, 'biome.json'), config);
    const { file, prefix } = biomeCommand();
    const run = spawnSync(
      file,
      [...prefix, 'format', '--write', '--colors=off', `--config-path=${dir}`, '--max-diagnostics=20', root],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (run.error !== undefined) {
      throw new Error(
        `faustgen: cannot run biome (${file}) to format the generated code: ${run.error.message}`,
      );
    }
    if (run.status !== 0) {
      throw new Error(
        `faustgen: biome ${biomeVersion()} refused the generated code (a faustgen bug; please report it):\n` +
          `${run.stdout}${run.stderr}`.trim(),
      );
    }
    const width = lineWidth(config);
    const printed = new Map(
      formatted.map((f) => {
        const text = readFileSync(join(root, f.path), 'utf8');
        return [f.path, f.path.endsWith('.ts') ? wrapLongComments(text, width) : text];
      }),
    );
    return normalized.map((f) => ({ path: f.path, content: printed.get(f.path) ?? f.content }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The formatter's line width in a biome.json. */
export function lineWidth(biomeConfig: string): number {
  const width = (JSON.parse(biomeConfig) as { formatter?: { lineWidth?: number } }).formatter?.lineWidth;
  return width ?? 80;
}
