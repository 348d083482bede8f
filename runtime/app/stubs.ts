/**
 * The typing of a generated project's stubs: what `defineAgent`, `defineTask`, `defineTimer`,
 * `defineCrontab`, `defineService` and `defineRoute` accept, and the contexts the generated wiring
 * hands each stub. A generated project keeps only its own maps (each item's tables and topics, each
 * agent's stream, each route's params and answer) and binds these to them in its helpers.ts.
 */
import type { AgentContext } from '../agents/agent.js';
import type { Channel } from '../channels/channel.js';
import type { Topic } from '../channels/topic.js';
import type { Logger } from '../core/logging/index.js';
import type { Model } from '../models/index.js';
import type { Stream } from '../streams/stream.js';
import type {
  JoinKind,
  StreamTableJoin,
  StreamTableJoined,
  StreamTableJoinKind,
  WindowedJoin,
  WindowJoined,
} from '../tables/joins/index.js';
import { HttpProblem } from '../web/errors.js';
import type { WebReply, WebRequest } from '../web/types.js';

/** What a stub may touch: exactly the tables and topics topology.json lists for its item. */
export interface StubAccess {
  readonly tables: object;
  readonly topics: object;
}

/** Each item's access, by its name in topology.json. */
export type AccessMap = { readonly [name: string]: StubAccess };

/** The value type of a topic or channel. */
export type SourceValue<S> =
  S extends Topic<unknown, infer V> ? V : S extends Channel<unknown, infer V> ? V : never;

/** The stream an agent reading a topic or channel gets. */
export type StreamOf<S> =
  S extends Topic<infer K, infer V>
    ? Stream<K, V>
    : S extends Channel<infer K, infer V>
      ? Stream<K, V>
      : never;

/**
 * What an agent reading a join gets: a stream-table join's topic stream with each event's table
 * value, or the results of a windowed join that one side's events complete.
 */
export type JoinedStreamOf<J> =
  J extends StreamTableJoin<infer K, infer V, infer T, infer Kind extends StreamTableJoinKind>
    ? Stream<K, StreamTableJoined<V, T, Kind>>
    : J extends WindowedJoin<infer K, infer L, infer R, infer Kind extends JoinKind>
      ? AsyncIterableIterator<WindowJoined<K, L, R, Kind>>
      : never;

/** An agent's stream and what it yields to its sinks. */
export interface AgentStubTypes {
  readonly stream: unknown;
  readonly yields: unknown;
}

/** The app that tasks, timers, crontabs, services and routes get in their context. */
export interface StubApp {
  readonly logger: Logger;
}

/** The runtime's agent context (app, agent, logger, event) plus the agent's tables and topics. */
export type AgentStubContext<A, M extends AccessMap, N extends keyof M> = AgentContext<A> & M[N];

export type AgentStubHandler<A, T, M extends AccessMap, N extends keyof T & keyof M> = (
  stream: T[N] extends AgentStubTypes ? T[N]['stream'] : never,
  ctx: AgentStubContext<A, M, N>,
) => Promise<void> | AsyncIterable<T[N] extends AgentStubTypes ? T[N]['yields'] : never>;

export interface StubDefinition<N, H> {
  readonly name: N;
  readonly handler: H;
}

/** The context of a task, timer, crontab, service or route stub. */
export type JobStubContext<A, M extends AccessMap, N extends keyof M> = {
  readonly app: A;
  readonly logger: Logger;
} & M[N];

export type JobStubHandler<A, M extends AccessMap, N extends keyof M> = (
  ctx: JobStubContext<A, M, N>,
) => unknown;

export interface ServiceStub<C> {
  start?(ctx: C): unknown;
  stop?(ctx: C): unknown;
}

export interface ServiceDefinition<N, C> extends ServiceStub<C> {
  readonly name: N;
}

/** A route's path and query parameters, request body and answer. */
export interface RouteStubTypes {
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
  readonly response: unknown;
}

type RoutePart<T, N extends keyof T, P extends keyof RouteStubTypes> = T[N] extends RouteStubTypes
  ? T[N][P]
  : never;

/** The request a route stub gets: typed params, query and body, and Fastify's request and reply. */
export interface RouteRequest<T, N extends keyof T> {
  readonly params: RoutePart<T, N, 'params'>;
  readonly query: RoutePart<T, N, 'query'>;
  readonly body: RoutePart<T, N, 'body'>;
  readonly raw: WebRequest;
  readonly reply: WebReply;
}

