/**
 * faustgen init outside the checkout -> the project and the tarball move -> npm install (faustgen
 * from this checkout's `npm pack` tarball, referred to relatively) -> build ->
 * generate --check -> the project's tests -> a worker on the real broker -> `faustgen send` -> an
 * HTTP GET on a generated route returns the table value. Needs `npm run build` first (the tarball
 * packs dist/) and the npm cache or registry for the other dependencies.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { packageRoot } from '../../generator/emit/templates.js';
import { brokerUrl, freePort, requireBroker } from '../support/index.js';

const run = promisify(execFile);
const ROOT = packageRoot();

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function sh(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(command, args, {
      cwd,
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 300_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : 1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  }
}

function expectOk(outcome: Outcome, what: string): void {
  assert.equal(
    outcome.code,
    0,
    `${what} failed (${outcome.code}):\n${outcome.stdout.slice(-3000)}\n${outcome.stderr.slice(-3000)}`,
  );
}

describe('faustgen init of the example, end to end', () => {
  let work: string;
  let project: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'faustgen-e2e-'));
    project = join(work, 'payments-app');
    expectOk(await sh('npm', ['pack', '--pack-destination', work, '--silent'], ROOT), 'npm pack');
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it('inits, installs from the packed tarball, builds, passes --check and its own tests', async () => {
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack wrote a tarball');
    // Outside the checkout, as a user would: the tarball as a path relative to the current folder.
    const init = await sh(
      process.execPath,
      [join(ROOT, 'bin/run.js'), 'init', 'payments-app', '--faustgen', `./${tarball}`],
      work,
    );
    expectOk(init, 'faustgen init');
    assert.match(
      init.stdout,
      /created stub src\/agents\/score-payments.ts|wrote src\/agents\/score-payments.ts/,
    );
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
    assert.equal(pkg.dependencies.faustgen, `file:../${tarball}`);
    // Relocatable: the project and its tarball move together, and install from the new place.
    const moved = `${work}-moved`;
    renameSync(work, moved);
    work = moved;
    project = join(work, 'payments-app');
    assert.match(
      readFileSync(join(project, '.github/workflows/ci.yml'), 'utf8'),
      /faustgen generate --check/,
    );

    expectOk(
      await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], project),
      'npm install',
    );
    expectOk(await sh('npm', ['run', 'build'], project), 'npm run build (tsc)');
    const check = await sh(join(project, 'node_modules/.bin/faustgen'), ['generate', '--check'], project);
    expectOk(check, 'faustgen generate --check');
    assert.match(check.stdout, /up to date/);
    expectOk(await sh('npm', ['test'], project), 'npm test');
  });

  it('runs the worker on the real broker; faustgen send feeds it; a generated route answers', async (t) => {
    try {
      await requireBroker();
    } catch (error) {
      t.skip(`no broker: ${(error as Error).message}`);
      return;
    }
    const suffix = Math.random().toString(36).slice(2, 8);
    // A fresh consumer group: an app id of its own (not a breaking change: the version stays).
    const topologyFile = join(project, 'topology.json');
    writeFileSync(
      topologyFile,
      readFileSync(topologyFile, 'utf8').replace('"id": "payments"', `"id": "payments-e2e-${suffix}"`),
    );
    const bin = join(project, 'node_modules/.bin/faustgen');
    expectOk(await sh(bin, ['generate'], project), 'faustgen generate');
    expectOk(await sh('npm', ['run', 'build'], project), 'npm run build');

    const port = await freePort();
    const env = {
      ...process.env,
      FAUSTGEN_BROKER: brokerUrl(),
      FAUSTGEN_WEB_PORT: String(port),
      FAUSTGEN_WEB_BIND: '127.0.0.1',
      FAUSTGEN_DATADIR: join(work, 'data'),
    };
    const worker: ChildProcess = spawn(bin, ['worker'], {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    worker.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => worker.once('exit', (code) => done(code)));
    try {
      const account = `acct-${suffix}`;
      const payment = {
        id: `p-${suffix}`,
        account,
        amount: 42.5,
        currency: 'EUR',
        timestamp: Math.floor(Date.now() / 1000),
        merchant: { id: 'm-1', name: 'Corner Shop', category: 'groceries' },
      };
      const url = `http://127.0.0.1:${port}/accounts/${account}/total`;
      let sent = false;
      let answer: unknown;
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline) {
        if (worker.exitCode !== null)
          assert.fail(`worker exited (${worker.exitCode}):\n${output.slice(-4000)}`);
        if (!sent && /tables recovered|worker ready|started/i.test(output)) {
          const send = await sh(
            bin,
            ['send', 'payments', JSON.stringify(payment), '--key', account],
            project,
            {
              FAUSTGEN_BROKER: brokerUrl(),
            },
          );
          expectOk(send, 'faustgen send');
          sent = true;
        }
        if (sent) {
          const response = await fetch(url).catch(() => undefined);
          if (response?.ok) {
            answer = await response.json();
            if ((answer as { total?: number }).total === 42.5) break;
          }
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.deepEqual(answer, { account, total: 42.5, payments: 1 }, output.slice(-4000));
    } finally {
      worker.kill('SIGTERM');
      await exited;
    }
  });
});
