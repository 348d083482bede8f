/**
 * A broker URL where nothing listens must fail fast with a message naming the URL — both the
 * helper that connects and a whole integration test file run against that URL.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { connectAdmin } from '../support/broker.js';
import { freePort } from '../support/ports.js';

const notReachable = (url: string) =>
  new RegExp(`^Kafka broker at ${url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not reachable: `);

describe('an unreachable broker', () => {
  it('makes connectAdmin fail fast, naming the URL', { timeout: 10_000 }, async () => {
    const url = `kafka://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    await assert.rejects(connectAdmin(url, { timeoutMs: 3_000 }), (error: Error) => {
      assert.match(error.message, notReachable(url));
      return true;
    });
    assert.ok(Date.now() - started < 5_000, `connectAdmin took ${Date.now() - started} ms to fail`);
  });

  it('makes an integration test file fail with that message instead of hanging', {
    timeout: 60_000,
  }, async () => {
    const url = `kafka://127.0.0.1:${await freePort()}`;
    const roundtrip = fileURLToPath(new URL('./broker-roundtrip.test.js', import.meta.url));
    // NODE_TEST_CONTEXT would make the child report to this runner instead of running on its own.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const child = spawn(process.execPath, ['--test', '--test-reporter=spec', roundtrip], {
      env: { ...env, FAUSTGEN_BROKER: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exitCode = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    assert.notEqual(exitCode, 0, `the test file passed against ${url}:\n${output}`);
    assert.ok(output.includes(`Kafka broker at ${url} is not reachable: `), `output was:\n${output}`);
  });
});
