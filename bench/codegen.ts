/**
 * `npm run bench -- codegen [--runs N]`: `faustgen generate` on a topology of 200 topics, 100
 * models, 150 agents, 50 tables and 100 routes into a fresh folder (generate_ms), then `generate
 * --check` on the result (check_ms), N times in one process (default 1). Prints each run, then
 * `RESULT codegen generate_ms=<int> check_ms=<int>` of the first run (it pays for loading the
 * generator, as every `faustgen generate` does) and, with N > 1, `warm_generate_ms` and
 * `warm_check_ms`: the fastest of the later runs, the figures least inflated by other load on a
 * shared machine. Targets (first run): generate <= 2,000 ms, check <= 1,500 ms.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { generateProject } from '../generator/write/project.js';
import { benchTopology } from './codegen-topology.js';

interface RunResult {
  readonly files: number;
  readonly generateMs: number;
  readonly checkMs: number;
}

async function runOnce(): Promise<RunResult> {
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
    return { files: generated.changes.length, generateMs, checkMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '1' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs must be a positive integer, got ${values.runs}`);
  const results: RunResult[] = [];
  for (let run = 1; run <= runs; run++) {
    const result = await runOnce();
    results.push(result);
    console.log(
      `codegen run ${run}: ${result.files} files (generated + stubs) in ${result.generateMs.toFixed(0)} ms; ` +
        `check ${result.checkMs.toFixed(0)} ms`,
    );
  }
  const [first, ...later] = results as [RunResult, ...RunResult[]];
  const warm =
    later.length === 0
      ? ''
      : ` warm_generate_ms=${Math.round(Math.min(...later.map((run) => run.generateMs)))}` +
        ` warm_check_ms=${Math.round(Math.min(...later.map((run) => run.checkMs)))}`;
  console.log(
    `RESULT codegen generate_ms=${Math.round(first.generateMs)} check_ms=${Math.round(first.checkMs)}${warm}`,
  );
}

await main();
