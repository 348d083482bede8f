/**
 * Writes the docs generated from code: `node dist/scripts/gen-docs.js [name...] [--check]`
 * (`npm run docs`). With no names, every generator runs. `--check` writes nothing and exits 1
 * when a file is stale.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  renderTopologyDoc,
  renderTopologySchemaFile,
  TOPOLOGY_SCHEMA_FILE,
} from '../generator/topology/index.js';
import { renderSettingsDoc } from '../runtime/core/settings/docs.js';

interface DocGenerator {
  /** Path from the repository root. */
  readonly path: string;
  render(): string;
}

const GENERATORS: Readonly<Record<string, DocGenerator>> = {
  settings: { path: 'docs/settings.md', render: renderSettingsDoc },
  topology: { path: 'docs/topology.md', render: renderTopologyDoc },
  'topology-schema': { path: TOPOLOGY_SCHEMA_FILE, render: renderTopologySchemaFile },
};

/** The nearest directory above this file holding faustgen's package.json (works from dist/ and from source). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'faustgen'
    ) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('gen-docs: cannot find the faustgen repository root');
    dir = parent;
  }
}

function main(args: string[]): number {
  const check = args.includes('--check');
  const names = args.filter((arg) => arg !== '--check');
  const unknown = names.filter((name) => !(name in GENERATORS));
  if (unknown.length > 0) {
    console.error(
      `gen-docs: unknown generator ${unknown.join(', ')}; known: ${Object.keys(GENERATORS).join(', ')}`,
    );
    return 2;
  }
  const root = repoRoot();
  let stale = 0;
  for (const name of names.length > 0 ? names : Object.keys(GENERATORS)) {
    const { path, render } = GENERATORS[name]!;
    const file = join(root, path);
    const text = render();
    const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    if (current === text) {
      console.log(`${path} is up to date`);
    } else if (check) {
      console.error(`${path} is stale: run \`npm run docs\``);
      stale++;
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      console.log(`wrote ${path}`);
    }
  }
  return stale > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
