/**
 * `faustgen demo` on an example project that exists already (with its dependencies linked, so no
 * install): it regenerates, builds and runs the worker with sample traffic on memory://.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from '../../../support/ports.js';
import { linkDependencies, runCli, startCli } from './cli.js';

const work = mkdtempSync(join(tmpdir(), 'faustgen-demo-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('faustgen demo', () => {
  it('regenerates and builds the project, runs its worker with sample payments until SIGTERM (exit 0)', async () => {
    const init = runCli(work, ['init', 'payments-demo']);
    assert.equal(init.status, 0, init.stderr);
    linkDependencies(join(work, 'payments-demo'));
    const port = await freePort();
    const demo = startCli(work, ['demo', 'payments-demo'], {
      FAUSTGEN_WEB_PORT: String(port),
      FAUSTGEN_WEB_BIND: '127.0.0.1',
      FAUSTGEN_DATADIR: join(work, 'data'),
    });
    try {
      await demo.waitFor(/faustgen worker payments ready/);
      const output = demo.output();
      assert.match(output, /== faustgen generate in .*payments-demo ==\nsrc\/generated is up to date/);
      assert.match(output, /== npm run build ==/);
      assert.doesNotMatch(output, /== npm install ==/);
      assert.match(output, /== worker of .*payments-demo on memory:\/\/, sample payments every second/);
      assert.ok(output.includes(`try: curl http://127.0.0.1:${port}/accounts/acct-1/total`), output);
      assert.match(output, /broker: {2}memory:\/\//);
    } finally {
      demo.child.kill('SIGTERM');
    }
    assert.equal(await demo.exited, 0, demo.output());
  });

  it('exits 1 with the code frame when the existing project has an invalid topology, and builds nothing', () => {
    const dir = join(work, 'broken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), '{"name":"broken"}\n');
    writeFileSync(
      join(dir, 'topology.json'),
      '{"app":{"id":"x"},"agents":{"a":{"source":{"topic":"nope"}}}}\n',
    );
    const run = runCli(work, ['demo', 'broken']);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /FG3002 #\/agents\/a\/source\/topic: there is no topic "nope"/);
    assert.doesNotMatch(run.stdout, /npm run build/);
  });

  it('exits 2 on a second folder or an unknown flag; --help says what it does', () => {
    const extra = runCli(work, ['demo', 'a', 'b']);
    assert.equal(extra.status, 2);
    assert.match(extra.stderr, /Unexpected argument: b/);
    const flag = runCli(work, ['demo', '--port', '1']);
    assert.equal(flag.status, 2);
    assert.match(flag.stderr, /Nonexistent flag: --port/);
    const help = runCli(work, ['demo', '--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /\[default: faustgen-demo\] the demo project folder/);
    assert.match(help.stdout, /FAUSTGEN_WEB_PORT picks the web port/);
  });
});
