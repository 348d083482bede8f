/**
 * `faustgen init`: scaffolds a project (package.json, tsconfig, topology.json, src/main.ts, a test
 * on the broker-free test driver, a CI workflow), then generates. Without a topology file it uses
 * the example and copies the example's implemented stubs, so its worker does real work.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { applyEdits, modify } from 'jsonc-parser';
import { packageRoot, Templates } from '../emit/templates.js';
import { DEFAULT_TOPOLOGY_FILE, loadTopology, type TopologyError } from '../topology/index.js';
import { type GenerateResult, generateProject } from '../write/project.js';

export const EXAMPLE_TOPOLOGY = 'topology.example.json';
/** Where a project's editor finds the topology schema once faustgen is installed. */
export const PROJECT_SCHEMA_REF = './node_modules/faustgen/schema/topology.schema.json';

export interface InitOptions {
  readonly dir: string;
  /** A topology file to start from; the example when undefined. */
  readonly topology?: string;
  /**
   * faustgen's dependency in package.json: a version or other npm spec (written as is), a path to a
   * tarball or folder (relative to the current folder; written as `file:` relative to the project),
   * or a `file:` spec (relative to the project, as npm reads it). Default: this faustgen's folder,
   * when it is a checkout.
   */
  readonly faustgen?: string;
}

export interface InitResult {
  readonly projectDir: string;
  /** Project-relative paths of the files init wrote before generating. */
  readonly written: readonly string[];
  readonly generate: GenerateResult | undefined;
  readonly errors: readonly TopologyError[];
}

/** The files of the project template (templates/project/), rendered with these values. */
const PROJECT_FILES: readonly [template: string, target: string][] = [
  ['project/package.json.hbs', 'package.json'],
  ['project/tsconfig.json.hbs', 'tsconfig.json'],
  ['project/gitignore.hbs', '.gitignore'],
  ['project/src/main.ts.hbs', 'src/main.ts'],
  ['project/.github/workflows/ci.yml.hbs', '.github/workflows/ci.yml'],
];

function packageName(dir: string): string {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '');
  return name === '' ? 'faustgen-app' : name;
}

function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

const LOCAL_PATH = /^(\.{1,2}([/\\]|$)|[/\\~]|[A-Za-z]:[/\\])|\.(tgz|tar\.gz|tar)$/;

/** `file:` + the project-relative path of `target`, with forward slashes (package.json is shared). */
function fileSpec(projectDir: string, target: string): string {
  const path = relative(projectDir, target).split(sep).join('/');
  return `file:${path === '' ? '.' : path}`;
}

/**
 * faustgen's dependency spec for the project's package.json (see InitOptions.faustgen). Local paths
 * become relative, so the project and its tarball (or checkout) can move together.
 */
export function faustgenDependency(
  spec: string | undefined,
  projectDir: string,
  root: string = packageRoot(),
  cwd: string = process.cwd(),
): string {
  if (spec === undefined) {
    if (root.split(/[/\\]/).includes('node_modules')) {
      throw new Error(
        `this faustgen runs from an installed copy (${root}), which a project cannot depend on: give ` +
          '--faustgen <tarball | folder | version>. faustgen is not on npm; `npm pack` in a faustgen checkout ' +
          'writes a tarball (docs/guide.md, "Start a project")',
      );
    }
    return fileSpec(projectDir, root);
  }
  if (spec.startsWith('file:')) {
    const path = spec.slice('file:'.length);
    return isAbsolute(path) ? fileSpec(projectDir, path) : spec;
  }
  if (!LOCAL_PATH.test(spec)) return spec;
  const target = resolve(cwd, spec.replace(/^~(?=$|[/\\])/, process.env.HOME ?? '~'));
  if (!existsSync(target)) {
    throw new Error(
      `--faustgen ${spec}: there is no ${target} (a faustgen tarball from \`npm pack\`, or a folder)`,
    );
  }
  return fileSpec(projectDir, target);
}

export async function initProject(options: InitOptions): Promise<InitResult> {
  const projectDir = resolve(options.dir);
  const root = packageRoot();
  const topologySource =
    options.topology !== undefined ? resolve(options.topology) : join(root, EXAMPLE_TOPOLOGY);
  for (const existing of ['package.json', DEFAULT_TOPOLOGY_FILE]) {
    if (existsSync(join(projectDir, existing))) {
      throw new Error(`${join(projectDir, existing)} exists already: init a new project in an empty folder`);
    }
  }
  const faustgen = faustgenDependency(options.faustgen, projectDir, root);
  const loaded = loadTopology(topologySource);
  if (loaded.topology === undefined || loaded.text === undefined) {
    return { projectDir, written: [], generate: undefined, errors: loaded.errors };
  }

  const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    devDependencies?: Record<string, string>;
  };
  const values = {
    name: packageName(projectDir),
    faustgen,
    typescript: own.devDependencies?.typescript ?? '~5.9.3',
    typesNode: own.devDependencies?.['@types/node'] ?? '^20.0.0',
    agentNames: JSON.stringify(Object.keys(loaded.topology.agents).sort())
      .replace(/"/g, "'")
      .replace(/','/g, "', '"),
  };
  const templates = new Templates(undefined);
  const written: string[] = [];
  const write = (path: string, content: string) => {
    const target = join(projectDir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    written.push(path);
  };
  for (const [template, target] of PROJECT_FILES) write(target, templates.render(template, values));

  const formatting = { insertSpaces: true, tabSize: 2 };
  write(
    DEFAULT_TOPOLOGY_FILE,
    applyEdits(
      loaded.text,
      modify(loaded.text, ['$schema'], PROJECT_SCHEMA_REF, { formattingOptions: formatting }),
    ),
  );

  if (options.topology === undefined) {
    // The example's implemented stubs and its test replace the scaffolded ones.
    const example = join(root, 'templates', 'example');
    for (const file of listFiles(example)) {
      cpSync(join(example, file), join(projectDir, file));
      written.push(file);
    }
  } else {
    write('src/tests/app.test.ts', templates.render('project/src/tests/app.test.ts.hbs', values));
  }
  const generate = await generateProject({ projectDir });
  return { projectDir, written, generate, errors: [] };
}
