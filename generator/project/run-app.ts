/**
 * `faustgen worker|send|agents|...` in a project folder: runs the project's compiled app
 * (dist/main.js, i.e. its `app.main()`) with the command, after checking that the build exists, is
 * not older than the sources, and (for the worker) was generated from the current topology.json.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { topologyHash } from '../plan/hash.js';
import { DEFAULT_TOPOLOGY_FILE, loadTopology } from '../topology/index.js';
import { readManifest } from '../write/manifest.js';

export const PROJECT_MAIN = 'dist/main.js';
export const PROJECT_COMMANDS = [
  'worker',
  'send',
  'agents',
  'topics',
  'models',
  'tables',
  'reset',
  'clean-versions',
] as const;

export type ProjectCommand = (typeof PROJECT_COMMANDS)[number];

/** Why the project's app cannot run now, and what to do; undefined when it can. */
export function buildProblem(projectDir: string): string | undefined {
  const main = join(projectDir, PROJECT_MAIN);
  if (!existsSync(join(projectDir, 'package.json'))) {
    return `${projectDir} is not a faustgen project (no package.json): run the command in the project folder, or create one with \`faustgen init\``;
  }
  if (!existsSync(main)) {
    return `${PROJECT_MAIN} is missing: build the project first with \`npm run build\` (after \`faustgen generate\`)`;
  }
  const built = statSync(main).mtimeMs;
  const newer = newestSource(join(projectDir, 'src'));
  if (newer !== undefined && newer.mtimeMs > built) {
    return `${PROJECT_MAIN} is older than ${relative(projectDir, newer.file)}: rebuild with \`npm run build\``;
  }
  return undefined;
}

function newestSource(dir: string): { file: string; mtimeMs: number } | undefined {
  if (!existsSync(dir)) return undefined;
  let newest: { file: string; mtimeMs: number } | undefined;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    const { mtimeMs } = statSync(file);
    if (newest === undefined || mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
  }
  return newest;
}

/** Whether src/generated was generated from the project's topology.json; a message when not. */
export function staleProblem(projectDir: string): string | undefined {
  const loaded = loadTopology(join(projectDir, DEFAULT_TOPOLOGY_FILE));
  if (loaded.topology === undefined) {
    return `${DEFAULT_TOPOLOGY_FILE} has ${loaded.errors.length} error(s): run \`faustgen validate\``;
  }
  const manifest = readManifest(projectDir);
  const current = topologyHash(loaded.topology);
  if (manifest === undefined) return 'src/generated/manifest.json is missing: run `faustgen generate`';
  if (manifest.topologyHash !== current) {
    return (
      `the generated code is from topology ${manifest.topologyHash}, but ${DEFAULT_TOPOLOGY_FILE} is now ${current}: ` +
      'run `faustgen generate` and `npm run build` (or start anyway with --allow-stale)'
    );
  }
  return undefined;
}

export interface RunOptions {
  readonly projectDir?: string;
  /** Start a worker even when the generated code is not from the current topology.json. */
  readonly allowStale?: boolean;
  /** Where problems are reported. */
  readonly report: (message: string) => void;
}

/** Runs `node dist/main.js <command> ...args` in the project; resolves with its exit code. */
export async function runProjectCommand(
  command: ProjectCommand,
  args: readonly string[],
  options: RunOptions,
): Promise<number> {
  const projectDir = resolve(options.projectDir ?? '.');
  const problem = buildProblem(projectDir);
  if (problem !== undefined) {
    options.report(problem);
    return 1;
  }
  if (command === 'worker' && !options.allowStale) {
    const stale = staleProblem(projectDir);
    if (stale !== undefined) {
      options.report(`refusing to start the worker: ${stale}`);
      return 1;
    }
  }
  const child = spawn(process.execPath, [join(projectDir, PROJECT_MAIN), command, ...args], {
    cwd: projectDir,
    stdio: 'inherit',
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    return await new Promise<number>((done, fail) => {
      child.once('error', fail);
      child.once('exit', (code, signal) => done(code ?? (signal !== null ? 128 + signalNumber(signal) : 1)));
    });
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : signal === 'SIGKILL' ? 9 : 1;
}

/** The project's package name, for messages. */
export function projectName(projectDir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}
