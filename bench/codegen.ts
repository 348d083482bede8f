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

const COUNTS = { topics: 200, models: 100, agents: 150, tables: 50, routes: 100 };

export function benchTopology(): object {
  const models: Record<string, object> = {};
  for (let i = 0; i < COUNTS.models; i++) {
    const properties: Record<string, object> = {
      id: { type: 'string' },
      amount: { type: 'number', minimum: 0 },
      tags: { type: 'array', items: { type: 'string' } },
      kind: { type: 'string', enum: ['a', 'b', 'c'] },
    };
    // Every fifth model nests the one before it.
    if (i % 5 !== 0) properties.parent = { $ref: `Model${i - 1}` };
    models[`Model${i}`] = {
      namespace: `bench.models.Model${i}`,
      schema: { type: 'object', properties, required: ['id', 'amount'], additionalProperties: false },
    };
  }
  const topics: Record<string, object> = {};
  for (let i = 0; i < COUNTS.topics; i++) {
    topics[`topic-${i}`] = { keyType: 'string', valueType: `Model${i % COUNTS.models}`, partitions: 4 };
  }
  const tables: Record<string, object> = {};
  for (let i = 0; i < COUNTS.tables; i++) {
    tables[`table-${i}`] = {
      keyType: 'string',
      valueType: 'number',
      default: 0,
      partitions: 4,
      ...(i % 10 === 0 ? { window: { type: 'tumbling', size: '1m', expires: '1h' } } : {}),
    };
  }
  const agents: Record<string, object> = {};
  for (let i = 0; i < COUNTS.agents; i++) {
    agents[`agent-${i}`] = {
      source: { topic: `topic-${i}` },
      concurrency: 1 + (i % 3),
      tables: [`table-${i % COUNTS.tables}`, `table-${(i + 1) % COUNTS.tables}`],
      sendsTo: [`topic-${COUNTS.agents + (i % (COUNTS.topics - COUNTS.agents))}`],
      ...(i % 4 === 0 ? { sinks: [{ topic: `topic-${(i + 1) % COUNTS.topics}` }] } : {}),
    };
  }
  const routes: Record<string, object> = {};
  for (let i = 0; i < COUNTS.routes; i++) {
    routes[`route-${i}`] = {
      method: 'GET',
      path: `/things-${i}/:key`,
      params: { key: 'string' },
      response: 'json',
      tableRoute: { table: `table-${(i % COUNTS.tables) - ((i % COUNTS.tables) % 10) + 1}`, param: 'key' },
      tables: [`table-${(i % COUNTS.tables) - ((i % COUNTS.tables) % 10) + 1}`],
    };
  }
  return {
    app: { id: 'bench', version: 1, settings: { topicPartitions: 4 } },
    models,
    topics,
    tables,
    agents,
    routes,
  };
}

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
