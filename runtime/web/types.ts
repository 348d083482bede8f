import type { FastifyReply, FastifyRequest } from 'fastify';

/** The HTTP methods a page can answer. */
export const PAGE_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type PageMethod = (typeof PAGE_METHODS)[number];

/** A request as handlers see it: Fastify's, with params, query and body already validated. */
export type WebRequest = FastifyRequest<{
  Params: Record<string, string>;
  Querystring: Record<string, string | string[] | undefined>;
  Body: unknown;
  Headers: Record<string, string | string[] | undefined>;
}>;
export type WebReply = FastifyReply;

/**
 * A page handler: returns the JSON body (or a string / Buffer), or sends through `reply` itself.
 * Returning undefined without sending answers 204.
 */
export type WebHandler = (request: WebRequest, reply: WebReply) => unknown | Promise<unknown>;

/** One handler per method; the ones left out answer 405. */
export type PageMethods = Partial<Record<PageMethod, WebHandler>>;

/** JSON Schemas (draft-07, Ajv) checked for every request to the page; violations answer 400. */
export interface PageSchema {
  params?: object;
  querystring?: object;
  body?: object;
  headers?: object;
  /**
   * The answer's schema, by status code (e.g. `{ 200: {...} }`) or for every 2xx; a model (from
   * `model()`) may stand for a schema. Violations are 500s.
   */
  response?: object;
}

export interface PageOptions {
  schema?: PageSchema;
  /**
   * The page reads tables: it answers 503 with Retry-After until the first recovery is done and
   * while a rebalance moves partitions (key-owned routes always do).
   */
  needsTables?: boolean;
  /** Largest request body accepted, in bytes (default: the server's, 1 MiB). Bigger ones get 413. */
  bodyLimit?: number;
}

/** A route as registered: one path, one method. */
export interface RouteSpec {
  method: PageMethod;
  path: string;
  handler: WebHandler;
  options: PageOptions;
}

/**
 * Where a key-owned route finds its key (Faust's table_route arguments): a query parameter
 * (`queryParam`; `shardParam` is the same), a path parameter (`matchInfo`), or a fixed key.
 */
export type KeySource =
  | { queryParam: string }
  | { shardParam: string }
  | { matchInfo: string }
  | { exactKey: unknown };

/** The header a forwarded request carries: the URL of the worker that forwarded it. */
export const FORWARDED_HEADER = 'x-faustgen-forwarded-by';
/** Set on answers a worker forwarded: the URL of the worker that served the request. */
export const SERVED_BY_HEADER = 'x-faustgen-served-by';
