import { readFileSync } from 'node:fs';
import cors from '@fastify/cors';
import { Ajv, type ValidateFunction } from 'ajv';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { LifecycleHooks } from '../core/lifecycle.js';
import type { Topic } from '../channels/topic.js';
import type { Logger } from '../core/logging/index.js';
import { type AnyModel, isModel, ValidationError } from '../models/index.js';
import { registerBuiltins } from './builtins.js';
import {
  type ErrorBody,
  errorAnswer,
  HttpProblem,
  fieldOf,
  ResponseSchemaError,
  statusText,
  Unavailable,
} from './errors.js';
import { Forwarder } from './forward.js';
import { type KeyRouteContext, type RoutableTable, tableRoute, topicRoute, typedKey } from './key-routes.js';
import type { WebHost, WebTable } from './host.js';
import { OwnershipState } from './ownership.js';
import { Blueprint, RouteTable } from './pages.js';
import type { KeySource, PageMethods, PageOptions, RouteSpec, WebHandler } from './types.js';
import { tableView, type WorkerView, workerStatus } from './worker-view.js';

/** Largest request body by default (Fastify's default, stated so it is visible). */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** How long the owner of a key has to answer a forwarded request. */
export const FORWARD_TIMEOUT_MS = 10_000;

/** Where the server listens once started. */
export type WebAddress =
  | { kind: 'tcp'; host: string; port: number; url: string }
  | { kind: 'unix'; path: string };

/**
 * The worker's web server (Fastify): pages and blueprints, key-owned table and topic routes that
 * forward to the owner, /health, /router, /table, /stats, /metrics and /dashboard. It starts
 * with the worker, before recovery, and stops after the consumer left the group.
 */
export class WebServer {
  readonly state = new OwnershipState();
  private readonly routes = new RouteTable();
  private fastify: FastifyInstance | undefined;
  private forwarder: Forwarder | undefined;
  private boundAddress: WebAddress | undefined;
  private readonly counts = { local: 0, forwarded: 0 };
  private readonly partitionCounts = new Map<string, number>();

  constructor(private readonly app: WebHost) {}

  private get log(): Logger {
    return this.app.logger;
  }

  // ---- declaring routes ------------------------------------------------------------------------

  page(path: string, handler: WebHandler | PageMethods, options?: PageOptions): void {
    this.routes.add(path, handler, options);
  }

  blueprint(prefix: string): Blueprint {
    return new Blueprint(prefix, this.routes);
  }

  tableRoute(table: RoutableTable, source: KeySource, handler: WebHandler): WebHandler {
    return tableRoute(this.keyContext(), table, source, handler);
  }

  topicRoute(topic: Topic<unknown, unknown>, source: KeySource, handler: WebHandler): WebHandler {
    return topicRoute(this.keyContext(), topic, source, handler);
  }

  /** Requests served here and forwarded to other workers by key-owned routes, since the start. */
  get keyRouteCounts(): { local: number; forwarded: number } {
    return { ...this.counts };
  }

  /**
   * The URL other workers reach this one at: the canonicalUrl setting, with the bound port when
   * it names port 0 (webPort 0 picks a free port at the start).
   */
  get canonicalUrl(): string {
    const configured = this.app.conf.canonicalUrl;
    const address = this.boundAddress;
    if (address?.kind !== 'tcp') return configured;
    const url = new URL(configured);
    if (url.port !== '0') return configured;
    url.port = String(address.port);
    return url.toString().replace(/\/$/, '');
  }

  /** Where the server listens (after the start). */
  get address(): WebAddress | undefined {
    return this.boundAddress;
  }

