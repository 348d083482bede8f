/** Paths for tests that read repository files; they run compiled from dist/test/..., so the root is found by walking up. */
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
    if (parent === dir) throw new Error('cannot find the faustgen repository root above ' + import.meta.url);
    dir = parent;
  }
}

export const REPO_ROOT = findRoot();

/** The shared docs sit beside the clone (CI copies them to ../shared). */
export const SEED_FILE = join(REPO_ROOT, '..', 'shared', 'seed', 'faust-app-api.txt');
export const SETTINGS_FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'faust-settings.txt');
export const SETTINGS_DOC = join(REPO_ROOT, 'docs', 'settings.md');