export type RouteStubHandler<A, T, M extends AccessMap, N extends keyof T & keyof M> = (
  request: RouteRequest<T, N>,
  ctx: JobStubContext<A, M, N>,
) => RoutePart<T, N, 'response'> | Promise<RoutePart<T, N, 'response'>>;

/**
 * `defineAgent` and the wiring's `agentContext` for the agents of `access`; `A` is the app,
 * `T` each agent's {@link AgentStubTypes}.
 */
export function agentStubs<A, T, M extends AccessMap>(access: M) {
  return {
    /** What a stub in src/agents/ default-exports: `export default defineAgent('name', async (stream, ctx) => ...)`. */
    defineAgent<N extends keyof T & keyof M & string>(
      name: N,
      handler: AgentStubHandler<A, T, M, N>,
    ): StubDefinition<N, AgentStubHandler<A, T, M, N>> {
      return { name, handler };
    },
    /** @internal The context the wiring gives an agent's stub. */
    agentContext<N extends keyof T & keyof M & string>(
      ctx: AgentContext<A>,
      name: N,
    ): AgentStubContext<A, M, N> {
      // A view of the runtime's context (its `event` getter stays live) with the declared access.
      return Object.assign(Object.create(ctx) as AgentContext<A>, access[name]);
    },
  };
}

function jobContext<A extends StubApp, M extends AccessMap, N extends keyof M & string>(
  app: A,
  access: M,
  name: N,
): JobStubContext<A, M, N> {
  return Object.assign({ app, logger: app.logger }, access[name]) as JobStubContext<A, M, N>;
}

/** `define` (what a task, timer or crontab stub default-exports) and the wiring's `context`. */
export function jobStubs<A extends StubApp, M extends AccessMap>(app: A, access: M) {
  return {
    define<N extends keyof M & string>(
      name: N,
      handler: JobStubHandler<A, M, N>,
    ): StubDefinition<N, JobStubHandler<A, M, N>> {
      return { name, handler };
    },
    /** @internal The context the wiring gives the stub. */
    context<N extends keyof M & string>(name: N): JobStubContext<A, M, N> {
      return jobContext(app, access, name);
    },
  };
}

/** `defineService` (what a stub in src/services/ default-exports) and the wiring's `serviceContext`. */
export function serviceStubs<A extends StubApp, M extends AccessMap>(app: A, access: M) {
  return {
    defineService<N extends keyof M & string>(
      name: N,
      service: ServiceStub<JobStubContext<A, M, N>>,
    ): ServiceDefinition<N, JobStubContext<A, M, N>> {
      return { ...service, name };
    },
    /** @internal The context the wiring gives the service. */
    serviceContext<N extends keyof M & string>(name: N): JobStubContext<A, M, N> {
      return jobContext(app, access, name);
    },
  };
}

/**
 * `defineRoute` and the wiring's `routeContext` and `routeRequest` for the routes of `access`;
 * `T` is each route's {@link RouteStubTypes}.
 */
export function routeStubs<A extends StubApp, T, M extends AccessMap>(app: A, access: M) {
  return {
    /** What a stub in src/views/ default-exports: `export default defineRoute('name', async (request, ctx) => ...)`. */
    defineRoute<N extends keyof T & keyof M & string>(
      name: N,
      handler: RouteStubHandler<A, T, M, N>,
    ): StubDefinition<N, RouteStubHandler<A, T, M, N>> {
      return { name, handler };
    },
    /** @internal The context the wiring gives a route's stub. */
    routeContext<N extends keyof T & keyof M & string>(name: N): JobStubContext<A, M, N> {
      return jobContext(app, access, name);
    },
    /** @internal The typed request the wiring gives a route's stub (params and query were checked by their schema). */
    routeRequest<N extends keyof T & keyof M & string>(
      raw: WebRequest,
      reply: WebReply,
      body?: unknown,
    ): RouteRequest<T, N> {
      return {
        params: raw.params as RoutePart<T, N, 'params'>,
        query: raw.query as RoutePart<T, N, 'query'>,
        body: (body ?? raw.body) as RoutePart<T, N, 'body'>,
        raw,
        reply,
      };
    },
  };
}

/** A request body checked against its model; a 400 answer names what is wrong. */
export function validBody<T>(model: Model<T>, body: unknown): T {
  try {
    return model.validate(body);
  } catch (error) {
    throw new HttpProblem(400, `invalid ${model.name}: ${(error as Error).message}`);
  }
}
