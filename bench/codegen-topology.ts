/**
 * The topology of `npm run bench -- codegen`: 200 topics, 100 models, 150 agents, 50 tables and
 * 100 routes (the generator's tests use it as their large topology).
 */
export const COUNTS = { topics: 200, models: 100, agents: 150, tables: 50, routes: 100 };

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
