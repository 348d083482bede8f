import type { FastifyInstance } from 'fastify';
import { DASHBOARD_HTML } from './dashboard.js';
import { HttpProblem } from './errors.js';
import { WorkerMetrics } from './metrics.js';
import type { WebHandler, WebReply, WebRequest } from './types.js';
import type { WorkerView } from './worker-view.js';

export interface BuiltinOptions {
  /** /stats and /dashboard (webStatsEnabled, on with debug). */
  stats: boolean;
  /** /metrics (webMetricsEnabled). */
  metrics: boolean;
  /** /router (webRouterEnabled). */
  router: boolean;
  /** /table, /table/<name>, /table/<name>/<key> (webTablesEnabled). */
  tables: boolean;
  /** The routed handler answering GET /table/<name>/<key> (undefined: no such table). */
  tableValue(name: string): WebHandler | undefined;
}

/** Registers the worker's own endpoints. */
export function registerBuiltins(fastify: FastifyInstance, view: WorkerView, options: BuiltinOptions): void {
  fastify.get('/health', async () => view.status());
  fastify.get('/health/live', async () => ({ live: true }));
  fastify.get('/health/ready', async (_request, reply) => {
    const status = view.status();
    const ready = status.ready && !status.rebalancing;
    if (!ready) reply.code(503).header('retry-after', '1');
    return status;
  });

  if (options.router) {
    fastify.get('/router', async () => routerView(view));
  }

  if (options.tables) {
    fastify.get('/table', async () => ({ tables: view.tables() }));
    fastify.get('/table/:name', async (request) => {
      const { name } = request.params as { name: string };
      const table = view.tables().find((t) => t.name === name);
      if (!table) throw new HttpProblem(404, `no table named ${JSON.stringify(name)}`);
      return table;
    });
    const handlers = new Map<string, WebHandler | undefined>();
    fastify.get('/table/:name/:key', async (request, reply) => {
      const { name } = request.params as { name: string };
      if (!handlers.has(name)) handlers.set(name, options.tableValue(name));
      const handler = handlers.get(name);
      if (!handler) throw new HttpProblem(404, `no table named ${JSON.stringify(name)} with keys to look up`);
      return handler(request as unknown as WebRequest, reply as WebReply);
    });
  }

  if (options.stats) {
    fastify.get('/stats', async () => statsView(view));
    fastify.get('/dashboard', async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(DASHBOARD_HTML),
    );
  }

  if (options.metrics) {
    const metrics = new WorkerMetrics(view);
    fastify.get('/metrics', async (_request, reply) => {
      const { contentType, body } = await metrics.text();
      return reply.type(contentType).send(body);
    });
  }
}

/** Which worker owns which table and topic partitions. */
export function routerView(view: WorkerView): unknown {
  const cluster = view.cluster();
  const tables = Object.fromEntries(
    view.tables().map((table) => [
      table.name,
      {
        changelogTopic: table.changelogTopic,
        global: table.global,
        partitions: Object.fromEntries(
          Array.from({ length: table.partitions }, (_, partition) => [
            partition,
            table.global
              ? 'every worker'
              : ownerUrl(view, [table.changelogTopic, ...view.coPartitioned(table.partitions)], partition),
          ]),
        ),
      },
    ]),
  );
  return {
    self: view.canonicalUrl,
    status: view.status(),
    generation: cluster?.generation ?? null,
    complete: cluster?.complete ?? false,
    workers: (cluster?.members ?? []).map((member) => ({
      memberId: member.memberId,
      url: member.url ?? null,
      actives: member.actives,
      standbys: member.standbys,
    })),
    tables,
  };
}

function ownerUrl(view: WorkerView, topics: readonly string[], partition: number): string | null {
  const cluster = view.cluster();
  for (const topic of topics) {
    const url = cluster?.urlFor(topic, partition);
    if (url) return url;
  }
  return null;
}

/** /stats: the monitor's snapshot, plus tables, recovery and assignment (the dashboard reads it). */
export function statsView(view: WorkerView): unknown {
  const cluster = view.cluster();
  return {
    app: view.appId,
    url: view.canonicalUrl,
    status: view.status(),
    monitor: view.monitorSnapshot(),
    agents: view.agents(),
    tables: view.tables(),
    recovery: view.recoveries(),
    assignment: cluster
      ? {
          generation: cluster.generation,
          actives: cluster.self.actives,
          standbys: cluster.self.standbys,
          workers: cluster.members.map((member) => ({ memberId: member.memberId, url: member.url ?? null })),
        }
      : null,
  };
}
