/**
 * The CLI as a user runs it (bin/run.js in a child process), and a small project built for it: the
 * project commands run the project's compiled app, so their tests need a real dist/main.js.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbStore } from '../../../../runtime/stores/lmdb.js';
import { REPO_ROOT } from '../../generator/topology/repo.js';

export const CLI = join(REPO_ROOT, 'bin', 'run.js');

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a run: the test's own, less every FAUSTGEN_ variable and colour switch, plus `env`. */
export function cliEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('FAUSTGEN_') && name !== 'NO_COLOR' && name !== 'FORCE_COLOR',
    ),
  );
  return { ...clean, ...env };
}

export function runCli(
  cwd: string,
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string } = {},
): CliRun {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: cliEnv(options.env),
    input: options.input,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A long-running CLI process (a worker, the demo), its output so far, and its exit. */
export interface CliProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves when the output matches `pattern`; rejects, with the output, when the process exits first. */
  waitFor(pattern: RegExp): Promise<void>;
  readonly exited: Promise<number | null>;
}

export function startCli(cwd: string, args: readonly string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: cliEnv(env), stdio: 'pipe' });
  let output = '';
  const watchers = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const watch of watchers) watch();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  // 'close' comes after the last output: a pattern the output matches is seen before it.
  const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  return {
    child,
    output: () => output,
    exited,
    waitFor: (pattern) =>
      new Promise<void>((done, fail) => {
        const watch = () => {
          if (!pattern.test(output)) return;
          watchers.delete(watch);
          done();
        };
        watchers.add(watch);
        watch();
        void exited.then((code) => {
          if (!watchers.delete(watch)) return;
          fail(new Error(`exited (${code}) before printing ${pattern}:\n${output}`));
        });
      }),
  };
}

/** A topology with a bit of everything the listings show: a model, a topic, a table, an agent. */
export const PROBE_TOPOLOGY = {
  app: { id: 'cli-probe' },
  models: {
    Job: {
      namespace: 'probe.Job',
      schema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
    },
  },
  topics: { jobs: { valueType: 'Job', partitions: 2 } },
  tables: { done: { keyType: 'string', valueType: 'number', default: 0, partitions: 2 } },
  agents: { work: { source: { topic: 'jobs' } } },
};

export interface BuiltProject {
  /** The project folder. */
  readonly dir: string;
  /** A scratch folder beside it (data directories, input files). */
  readonly scratch: string;
  cleanup(): void;
}

/**
 * `faustgen init` of `topology`, then the project's `npm run build` without an install: faustgen and
 * @types/node are linked from this checkout, and tsc is this checkout's.
 */
export function builtProject(topology: object = PROBE_TOPOLOGY): BuiltProject {
  const scratch = mkdtempSync(join(tmpdir(), 'faustgen-cli-'));
  const cleanup = () => rmSync(scratch, { recursive: true, force: true });
  try {
    const topologyFile = join(scratch, 'topology.json');
    writeFileSync(topologyFile, JSON.stringify(topology));
    const init = runCli(scratch, ['init', 'project', '--topology', topologyFile]);
    assert.equal(init.status, 0, init.stderr);
    const dir = join(scratch, 'project');
    linkDependencies(dir);
    const build = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(build.status, 0, `tsc: ${build.stdout}${build.stderr}`);
    return { dir, scratch, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** What `npm install` would put in a project's node_modules for its build and its commands. */
export function linkDependencies(projectDir: string): void {
  const modules = join(projectDir, 'node_modules');
  mkdirSync(join(modules, '@types'), { recursive: true });
  mkdirSync(join(modules, '.bin'), { recursive: true });
  symlinkSync(REPO_ROOT, join(modules, 'faustgen'), 'dir');
  symlinkSync(join(REPO_ROOT, 'node_modules', '@types', 'node'), join(modules, '@types', 'node'), 'dir');
  symlinkSync(join(REPO_ROOT, 'node_modules', 'typescript'), join(modules, 'typescript'), 'dir');
  symlinkSync(TSC, join(modules, '.bin', 'tsc'));
}

/** Local state of `table` as a worker of the project leaves it: `keys` keys in its LMDB store. */
export async function writeLocalTable(datadir: string, table: string, keys: number): Promise<void> {
  const store = new LmdbStore({ table, directory: join(datadir, 'v1', 'tables'), partitions: 2 });
  try {
    await store.transact((writer) => {
      for (let i = 0; i < keys; i++) writer.put(i % 2, Buffer.from(`k${i}`), Buffer.from('1'));
    });
  } finally {
    await store.close();
  }
}
