import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { faustgenDependency, PROJECT_SCHEMA_REF, initProject } from '../../../../generator/project/init.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'faustgen-init-'));
}

describe('initProject', () => {
  it('scaffolds the example with its implemented stubs, then generates', async () => {
    const dir = join(tempDir(), 'shop');
    try {
      const result = await initProject({ dir, faustgen: 'file:../faustgen.tgz' });
      assert.equal(result.generate?.status, 'written');
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      assert.equal(pkg.name, 'shop');
      assert.equal(pkg.dependencies.faustgen, 'file:../faustgen.tgz');
      const topology = JSON.parse(readFileSync(join(dir, 'topology.json'), 'utf8'));
      assert.equal(topology.$schema, PROJECT_SCHEMA_REF);
      // The example's stub, not the scaffolded one.
      assert.match(readFileSync(join(dir, 'src/agents/score-payments.ts'), 'utf8'), /accountTotals\.set\(/);
      for (const file of [
        'tsconfig.json',
        '.gitignore',
        'src/main.ts',
        '.github/workflows/ci.yml',
        'src/tests/score-payments.test.ts',
        'src/generated/manifest.json',
      ]) {
        assert.ok(existsSync(join(dir, file)), file);
      }
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });

  it('scaffolds stubs and a driver test for a given topology', async () => {
    const dir = tempDir();
    try {
      const topologyFile = join(dir, 'mine.json');
      writeFileSync(
        topologyFile,
        '{ "app": { "id": "mine" }, "topics": { "jobs": {} }, "agents": { "work": { "source": { "topic": "jobs" } } } }',
      );
      const project = join(dir, 'project');
      const result = await initProject({ dir: project, topology: topologyFile });
      assert.equal(result.generate?.status, 'written');
      assert.match(readFileSync(join(project, 'src/agents/work.ts'), 'utf8'), /defineAgent\('work'/);
      assert.match(
        readFileSync(join(project, 'src/tests/app.test.ts'), 'utf8'),
        /assert\.deepEqual\(agents, \['work'\]\)/,
      );
      await assert.rejects(initProject({ dir: project }), /exists already/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes nothing for an invalid topology', async () => {
    const dir = tempDir();
    try {
      const topologyFile = join(dir, 'bad.json');
      writeFileSync(
        topologyFile,
        '{ "app": { "id": "x" }, "agents": { "a": { "source": { "topic": "nope" } } } }',
      );
      const result = await initProject({ dir: join(dir, 'p'), topology: topologyFile });
      assert.ok(result.errors.length > 0);
      assert.equal(existsSync(join(dir, 'p')), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('faustgenDependency: relocatable specs', () => {
  it('writes a local tarball or folder relative to the project, so both can move together', () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir, 'faustgen-0.1.0.tgz'), '');
      const project = join(dir, 'apps', 'shop');
      const cwd = dir;
      assert.equal(
        faustgenDependency('./faustgen-0.1.0.tgz', project, '/x', cwd),
        'file:../../faustgen-0.1.0.tgz',
      );
      assert.equal(
        faustgenDependency('faustgen-0.1.0.tgz', project, '/x', cwd),
        'file:../../faustgen-0.1.0.tgz',
      );
      assert.equal(
        faustgenDependency(join(dir, 'faustgen-0.1.0.tgz'), project, '/x', '/'),
        'file:../../faustgen-0.1.0.tgz',
      );
      assert.equal(faustgenDependency(`file:${join(dir, 'apps')}`, project, '/x', '/'), 'file:..');
      // A file: spec is relative to the project already (as npm reads it): kept as is.
      assert.equal(
        faustgenDependency('file:vendor/faustgen.tgz', project, '/x', cwd),
        'file:vendor/faustgen.tgz',
      );
      // The default: this faustgen's checkout, relative.
      assert.equal(faustgenDependency(undefined, project, join(dir, 'faustgen'), cwd), 'file:../../faustgen');
      // Registry specs are written as they are.
      assert.equal(faustgenDependency('^0.1.0', project, '/x', cwd), '^0.1.0');
      assert.throws(
        () => faustgenDependency('./nope.tgz', project, '/x', cwd),
        /--faustgen \.\/nope\.tgz: there is no .*nope\.tgz/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses the default from an installed copy (npx): it names --faustgen and npm pack', () => {
    assert.throws(
      () => faustgenDependency(undefined, '/work/app', '/home/u/.npm/_npx/1a2b/node_modules/faustgen'),
      /installed copy .*--faustgen <tarball \| folder \| version>.*npm pack/,
    );
  });

  it('init writes the relative spec into package.json', async () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir, 'faustgen-0.1.0.tgz'), '');
      const project = join(dir, 'shop');
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        await initProject({ dir: project, faustgen: './faustgen-0.1.0.tgz' });
      } finally {
        process.chdir(cwd);
      }
      const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
      assert.equal(pkg.dependencies.faustgen, 'file:../faustgen-0.1.0.tgz');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
