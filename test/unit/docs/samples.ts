/**
 * Code samples of a markdown guide, compiled inside a generated project: every ```ts block becomes
 * src/guide/sample-<n>.ts of the project, and one TypeScript program checks them all with the
 * project's own tsconfig. Diagnostics point back at the guide's lines.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export interface Sample {
  /** 1-based, in the order the blocks appear. */
  readonly index: number;
  /** The guide's line of the sample's first code line (1-based). */
  readonly line: number;
  readonly code: string;
}

export interface SampleProblem {
  /** `docs/guide.md:123 (sample 4)`, or the project file when the problem is outside a sample. */
  readonly where: string;
  readonly message: string;
}

const OPEN = /^```(ts|typescript)\s*$/;
const CLOSE = /^```\s*$/;
export const SAMPLE_DIR = 'src/guide';

/** The ```ts (or ```typescript) blocks of a markdown text. An unclosed block is an error. */
export function extractTsSamples(markdown: string): Sample[] {
  const lines = markdown.split('\n');
  const samples: Sample[] = [];
  let open: { line: number; body: string[] } | undefined;
  let otherFence = false;
  lines.forEach((text, i) => {
    if (open) {
      if (CLOSE.test(text)) {
        samples.push({ index: samples.length + 1, line: open.line, code: `${open.body.join('\n')}\n` });
        open = undefined;
      } else {
        open.body.push(text);
      }
    } else if (otherFence) {
      if (CLOSE.test(text)) otherFence = false;
    } else if (OPEN.test(text)) {
      open = { line: i + 2, body: [] };
    } else if (text.startsWith('```')) {
      otherFence = true;
    }
  });
  if (open) throw new Error(`the ts block opened at line ${open.line - 1} is never closed`);
  return samples;
}

export function sampleFile(sample: Sample): string {
  return `${SAMPLE_DIR}/sample-${sample.index}.ts`;
}

/**
 * Makes `faustgen` and `faustgen/testing` of a generated project resolve to this checkout (its
 * package.json exports point at the built dist/), and node's types to the checkout's.
 */
export function linkCheckout(projectDir: string, checkoutRoot: string): void {
  const modules = join(projectDir, 'node_modules');
  mkdirSync(modules, { recursive: true });
  symlinkSync(checkoutRoot, join(modules, 'faustgen'), 'dir');
  symlinkSync(join(checkoutRoot, 'node_modules', '@types'), join(modules, '@types'), 'dir');
}

/** Writes each sample (plus `extra` files, project-relative) into the project, replacing earlier ones. */
export function writeSamples(
  projectDir: string,
  samples: readonly Sample[],
  extra: Record<string, string> = {},
): void {
  rmSync(join(projectDir, SAMPLE_DIR), { recursive: true, force: true });
  const files: Record<string, string> = { ...extra };
  for (const sample of samples) files[sampleFile(sample)] = sample.code;
  for (const [path, code] of Object.entries(files)) {
    const target = join(projectDir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
  }
}

/**
 * Type-checks the whole project (its tsconfig, so the samples see what its own code sees) in one
 * program, and names each problem by the guide line of its sample, or by its project file.
 */
export function compileProject(
  projectDir: string,
  samples: readonly Sample[],
  guideName: string,
): SampleProblem[] {
  const configPath = join(projectDir, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  if (config.error) return [{ where: configPath, message: flatten(config.error.messageText) }];
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, projectDir);
  const program = ts.createProgram({
    rootNames: parsed.fileNames,
    options: { ...parsed.options, noEmit: true },
  });
  const bySampleFile = new Map(samples.map((s) => [resolve(projectDir, sampleFile(s)), s]));
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = `TS${diagnostic.code}: ${flatten(diagnostic.messageText)}`;
    const file = diagnostic.file;
    if (!file) return { where: 'tsc', message };
    const at = file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    const sample = bySampleFile.get(resolve(file.fileName));
    if (sample) {
      return {
        where: `${guideName}:${sample.line + at.line} (sample ${sample.index}, column ${at.character + 1})`,
        message,
      };
    }
    return { where: `${relative(projectDir, file.fileName)}:${at.line + 1}:${at.character + 1}`, message };
  });
}

function flatten(text: string | ts.DiagnosticMessageChain): string {
  return ts.flattenDiagnosticMessageText(text, '\n');
}
