/**
 * `npm run bench -- codegen`: `faustgen generate` on a topology of 200 topics, 100 models, 150
 * agents, 50 tables and 100 routes into a fresh folder (generate_ms), then `generate --check` on
 * the result (check_ms). Ends with `RESULT codegen generate_ms=<int> check_ms=<int>`.
 * Targets: generate <= 2,000 ms, check <= 1,500 ms.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateProject } from '../generator/write/project.js';
import { benchTopology } from './codegen-topology.js';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'faustgen-bench-codegen-'));
  try {
    writeFileSync(join(dir, 'topology.json'), `${JSON.stringify(benchTopology(), null, 2)}\n`);
    let started = performance.now();
    const generated = await generateProject({ projectDir: dir });
    const generateMs = performance.now() - started;
    if (generated.status !== 'written') {
      throw new Error(
        `generate: ${generated.status} ${generated.errors.map((e) => `${e.pointer}: ${e.message}`).join('; ')}`,
      );
    }
    started = performance.now();
    const checked = await generateProject({ projectDir: dir, check: true });
    const checkMs = performance.now() - started;
    if (checked.status !== 'up-to-date') throw new Error(`check after generate: ${checked.status}`);
    const files = generated.changes.length;
    console.log(
      `codegen: ${files} files (generated + stubs) in ${generateMs.toFixed(0)} ms; check ${checkMs.toFixed(0)} ms`,
    );
    console.log(`RESULT codegen generate_ms=${Math.round(generateMs)} check_ms=${Math.round(checkMs)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
