/**
 * Joins in topology.json, generated: a project with a stream-table, a table-table and a windowed
 * stream-stream join type-checks with its scaffolded stubs and with stubs that use the typed joined
 * values (`@ts-expect-error` lines prove the types are not `any`), and its compiled wiring joins on
 * memory:// (the windowed join's right side runs the same stub through a second agent).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { formatTopologyError } from '../../../../generator/topology/index.js';
import { generateProject } from '../../../../generator/write/project.js';
import type { App } from '../../../../runtime/index.js';
import { type JsonObject, tempProject } from '../support.js';
import { prepareProject, runTsc } from './tsc.js';

const JOINS_TOPOLOGY: JsonObject = {
  app: { id: 'shop', settings: { topicPartitions: 2 } },
  models: {
    Order: {
      schema: {
        type: 'object',
        properties: { id: { type: 'string' }, total: { type: 'number' } },
        required: ['id', 'total'],
      },
    },
    Customer: {
      schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    },
    Payment: {
      schema: {
        type: 'object',
        properties: { order: { type: 'string' }, amount: { type: 'number' } },
        required: ['order', 'amount'],
      },
    },
  },
  topics: {
    orders: { keyType: 'string', valueType: 'Order' },
    payments: { keyType: 'string', valueType: 'Payment' },
    customers: { keyType: 'string', valueType: 'Customer' },
    enriched: { keyType: 'string', valueType: 'json' },
    matched: { keyType: 'string', valueType: 'json' },
  },
  tables: {
    'customers-by-id': { keyType: 'string', valueType: 'Customer' },
    points: { keyType: 'string', valueType: 'number', default: 0 },
  },
  joins: {
    'orders-with-customer': {
      kind: 'left',
      left: { topic: 'orders' },
      right: { table: 'customers-by-id' },
    },
    'customer-points': {
      description: 'Each customer with their points.',
      kind: 'outer',
      left: { table: 'customers-by-id' },
      right: { table: 'points' },
    },
    'orders-payments': {
      kind: 'inner',
      left: { topic: 'orders' },
      right: { topic: 'payments' },
      window: { within: '1m', grace: '10s' },
    },
  },
  agents: {
    'track-customers': { source: { topic: 'customers' }, tables: ['customers-by-id', 'points'] },
    'enrich-orders': { source: { join: 'orders-with-customer' }, sinks: [{ topic: 'enriched' }] },
    'match-payments': { source: { join: 'orders-payments' }, sinks: [{ topic: 'matched' }] },
  },
  tasks: { 'read-points': { tables: ['customer-points'] } },
};

/** Stubs as a user writes them, reading the joined values by their types. */
const USER_STUBS: Readonly<Record<string, string>> = {
  'agents/track-customers.ts': `import { defineAgent } from '../generated/helpers.js';

export default defineAgent('track-customers', async (stream, ctx) => {
  for await (const [id, customer] of stream.items()) {
    ctx.tables.customersById.set(id, customer);
    ctx.tables.points.set(id, ctx.tables.points.get(id) + 1);
  }
});
`,
  'agents/enrich-orders.ts': `import { defineAgent } from '../generated/helpers.js';
import type { Customer } from '../generated/index.js';

export default defineAgent('enrich-orders', async function* (stream) {
  for await (const { left: order, right: customer } of stream) {
    // @ts-expect-error a left join's table side may be missing
    const _sure: Customer = customer;
    // @ts-expect-error Order has no field 'name'
    const { name: _name } = order;
    yield { order: order.id, total: order.total, customer: customer?.name ?? null };
  }
});
`,
  'agents/match-payments.ts': `import { defineAgent } from '../generated/helpers.js';

export default defineAgent('match-payments', async function* (stream) {
  for await (const { key, left: order, right: payment, leftTimestamp, rightTimestamp } of stream) {
    // @ts-expect-error Payment has no field 'total'
    const { total: _total } = payment;
    const apart: number = Math.abs(leftTimestamp - rightTimestamp);
    yield { key, order: order.id, amount: payment.amount, apart };
  }
});
`,
  'tasks/read-points.ts': `import { defineTask } from '../generated/helpers.js';
import type { Customer } from '../generated/index.js';

export default defineTask('read-points', (ctx) => {
  const joined = ctx.tables.customerPoints.get('c-1');
  // @ts-expect-error an outer join's left side may be missing
  const _left: Customer = joined === undefined ? { name: '' } : joined.left;
  const points: number | undefined = joined?.right;
  ctx.logger.info('points', { name: joined?.left?.name, points });
});
`,
};

