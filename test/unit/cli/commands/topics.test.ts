/** `faustgen topics` in a built project: the topics with partitions and serializers, as columns or --json. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { builtProject, runCli } from './cli.js';

const project = builtProject();
after(() => project.cleanup());
const env = { FAUSTGEN_BROKER: 'memory://' };

describe('faustgen topics', () => {
  it('lists the topics, the changelog included (exit 0)', () => {
    const run = runCli(project.dir, ['topics'], { env });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^topic +partitions +internal +key +value$/m);
    assert.match(run.stdout, /^jobs +2 +false +untyped \(raw\) +Job \(json\)$/m);
    assert.match(run.stdout, /^cli-probe-done-changelog +2 +true /m);
  });

  it('--json prints them as JSON objects', () => {
    const run = runCli(project.dir, ['topics', '--json'], { env });
    assert.equal(run.status, 0, run.stderr);
    const topics = JSON.parse(run.stdout) as Record<string, string>[];
    assert.deepEqual(topics[0], {
      topic: 'jobs',
      partitions: '2',
      internal: 'false',
      key: 'untyped (raw)',
      value: 'Job (json)',
    });
    assert.deepEqual(
      topics.map((topic) => topic.topic),
      ['jobs', 'cli-probe-done-changelog'],
    );
  });

  it('exits 2 naming an unknown setting flag, and 1 outside a project', () => {
    const bad = runCli(project.dir, ['topics', '--internal'], { env });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /internal \(flag --internal\): unknown setting/);
    const outside = runCli(project.scratch, ['topics'], { env });
    assert.equal(outside.status, 1);
    assert.match(outside.stderr, /is not a faustgen project/);
  });
});
