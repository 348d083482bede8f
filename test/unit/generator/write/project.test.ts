import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EXIT_CODES, exitCodeOf, generateProject } from '../../../../generator/write/project.js';
import { exampleTopology, tempProject, writeTopology } from '../support.js';

function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(join(dir, 'src'), { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      files.set(join(entry.parentPath, entry.name), readFileSync(join(entry.parentPath, entry.name), 'utf8'));
  }
  return files;
}

describe('generateProject', () => {
  it('is deterministic: a second run writes nothing and leaves identical bytes', async () => {
    const { dir, cleanup } = tempProject();
    try {
      const first = await generateProject({ projectDir: dir });
      assert.equal(first.status, 'written');
      const before = snapshot(dir);
      const second = await generateProject({ projectDir: dir });
      assert.equal(second.status, 'up-to-date');
      assert.deepEqual(second.changes, []);
      assert.deepEqual(snapshot(dir), before);
    } finally {
      cleanup();
    }
  });

  it('never overwrites an edited stub, and --check then exits 0', async () => {
    const { dir, cleanup } = tempProject();
    try {
      await generateProject({ projectDir: dir });
      const stub = join(dir, 'src/agents/audit-log.ts');
      const edited = readFileSync(stub, 'utf8').replace(
        "ctx.logger.info('audit-log received an event'",
        "ctx.logger.warn('edited'",
      );
      writeFileSync(stub, edited);
      const result = await generateProject({ projectDir: dir });
      assert.equal(readFileSync(stub, 'utf8'), edited);
      assert.equal(result.status, 'up-to-date');
      const check = await generateProject({ projectDir: dir, check: true });
      assert.equal(check.status, 'up-to-date');
      assert.equal(EXIT_CODES[check.status], 0);
      assert.deepEqual(check.stubProblems, []);
    } finally {
      cleanup();
    }
  });

  it('--check after a one-character change exits 1, names the files and writes nothing', async () => {
    const { dir, cleanup } = tempProject();
    try {
      await generateProject({ projectDir: dir });
      const before = snapshot(dir);
      const changed = exampleTopology();
      changed.agents['audit-log'].description = 'Logs flagged payments!';
      writeTopology(dir, changed);
      const check = await generateProject({ projectDir: dir, check: true });
      assert.equal(check.status, 'drift');
      assert.equal(EXIT_CODES[check.status], 1);
      const paths = check.changes.map((c) => c.path);
      assert.ok(paths.includes('src/generated/app.ts'));
      assert.ok(paths.includes('src/generated/manifest.json'));
      assert.ok(check.changes.every((c) => c.action === 'update' && c.diff?.startsWith('@@ line')));
      assert.deepEqual(snapshot(dir), before);
    } finally {
      cleanup();
    }
  });

  it('refuses breaking changes with exit code 3 unless allowed', async () => {
    const { dir, cleanup } = tempProject();
    try {
      await generateProject({ projectDir: dir });
      const changed = exampleTopology();
      changed.app.version = 2;
      delete changed.tables['payment-counts'];
      changed.agents['score-payments'].tables = ['account-totals', 'hourly-spend', 'accounts-by-id'];
      changed.routes['account-total'].tables = ['account-totals'];
      changed.timers['publish-stats'].tables = [];
      changed.tables['hourly-spend'].window.size = '2h';
      changed.topics.payments.partitions = 8;
      changed.tables['account-totals'].partitions = 8;
      changed.tables['hourly-spend'].partitions = 8;
      changed.tables['account-totals'].keyType = 'number';
      changed.routes['account-total'].params.account = 'number';
      changed.tables['flagged-merchants'].keySerializer = 'raw';
      writeTopology(dir, changed);
      const before = snapshot(dir);
      const refused = await generateProject({ projectDir: dir });
      assert.deepEqual(refused.errors, []);
      assert.equal(refused.status, 'breaking');
      assert.equal(EXIT_CODES[refused.status], 3);
      assert.deepEqual(refused.breaking.map((b) => b.code).sort(), [
        'app-version',
        'source-partitions',
        'table-key-type',
        'table-partitions',
        'table-partitions',
        'table-removed',
        'table-serializer',
        'table-window',
      ]);
      assert.deepEqual(snapshot(dir), before);
      const allowed = await generateProject({ projectDir: dir, allowBreaking: true });
      assert.equal(allowed.status, 'written');
    } finally {
      cleanup();
    }
  });

  it('prunes generated files that are no longer generated, and keeps other files', async () => {
    const { dir, cleanup } = tempProject();
    try {
      await generateProject({ projectDir: dir });
      const stale = join(dir, 'src/generated/old-routes.ts');
      writeFileSync(stale, '// @generated by faustgen from topology 0000. Do not edit.\nexport {};\n');
      const mine = join(dir, 'src/generated/notes.ts');
      writeFileSync(mine, 'export const notes = 1;\n');
      const check = await generateProject({ projectDir: dir, check: true });
      assert.deepEqual(check.changes, [{ path: 'src/generated/old-routes.ts', action: 'remove' }]);
      await generateProject({ projectDir: dir });
      assert.equal(existsSync(stale), false);
      assert.equal(existsSync(mine), true);
    } finally {
      cleanup();
    }
  });

  it('reports orphan stubs and stubs whose export no longer fits, with file:line', async () => {
    const { dir, cleanup } = tempProject();
    try {
      await generateProject({ projectDir: dir });
      const stub = join(dir, 'src/agents/track-accounts.ts');
      writeFileSync(
        stub,
        readFileSync(stub, 'utf8').replace("defineAgent('track-accounts'", "defineAgent('audit-log'"),
      );
      const changed = exampleTopology();
      delete changed.agents['collect-alerts'];
      writeTopology(dir, changed);
      const result = await generateProject({ projectDir: dir });
      const problems = result.stubProblems.map((p) => `${p.file}:${p.line}:${p.kind}`);
      assert.deepEqual(problems, [
        'src/agents/track-accounts.ts:8:mismatch',
        'src/agents/collect-alerts.ts:8:orphan',
      ]);
      assert.ok(existsSync(join(dir, 'src/agents/collect-alerts.ts')), 'user code is never deleted');
    } finally {
      cleanup();
    }
  });

  it('a codec added after src/codecs.ts exists: generate and --check exit 1 naming it (never the worker)', async () => {
    const { dir, cleanup } = tempProject();
    try {
      assert.equal(exitCodeOf(await generateProject({ projectDir: dir })), 0);
      const changed = exampleTopology();
      changed.codecs.lz4 = { description: 'a second codec' };
      changed.topics['daily-reports'].valueSerializer = 'lz4';
      writeTopology(dir, changed);
      for (const check of [false, true]) {
        const result = await generateProject({ projectDir: dir, check });
        assert.deepEqual(result.errors, []);
        const missing = result.stubProblems.filter((p) => p.kind === 'missing-codec');
        assert.deepEqual(
          missing.map((p) => p.file),
          ['src/codecs.ts'],
        );
        assert.match(missing[0]!.message, /codec 'lz4'.*registerCodec\('lz4'/);
        assert.equal(exitCodeOf(result), 1, `check=${check}`);
      }
      const codecs = join(dir, 'src/codecs.ts');
      writeFileSync(codecs, `${readFileSync(codecs, 'utf8')}\nregisterCodec('lz4', lz4Codec);\n`);
      assert.equal(exitCodeOf(await generateProject({ projectDir: dir, check: true })), 0);
    } finally {
      cleanup();
    }
  });

  it('a change that concerns one file rewrites that file, app.ts (its hash) and the manifest only', async () => {
    const { dir, cleanup } = tempProject();
    try {
      await generateProject({ projectDir: dir });
      const changed = exampleTopology();
      changed.models.Merchant.description = 'Who was paid (a new description).';
      writeTopology(dir, changed);
      const result = await generateProject({ projectDir: dir, check: true });
      assert.deepEqual(result.changes.map((c) => c.path).sort(), [
        'src/generated/app.ts',
        'src/generated/manifest.json',
        'src/generated/models.ts',
      ]);
    } finally {
      cleanup();
    }
  });

  it('uses a template from the project .faustgen/templates/ over the package one', async () => {
    const { dir, cleanup } = tempProject();
    try {
      mkdirSync(join(dir, '.faustgen/templates/generated'), { recursive: true });
      writeFileSync(
        join(dir, '.faustgen/templates/generated/index.ts.hbs'),
        "{{{header}}}\nexport * from './app.js';\n",
      );
      await generateProject({ projectDir: dir });
      const index = readFileSync(join(dir, 'src/generated/index.ts'), 'utf8');
      assert.match(index, /^\/\/ @generated by faustgen[^\n]*\nexport \* from '.\/app.js';\n$/);
    } finally {
      cleanup();
    }
  });

  it('writes nothing for an invalid topology', async () => {
    const { dir, cleanup } = tempProject(
      '{ "app": { "id": "x" }, "agents": { "a": { "source": { "topic": "nope" } } } }',
    );
    try {
      const result = await generateProject({ projectDir: dir });
      assert.equal(result.status, 'invalid');
      assert.ok(result.errors.length > 0);
      assert.equal(existsSync(join(dir, 'src')), false);
    } finally {
      cleanup();
    }
  });
});
