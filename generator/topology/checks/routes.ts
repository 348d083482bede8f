/**
 * Routes: paths Fastify can register, parameters that match the path's placeholders, bodies only
 * where HTTP has them, and table/topic routes whose key parameter can give the key.
 */
import { didYouMean } from '../issues.js';
import { isObject, type Loose, rawEntry } from '../read.js';
import type { RouteDef } from '../types.js';
import { type CheckContext, entryPointer } from './context.js';

const STATIC_SEGMENT = /^[A-Za-z0-9._~!$&'()+,;=@%-]+$/;
const PLACEHOLDER = /^:([A-Za-z_][A-Za-z0-9_]*)$/;

/** The problem with a path, or undefined; and its placeholders in order. */
function parsePath(path: string): { problem?: string; placeholders: string[] } {
  const placeholders: string[] = [];
  if (!path.startsWith('/')) return { problem: 'it does not start with "/"', placeholders };
  if (path === '/') return { placeholders };
  for (const segment of path.slice(1).split('/')) {
    if (segment === '')
      return { problem: 'it has an empty segment ("//" or a "/" at the end)', placeholders };
    if (segment.includes('*')) return { problem: 'wildcards ("*") are not supported', placeholders };
    if (segment.startsWith(':')) {
      const match = PLACEHOLDER.exec(segment);
      if (match === null) {
        return {
          problem: `${JSON.stringify(segment)} is not a placeholder: write ":" and a name of letters, digits and "_", alone in its segment`,
          placeholders,
        };
      }
      if (placeholders.includes(match[1]!)) {
        return { problem: `the placeholder ":${match[1]}" appears twice`, placeholders };
      }
      placeholders.push(match[1]!);
    } else if (!STATIC_SEGMENT.test(segment)) {
      return {
        problem: `the segment ${JSON.stringify(segment)} has characters that do not belong in a URL path (or a ":" not at its start)`,
        placeholders,
      };
    }
  }
  return { placeholders };
}

function checkParams(
  context: CheckContext,
  name: string,
  route: Loose<RouteDef>,
  placeholders: string[],
): void {
  const written = rawEntry(context.document, 'routes', name);
  const declared = isObject(written?.params) ? Object.keys(written.params) : [];
  const query = isObject(written?.query) ? Object.keys(written.query) : [];
  for (const placeholder of placeholders) {
    if (declared.includes(placeholder)) continue;
    context.issues.add({
      code: 'FG4017',
      pointer: entryPointer('routes', name, 'path'),
      message: `the path has the placeholder ":${placeholder}" but "params" does not declare it`,
      fix: `add "${placeholder}": "string" (or "number", "integer", "boolean") under "params"`,
      suggestion: didYouMean(
        placeholder,
        declared.filter((param) => !placeholders.includes(param)),
      ),
    });
  }
  for (const param of declared) {
    if (placeholders.includes(param)) continue;
    context.issues.add({
      code: 'FG4016',
      pointer: entryPointer('routes', name, 'params', param),
      at: 'key',
      message: `the path ${JSON.stringify(route.path)} has no placeholder ":${param}"`,
      fix: `add ":${param}" to the path, or move the parameter to "query" if it is a query-string parameter`,
      suggestion: didYouMean(
        param,
        placeholders.filter((placeholder) => !declared.includes(placeholder)),
      ),
    });
  }
  for (const param of query) {
    if (!declared.includes(param)) continue;
    context.issues.add({
      code: 'FG4026',
      pointer: entryPointer('routes', name, 'query', param),
      at: 'key',
      message: `${JSON.stringify(param)} is declared both as a path parameter and as a query parameter`,
      fix: 'keep it in one of "params" and "query", or rename one',
    });
  }
}

/** The parameter types that can give a key of this type; undefined when any can. */
function paramTypesFor(keyType: string | undefined): readonly string[] | undefined {
  switch (keyType) {
    case 'json':
      return undefined;
    case 'number':
      return ['number', 'integer'];
    default:
      return ['string']; // string, bytes and untyped (raw) keys are the parameter's text
  }
}

function checkKeyRoute(
  context: CheckContext,
  name: string,
  route: Loose<RouteDef>,
  kind: 'table' | 'topic',
): void {
  const keyRoute = kind === 'table' ? route.tableRoute : route.topicRoute;
  if (keyRoute === undefined) return;
  const field = kind === 'table' ? 'tableRoute' : 'topicRoute';
  const params = { ...(route.query ?? {}), ...(route.params ?? {}) };
  const paramType = params[keyRoute.param];
  if (paramType === undefined) {
    context.issues.add({
      code: 'FG4021',
      pointer: entryPointer('routes', name, field, 'param'),
      message: `${JSON.stringify(keyRoute.param)} is not a parameter of this route`,
      fix: 'name one of the path parameters ("params") or query parameters ("query") that holds the key',
      suggestion: didYouMean(keyRoute.param, Object.keys(params)),
    });
    return;
  }
  const target =
    kind === 'table'
      ? context.topology.tables[(keyRoute as { table: string }).table]
      : context.topology.topics[(keyRoute as { topic: string }).topic];
  if (target === undefined) return;
  const keyType = target.keyType;
  const isModel = keyType !== undefined && context.names.models.has(keyType);
  const allowed = paramTypesFor(keyType);
  if (!isModel && (allowed === undefined || allowed.includes(paramType))) return;
  const owner = `${kind} ${JSON.stringify(target.name)} has keyType ${JSON.stringify(keyType ?? 'bytes')}`;
  context.issues.add({
    code: 'FG4027',
    pointer: entryPointer('routes', name, field, 'param'),
    message: isModel
      ? `${owner}, a record that a URL parameter cannot give`
      : `parameter ${JSON.stringify(keyRoute.param)} is ${JSON.stringify(paramType)}, but ${owner}`,
    fix: isModel
      ? `route by a ${kind} whose key is a string or a number`
      : `declare the parameter as ${allowed!.map((type) => JSON.stringify(type)).join(' or ')}`,
  });
}

export function checkRoutes(context: CheckContext): void {
  const seen = new Map<string, string>();
  for (const [name, route] of Object.entries(context.topology.routes)) {
    if (route.path !== undefined) {
      const { problem, placeholders } = parsePath(route.path);
      if (problem !== undefined) {
        context.issues.add({
          code: 'FG4018',
          pointer: entryPointer('routes', name, 'path'),
          message: `invalid path ${JSON.stringify(route.path)}: ${problem}`,
          fix: 'write a path such as "/accounts/:account/total": "/"-separated segments, ":name" for a parameter',
        });
      } else {
        if (context.usable(entryPointer('routes', name, 'params')))
          checkParams(context, name, route, placeholders);
        if (route.method !== undefined) {
          const shape = `${route.method} ${route.path.replace(/:[A-Za-z0-9_]+/g, ':')}`;
          const earlier = seen.get(shape);
          if (earlier !== undefined) {
            context.issues.add({
              code: 'FG4004',
              pointer: entryPointer('routes', name, 'path'),
              message: `route ${JSON.stringify(earlier)} already serves ${route.method} ${JSON.stringify(route.path)} (parameter names do not make paths differ)`,
              fix: 'change the path or the method of one of them, or merge the two routes',
            });
          } else {
            seen.set(shape, name);
          }
        }
      }
    }
    if (route.request !== undefined && (route.method === 'GET' || route.method === 'HEAD')) {
      context.issues.add({
        code: 'FG4019',
        pointer: entryPointer('routes', name, 'request'),
        message: `a ${route.method} request has no body, so it cannot have a request type`,
        fix: 'use POST, PUT or PATCH for a request with a body, or pass the values as "query" parameters',
      });
    }
    const written = rawEntry(context.document, 'routes', name);
    if (written !== undefined && 'tableRoute' in written && 'topicRoute' in written) {
      context.issues.add({
        code: 'FG2009',
        pointer: entryPointer('routes', name, 'topicRoute'),
        at: 'key',
        message: 'a route has at most one of "tableRoute" and "topicRoute": the request runs on one worker',
        fix: 'keep the one whose key decides which worker serves the request',
      });
    }
    checkKeyRoute(context, name, route, 'table');
    checkKeyRoute(context, name, route, 'topic');
  }
}