  get declaredRoutes(): readonly RouteSpec[] {
    return this.routes.all();
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /** The app's lifecycle part for the web server. */
  lifecycle(): LifecycleHooks {
    return {
      name: 'web',
      onStart: () => this.start(),
      onAssigned: (_assignment, generation) => {
        this.state.rebalanceStarted(generation);
      },
      onReady: () => {
        this.state.markReady();
        this.log.info('web: ready', { url: this.canonicalUrl });
      },
      onStop: () => this.state.markStopping(),
      onStopped: () => this.stop(),
    };
  }

  /** Called after every rebalance's hooks ran: settles once tables recovered and the group is read. */
  async settleRebalance(generation: number): Promise<void> {
    try {
      await this.app.whenRecovered();
      const cluster = await this.app.whenAssigned(generation);
      await this.learnPartitionCounts(cluster.members.flatMap((member) => Object.keys(member.actives)));
      if (cluster.generation >= generation) this.state.rebalanceSettled(generation);
    } catch (error) {
      this.log.debug(`web: rebalance ${generation} did not settle: ${(error as Error).message}`);
    }
  }

  async start(): Promise<void> {
    if (this.fastify) return;
    const conf = this.app.conf;
    const options: FastifyServerOptions & { https?: unknown } = {
      logger: false,
      bodyLimit: DEFAULT_BODY_LIMIT,
      return503OnClosing: true,
      forceCloseConnections: true,
    };
    if (conf.webSslContext) options.https = tlsOptions(conf.webSslContext);
    const fastify = Fastify(options as FastifyServerOptions);
    this.fastify = fastify;
    this.app.onRebalanceComplete(() => {
      void this.settleRebalance(this.state.currentGeneration);
    });
    if (conf.webCorsOptions) await fastify.register(cors, conf.webCorsOptions as object);
    this.installErrorHandling(fastify);
    this.installRequestLog(fastify);
    registerBuiltins(fastify, this.view(), {
      stats: conf.webStatsEnabled,
      metrics: conf.webMetricsEnabled,
      router: conf.webRouterEnabled,
      tables: conf.webTablesEnabled,
      tableValue: (name) => this.tableValueHandler(name),
    });
    for (const route of this.routes.freeze()) this.register(fastify, route);
    this.boundAddress = await this.listen(fastify);
    this.forwarder = new Forwarder({ selfUrl: this.canonicalUrl, timeoutMs: FORWARD_TIMEOUT_MS });
    this.log.info('web: listening', {
      address: describe(this.boundAddress),
      canonicalUrl: this.canonicalUrl,
    });
  }

  async stop(): Promise<void> {
    const fastify = this.fastify;
    if (!fastify) return;
    this.fastify = undefined;
    this.state.markStopping();
    await fastify.close();
    this.forwarder?.close();
    this.log.info('web: stopped');
  }

  // ---- internals -------------------------------------------------------------------------------

  private keyContext(): KeyRouteContext {
    return {
      state: this.state,
      source: {
        cluster: () => this.app.cluster(),
        selfUrl: () => this.canonicalUrl,
      },
      forward: (request, reply, url) => {
        if (!this.forwarder) throw new Unavailable('the web server is not running');
        return this.forwarder.forward(request, reply, url);
      },
      partitionCount: (topic) => this.partitionCount(topic),
      coPartitioned: (partitions) => this.coPartitioned(partitions),
      consumes: (topic, partition) =>
        this.app.assignment().some((tp) => tp.topic === topic && tp.partition === partition),
      served: (where) => {
        this.counts[where]++;
      },
    };
  }

  /** Partition counts of the app's topics in the assignment, for coPartitioned(). */
  private async learnPartitionCounts(topics: readonly string[]): Promise<void> {
    const declared = new Set(this.app.topicNames());
    for (const topic of new Set(topics)) {
      if (!declared.has(topic) || this.partitionCounts.has(topic)) continue;
      await this.partitionCount(topic).catch(() => undefined);
    }
  }

  private coPartitioned(partitions: number): string[] {
    const declared = new Set(this.app.topicNames());
    return [...this.partitionCounts]
      .filter(([topic, count]) => count === partitions && declared.has(topic))
      .map(([topic]) => topic)
      .sort();
  }

  private async partitionCount(topic: string): Promise<number> {
    const known = this.partitionCounts.get(topic);
    if (known !== undefined) return known;
    const count = await this.app.partitionCount(topic);
    if (count === undefined) throw new Error(`web: topic ${topic} does not exist`);
    this.partitionCounts.set(topic, count);
    return count;
  }

  /** GET /table/<name>/<key>: the key's value, from the worker that owns it. */
  private tableValueHandler(name: string): WebHandler | undefined {
    const table: WebTable | undefined = this.app.table(name);
    const get = table?.get?.bind(table);
    if (!table || !get) return undefined;
    return this.tableRoute(table, { matchInfo: 'key' }, (request) => {
      const key = request.params.key;
      const value = get(typedKey(table.options.keyType, key));
      return { table: name, key, value: value === undefined ? null : value };
    });
  }

  private view(): WorkerView {
    const app = this.app;
    const server = this;
    return {
      appId: app.appId,
      get canonicalUrl() {
        return server.canonicalUrl;
      },
      status: () => workerStatus(this.state, app.stalledPartitions()),
      monitorSnapshot: () => app.monitorSnapshot(),
      tables: () => app.tables().map((table) => tableView(table)),
      recoveries: () => app.recoveries(),
      cluster: () => app.cluster(),
      agents: () => app.agentNames(),
      coPartitioned: (partitions) => this.coPartitioned(partitions),
    };
  }

  private register(fastify: FastifyInstance, route: RouteSpec): void {
    const { schema = {}, bodyLimit } = route.options;
    const { response, ...requestSchema } = schema;
    // A page's body schema applies to the methods that carry a body.
    if (route.method === 'get' || route.method === 'delete') delete requestSchema.body;
    const checkResponse = response
      ? responseChecker(`${route.method.toUpperCase()} ${route.path}`, response)
      : undefined;
    fastify.route({
      method: route.method.toUpperCase() as 'GET',
      url: route.path,
      schema: requestSchema,
      bodyLimit,
      handler: async (request, reply) => {
        if (route.options.needsTables) this.state.assertServing();
        const result = await route.handler(request as never, reply);
        if (reply.sent || result === reply) return reply;
        if (result === undefined) return reply.code(204).send();
        checkResponse?.(reply.statusCode, result);
        return result;
      },
    });
  }

  private installErrorHandling(fastify: FastifyInstance): void {
    fastify.setErrorHandler((error: Error, request, reply) => {
      const { body, headers } = errorAnswer(error);
      if (body.statusCode >= 500 && !(error instanceof HttpProblem)) {
        this.log.error(`web: ${request.method} ${request.url} failed: ${error.message}`, {
          stack: error.stack,
        });
      }
      reply.code(body.statusCode).headers(headers).send(body);
    });
    fastify.setNotFoundHandler((request, reply) => {
      const body: ErrorBody = {
        statusCode: 404,
        error: statusText(404),
        message: `no route for ${request.method} ${request.url.split('?')[0]}`,
      };
      reply.code(404).send(body);
    });
  }

  private installRequestLog(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      const extra = {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Number(reply.elapsedTime.toFixed(2)),
      };
      // 503s are expected while starting or rebalancing (they say so in their body).
      if (reply.statusCode >= 500 && reply.statusCode !== 503) this.log.warn('web: request', extra);
      else this.log.debug('web: request', extra);
      done();
    });
  }

  private async listen(fastify: FastifyInstance): Promise<WebAddress> {
    const conf = this.app.conf;
    const transport = new URL(conf.webTransport);
    if (transport.protocol === 'unix:') {
      const path = decodeURIComponent(transport.pathname);
      await fastify.listen({ path });
      return { kind: 'unix', path };
    }
    if (transport.protocol !== 'tcp:') {
      throw new Error(`web: webTransport ${conf.webTransport} is not supported: use tcp:// or unix:///path`);
    }
    await fastify.listen({ host: conf.webBind, port: conf.webPort });
    const address = fastify.server.address();
    if (address === null || typeof address === 'string') {
      throw new Error('web: the server reported no TCP address');
    }
    const scheme = conf.webSslContext ? 'https' : 'http';
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return {
      kind: 'tcp',
      host: address.address,
      port: address.port,
      url: `${scheme}://${host}:${address.port}`,
    };
  }
}

