/**
 * `faustgen demo`: inits the example project (once), installs it against this faustgen, builds it
 * and runs its worker with sample traffic (PAYMENTS_DEMO=1) on memory:// unless FAUSTGEN_BROKER is
 * set, printing URLs of generated routes to try.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initProject } from './init.js';
import { runProjectCommand } from './run-app.js';
import { generateProject } from '../write/project.js';
import { reportLines } from '../write/report.js';

export interface DemoOptions {
  readonly dir: string;
  readonly log: (line: string) => void;
  readonly report: (line: string) => void;
}

function npm(args: string[], cwd: string): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn('npm', args, { cwd, stdio: 'inherit' });
    child.once('error', fail);
    child.once('exit', (code) => done(code ?? 1));
  });
}

export async function runDemo(options: DemoOptions): Promise<number> {
  const projectDir = resolve(options.dir);
  if (!existsSync(join(projectDir, 'package.json'))) {
    options.log(`== faustgen init ${projectDir} (the payments example) ==`);
    const init = await initProject({ dir: projectDir });
    if (init.generate === undefined || init.errors.length > 0) {
      options.report('init failed: the example topology has errors');
      return 1;
    }
  } else {
    options.log(`== faustgen generate in ${projectDir} ==`);
    const result = await generateProject({ projectDir });
    const { out, err } = reportLines(result, false);
    for (const line of out) options.log(line);
    for (const line of err) options.report(line);
    if (result.status !== 'written' && result.status !== 'up-to-date') return 1;
  }
  if (!existsSync(join(projectDir, 'node_modules', 'faustgen'))) {
    options.log('== npm install ==');
    const installed = await npm(['install', '--prefer-offline', '--no-audit', '--no-fund'], projectDir);
    if (installed !== 0) return installed;
  }
  options.log('== npm run build ==');
  const built = await npm(['run', '--silent', 'build'], projectDir);
  if (built !== 0) return built;

  const broker = process.env.FAUSTGEN_BROKER ?? 'memory://';
  const port = process.env.FAUSTGEN_WEB_PORT ?? '6066';
  process.env.FAUSTGEN_BROKER = broker;
  // An in-process broker starts empty: table data kept on disk from an earlier run would not match it.
  if (broker.startsWith('memory:') && process.env.FAUSTGEN_STORE === undefined)
    process.env.FAUSTGEN_STORE = 'memory://';
  process.env.PAYMENTS_DEMO = '1';
  options.log(`== worker of ${projectDir} on ${broker}, sample payments every second (Ctrl-C to stop) ==`);
  options.log(`try: curl http://127.0.0.1:${port}/accounts/acct-1/total`);
  options.log(`     curl http://127.0.0.1:${port}/accounts/acct-2/spending`);
  options.log(`     curl 'http://127.0.0.1:${port}/alerts?account=acct-1'`);
  return runProjectCommand('worker', [], { projectDir, report: options.report });
}
