import type { FastifyError } from 'fastify';

/** The JSON body of every error answer. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** Validation errors: where in the request (e.g. `body.count`, `params.key`). */
  field?: string;
  /** Validation errors: every problem found. */
  problems?: { field: string; reason: string }[];
}

/** An error a handler may throw to answer with a given status and message. */
export class HttpProblem extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpProblem';
  }
}

/** 503 with Retry-After: the key's owner cannot answer now (starting, rebalancing, unreachable). */
export class Unavailable extends HttpProblem {
  constructor(message: string, retryAfterSeconds = 1) {
    super(503, message, { 'retry-after': String(retryAfterSeconds) });
    this.name = 'Unavailable';
  }
}

/** The answer a handler produced does not match the page's response schema. */
export class ResponseSchemaError extends Error {
  constructor(
    readonly route: string,
    readonly problems: { field: string; reason: string }[],
  ) {
    super(
      `the answer of ${route} does not match its response schema: ${problems.map((p) => `${p.field} ${p.reason}`).join('; ')}`,
    );
    this.name = 'ResponseSchemaError';
  }
}

interface AjvLikeError {
  instancePath?: string;
  params?: Record<string, unknown>;
  message?: string;
}

/** `body` + `/items/0/count` + missing `id` -> `body.items.0.count.id`. */
export function fieldOf(context: string, error: AjvLikeError): string {
  const parts = [context];
  for (const segment of (error.instancePath ?? '').split('/').slice(1)) {
    parts.push(segment.replaceAll('~1', '/').replaceAll('~0', '~'));
  }
  const params = error.params ?? {};
  if (typeof params.missingProperty === 'string') parts.push(params.missingProperty);
  if (typeof params.additionalProperty === 'string') parts.push(params.additionalProperty);
  return parts.filter((part) => part !== '').join('.');
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function statusText(code: number): string {
  return STATUS_TEXT[code] ?? (code >= 500 ? 'Server Error' : 'Client Error');
}

/**
 * The status and body of an error thrown while serving a request: validation errors name the
 * field and why; 4xx keep their message; anything else is a 500 that says nothing about the code.
 */
export function errorAnswer(error: FastifyError | Error): {
  body: ErrorBody;
  headers: Record<string, string>;
} {
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const context = fastifyError.validationContext ?? 'request';
    const problems = fastifyError.validation.map((problem) => ({
      field: fieldOf(context, problem as AjvLikeError),
      reason: problem.message ?? 'is invalid',
    }));
    const first = problems[0] ?? { field: context, reason: 'is invalid' };
    return {
      body: {
        statusCode: 400,
        error: statusText(400),
        message: `${first.field} ${first.reason}`,
        field: first.field,
        problems,
      },
      headers: {},
    };
  }
  if (error instanceof HttpProblem) {
    return {
      body: { statusCode: error.statusCode, error: statusText(error.statusCode), message: error.message },
      headers: error.headers,
    };
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { body: { statusCode: status, error: statusText(status), message: error.message }, headers: {} };
  }
  return {
    body: { statusCode: 500, error: statusText(500), message: 'the request failed on the server' },
    headers: {},
  };
}