function describe(address: WebAddress): string {
  return address.kind === 'unix' ? `unix:${address.path}` : address.url;
}

/** webSslContext as Node's https options: `true` is not enough for a server (it needs a key and cert). */
function tlsOptions(context: unknown): Record<string, unknown> {
  if (context === true || typeof context !== 'object' || context === null) {
    throw new Error(
      'web: webSslContext needs TLS options with at least key and cert (PEM text or file paths)',
    );
  }
  const options: Record<string, unknown> = { ...(context as Record<string, unknown>) };
  for (const name of ['key', 'cert', 'ca']) {
    const value = options[name];
    // A value without a PEM header is a file path.
    if (typeof value === 'string' && !value.includes('-----BEGIN')) options[name] = readFileSync(value);
  }
  if (!options.key || !options.cert) {
    throw new Error('web: webSslContext needs key and cert to serve HTTPS');
  }
  return options;
}

const responseAjv = new Ajv({ allErrors: true, strict: false });

/** Checks one answer: true, or the problems (field and reason) that make it wrong. */
type AnswerCheck = (body: unknown) => true | { field: string; reason: string }[];

function schemaCheck(schema: object): AnswerCheck {
  const validate: ValidateFunction = responseAjv.compile(schema);
  return (body) =>
    validate(body) ||
    (validate.errors ?? []).map((error) => ({
      field: fieldOf('response', error),
      reason: error.message ?? 'is invalid',
    }));
}

/** A model checks an answer as it checks records (its `$ref`s resolve to the models they name). */
function modelCheck(model: AnyModel): AnswerCheck {
  return (body) => {
    try {
      model.validate(body);
      return true;
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return error.errors.map((problem) => ({
        field: ['response', ...problem.pointer.split('/').slice(1)].join('.'),
        reason: problem.message,
      }));
    }
  };
}

const answerCheck = (schema: object): AnswerCheck =>
  isModel(schema) ? modelCheck(schema) : schemaCheck(schema);

/**
 * Checks an answer against the route's response schema: `{ 200: schema }` by status, or one
 * schema for every 2xx answer; a schema may be a model.
 */
function responseChecker(route: string, schema: object): (status: number, body: unknown) => void {
  const byStatus =
    !isModel(schema) && Object.keys(schema).every((key) => /^([1-5]\d\d|[1-5]xx|default)$/.test(key));
  const checks = new Map<string, AnswerCheck>();
  if (byStatus) {
    for (const [status, part] of Object.entries(schema)) checks.set(status, answerCheck(part as object));
  } else {
    checks.set('2xx', answerCheck(schema));
  }
  return (status, body) => {
    const check = checks.get(String(status)) ?? checks.get(`${String(status)[0]}xx`) ?? checks.get('default');
    const result = check?.(body) ?? true;
    if (result !== true) throw new ResponseSchemaError(route, result);
  };
}
