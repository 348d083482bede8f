/** Repository paths for the topology tests (they run compiled from dist/test/..., so the root is found by walking up). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
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
    if (parent === dir) throw new Error(`cannot find the faustgen repository root above ${import.meta.url}`);
    dir = parent;
  }
}

export const REPO_ROOT = findRoot();
export const EXAMPLE_TOPOLOGY = join(REPO_ROOT, 'topology.example.json');
export const CORPUS_DIR = join(REPO_ROOT, 'test', 'fixtures', 'topologies');
export const TOPOLOGY_DOC = join(REPO_ROOT, 'docs', 'topology.md');
