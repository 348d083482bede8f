/** `faustgen models` in a built project: the models topics use, with namespaces, as columns or --json. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { builtProject, runCli } from './cli.js';

const project = builtProject();
after(() => project.cleanup());
const env = { FAUSTGEN_BROKER: 'memory://' };

describe('faustgen models', () => {
  it('lists each model with its namespace and a topic using it (exit 0)', () => {
    const run = runCli(project.dir, ['models'], { env });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^model +namespace +topic\nJob +probe\.Job +jobs\n?$/);
  });

  it('--json prints them as JSON objects', () => {
    const run = runCli(project.dir, ['models', '--json'], { env });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), [{ model: 'Job', namespace: 'probe.Job', topic: 'jobs' }]);
  });

  it('exits 2 naming an unknown setting flag, and 1 outside a project', () => {
    const bad = runCli(project.dir, ['models', '--namespace', 'probe'], { env });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /namespace \(flag --namespace\): unknown setting/);
    const outside = runCli(project.scratch, ['models'], { env });
    assert.equal(outside.status, 1);
    assert.match(outside.stderr, /is not a faustgen project/);
  });
});
