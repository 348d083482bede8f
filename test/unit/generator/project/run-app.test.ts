import assert from 'node:assert/strict';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildProblem, runProjectCommand, staleProblem } from '../../../../generator/project/run-app.js';
import { generateProject } from '../../../../generator/write/project.js';
import { exampleTopology, tempProject, writeTopology } from '../support.js';

describe('project commands', () => {
  it('say how to build when dist/main.js is missing or older than src/', async () => {
    const { dir, cleanup } = tempProject();
    try {
      assert.match(buildProblem(dir) ?? '', /not a faustgen project/);
      writeFileSync(join(dir, 'package.json'), '{}');
      await generateProject({ projectDir: dir });
      assert.match(
        buildProblem(dir) ?? '',
        /dist\/main\.js is missing: build the project first with `npm run build`/,
      );
      mkdirSync(join(dir, 'dist'));
      writeFileSync(join(dir, 'dist/main.js'), '');
      const past = new Date(Date.now() - 60_000);
      utimesSync(join(dir, 'dist/main.js'), past, past);
      assert.match(
        buildProblem(dir) ?? '',
        /dist\/main\.js is older than src\/.*: rebuild with `npm run build`/,
      );
      const future = new Date(Date.now() + 60_000);
      utimesSync(join(dir, 'dist/main.js'), future, future);
      assert.equal(buildProblem(dir), undefined);
    } finally {
      cleanup();
    }
  });

  it('refuse a worker whose generated code is from another topology, unless --allow-stale', async () => {
    const { dir, cleanup } = tempProject();
    try {
      writeFileSync(join(dir, 'package.json'), '{}');
      await generateProject({ projectDir: dir });
      assert.equal(staleProblem(dir), undefined);
      const changed = exampleTopology();
      changed.app.description = 'changed';
      writeTopology(dir, changed);
      assert.match(
        staleProblem(dir) ?? '',
        /generated code is from topology \w+, but topology\.json is now \w+: run `faustgen generate`/,
      );

      mkdirSync(join(dir, 'dist'));
      // A stand-in app that reports the command it was given.
      writeFileSync(join(dir, 'dist/main.js'), 'process.exitCode = process.argv[2] === "worker" ? 7 : 1;\n');
      const reports: string[] = [];
      const refused = await runProjectCommand('worker', [], {
        projectDir: dir,
        report: (m) => reports.push(m),
      });
      assert.equal(refused, 1);
      assert.match(reports[0] ?? '', /^refusing to start the worker/);
      const allowed = await runProjectCommand('worker', [], {
        projectDir: dir,
        allowStale: true,
        report: (m) => reports.push(m),
      });
      assert.equal(allowed, 7);
    } finally {
      cleanup();
    }
  });
});