/** The project's generated index, as the test imports it after tsc compiled it. */
interface GeneratedJoins {
  app: App;
  ordersTopic: unknown;
  paymentsTopic: unknown;
  customersTopic: unknown;
  customerPointsTable: { get(key: string): unknown };
}

async function generated(userStubs: boolean): Promise<{ dir: string; cleanup: () => void }> {
  const project = tempProject(JOINS_TOPOLOGY);
  try {
    const result = await generateProject({ projectDir: project.dir });
    assert.deepEqual(result.errors.map(formatTopologyError), []);
    if (userStubs) {
      for (const [file, code] of Object.entries(USER_STUBS))
        writeFileSync(join(project.dir, 'src', file), code);
    }
    return project;
  } catch (error) {
    project.cleanup();
    throw error;
  }
}

describe('joins in topology.json', () => {
  it('generate a project that type-checks with its scaffolded stubs', async () => {
    const { dir, cleanup } = await generated(false);
    try {
      prepareProject(dir, false);
      await runTsc(dir);
    } finally {
      cleanup();
    }
  });

  it('give stubs the typed joined values, and the compiled wiring joins on memory://', async () => {
    const { dir, cleanup } = await generated(true);
    try {
      prepareProject(dir, true);
      await runTsc(dir);
      const project = (await import(
        pathToFileURL(join(dir, 'dist', 'generated', 'index.js')).href
      )) as GeneratedJoins;
      const { app } = project;
      const put = (
        ctx: Awaited<ReturnType<App['testContext']>>,
        topic: unknown,
        value: unknown,
        key: string,
        timestamp: number,
      ) => ctx.put(topic as never, value as never, { key: key as never, timestamp });
      const ctx = await app.testContext({ settings: { logLevel: 'warn' } });
      try {
        const t0 = 1_700_000_000_000;
        await put(ctx, project.customersTopic, { name: 'Ada' }, 'c-1', t0);
        await put(ctx, project.ordersTopic, { id: 'o-1', total: 5 }, 'c-1', t0 + 1_000);
        await put(ctx, project.ordersTopic, { id: 'o-2', total: 7 }, 'c-2', t0 + 2_000);
        // Within a minute of o-1 (joins), more than a minute after o-2 (does not).
        await put(ctx, project.paymentsTopic, { order: 'o-1', amount: 5 }, 'c-1', t0 + 30_000);
        await put(ctx, project.paymentsTopic, { order: 'o-2', amount: 7 }, 'c-2', t0 + 70_000);
        assert.deepEqual(
          ctx.sent('enriched').map((record) => record.value),
          [
            { order: 'o-1', total: 5, customer: 'Ada' },
            { order: 'o-2', total: 7, customer: null },
          ],
        );
        assert.deepEqual(
          ctx.sent('matched').map((record) => record.value),
          [{ key: 'c-1', order: 'o-1', amount: 5, apart: 29_000 }],
        );
        assert.deepEqual(project.customerPointsTable.get('c-1'), { left: { name: 'Ada' }, right: 1 });
        assert.deepEqual(
          app
            .agents()
            .map((agent) => agent.name)
            .sort(),
          ['enrich-orders', 'match-payments', 'match-payments.right', 'track-customers'],
        );
      } finally {
        await ctx.stop();
      }
    } finally {
      cleanup();
    }
  });
});
