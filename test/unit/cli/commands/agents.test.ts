/** `faustgen agents` in a built project: the listing, --json, setting flags, and outside a project. */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { after, describe, it } from 'node:test';
import { builtProject, runCli } from './cli.js';

const project = builtProject();
after(() => project.cleanup());
const env = { FAUSTGEN_BROKER: 'memory://' };

describe('faustgen agents', () => {
  it("lists the project's agents as columns (exit 0)", () => {
    const run = runCli(project.dir, ['agents'], { env });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^agent +source +concurrency +isolated$/m);
    assert.match(run.stdout, /^work +jobs +1 +false$/m);
  });

  it('--json prints them as JSON objects', () => {
    const run = runCli(project.dir, ['agents', '--json'], { env });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), [
      { agent: 'work', source: 'jobs', concurrency: '1', isolated: 'false' },
    ]);
  });

  it('takes settings as flags (--broker), and exits 2 naming a setting that does not exist', () => {
    const run = runCli(project.dir, ['agents', '--broker', 'memory://']);
    assert.equal(run.status, 0, run.stderr);
    const bad = runCli(project.dir, ['agents', '--concurrency', '3'], { env });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /concurrency \(flag --concurrency\): unknown setting/);
  });

  it('exits 1 outside a project, saying where to run it', () => {
    const run = runCli(tmpdir(), ['agents'], { env });
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /is not a faustgen project \(no package\.json\): run the command in the project folder/,
    );
  });
});
