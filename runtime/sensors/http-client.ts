/**
 * `app.httpClient`: a small client over the global `fetch` (Node 20+) with a default timeout and
 * JSON helpers (Faust's `app.http_client`, an aiohttp session). The `HttpClient` setting may
 * name a class extending this one, to add headers, auth or retries.
 */

export interface HttpClientOptions {
  /** Milliseconds a request may take, reading the body included for text()/json(); 0 = none. Default 30 000. */
  timeoutMs?: number;
  /** Base URL that relative request URLs resolve against. */
  baseUrl?: string | URL;
  /** Headers sent with every request (a request's own headers win). */
  headers?: Record<string, string>;
  /** The fetch implementation (default: the global fetch). */
  fetch?: typeof globalThis.fetch;
}

export interface HttpRequestOptions extends Omit<RequestInit, 'signal' | 'headers' | 'body'> {
  headers?: Record<string, string>;
  body?: RequestInit['body'];
  /** A body sent as JSON (content-type application/json); do not combine with `body`. */
  json?: unknown;
  /** Query parameters appended to the URL; undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  /** This request's timeout in milliseconds (0 = none); the client's by default. */
  timeoutMs?: number;
  /** Aborts the request when it aborts. */
  signal?: AbortSignal;
}

export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;

/** A request that did not get a usable answer: names the method and URL. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly method: string,
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${method} ${url} ${message}`, options);
  }
}

export class HttpTimeoutError extends HttpError {
  override name = 'HttpTimeoutError';
  constructor(
    method: string,
    url: string,
    readonly timeoutMs: number,
  ) {
    super(method, url, `timed out after ${timeoutMs} ms`);
  }
}

/** The server answered with a status outside 200-299 (text() and json() only). */
export class HttpStatusError extends HttpError {
  override name = 'HttpStatusError';
  constructor(
    method: string,
    url: string,
    readonly status: number,
    readonly statusText: string,
    /** The start of the response body (at most 1000 characters). */
    readonly body: string,
  ) {
    super(method, url, `answered ${status} ${statusText}${body ? `: ${body}` : ''}`);
  }
}

/** The answer was not valid JSON (json() only). */
export class HttpJsonError extends HttpError {
  override name = 'HttpJsonError';
  constructor(
    method: string,
    url: string,
    readonly status: number,
    /** The start of the response body (at most 1000 characters). */
    readonly body: string,
    cause: unknown,
  ) {
    super(method, url, `answered invalid JSON (${(cause as Error).message}): ${body}`, { cause });
  }
}

const BODY_EXCERPT = 1000;
const excerpt = (text: string) => (text.length > BODY_EXCERPT ? `${text.slice(0, BODY_EXCERPT)}…` : text);

interface Prepared {
  method: string;
  url: string;
  init: RequestInit;
  signal: AbortSignal;
  /** Why the request was aborted by us (timeout or close), if it was. */
  abortedBy(): HttpError | undefined;
  done(): void;
}

export class HttpClient {
  readonly timeoutMs: number;
  readonly baseUrl: string | undefined;
  private readonly headers: Record<string, string>;
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly inflight = new Set<AbortController>();
  private isClosed = false;

  constructor(options: HttpClientOptions = {}) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
      throw new RangeError(`HttpClient: timeoutMs must be a number of milliseconds >= 0, got ${timeoutMs}`);
    }
    this.timeoutMs = timeoutMs;
    this.baseUrl = options.baseUrl === undefined ? undefined : String(options.baseUrl);
    this.headers = { ...options.headers };
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') throw new Error('HttpClient: no fetch available (Node 20+ has one)');
    this.fetchImpl = fetchImpl;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Sends a request; resolves with the response whatever its status. The timeout covers the
   * time until the response headers arrive; reading the body is up to the caller.
   */
  async request(url: string | URL, options: HttpRequestOptions = {}): Promise<Response> {
    const prepared = this.prepare(url, options);
    try {
      return await this.send(prepared);
    } finally {
      prepared.done();
    }
  }

  /** Sends and reads the whole body; HttpStatusError unless the status is 2xx. */
  private async okBody(
    prepared: ReturnType<HttpClient['prepare']>,
  ): Promise<{ status: number; text: string }> {
    const response = await this.send(prepared);
    const text = await this.readBody(prepared, response);
    if (!response.ok) {
      throw new HttpStatusError(
        prepared.method,
        prepared.url,
        response.status,
        response.statusText,
        excerpt(text),
      );
    }
    return { status: response.status, text };
  }

  /** The body as text; rejects with HttpStatusError unless the status is 2xx. */
  async text(url: string | URL, options: HttpRequestOptions = {}): Promise<string> {
    const prepared = this.prepare(url, options);
    try {
      return (await this.okBody(prepared)).text;
    } finally {
      prepared.done();
    }
  }

  /**
   * The body parsed as JSON (undefined for an empty body, as a 204 has); rejects with
   * HttpStatusError unless the status is 2xx, with HttpJsonError when the body is not JSON.
   */
  async json<T = unknown>(url: string | URL, options: HttpRequestOptions = {}): Promise<T> {
    const prepared = this.prepare(url, {
      ...options,
      headers: { accept: 'application/json', ...options.headers },
    });
    try {
      const { status, text } = await this.okBody(prepared);
      if (text.trim() === '') return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch (error) {
        throw new HttpJsonError(prepared.method, prepared.url, status, excerpt(text), error);
      }
    } finally {
      prepared.done();
    }
  }

  getJson<T = unknown>(url: string | URL, options: Omit<HttpRequestOptions, 'method'> = {}): Promise<T> {
    return this.json<T>(url, { ...options, method: 'GET' });
  }

  postJson<T = unknown>(
    url: string | URL,
    body: unknown,
    options: Omit<HttpRequestOptions, 'method' | 'json' | 'body'> = {},
  ): Promise<T> {
    return this.json<T>(url, { ...options, method: 'POST', json: body });
  }

  putJson<T = unknown>(
    url: string | URL,
    body: unknown,
    options: Omit<HttpRequestOptions, 'method' | 'json' | 'body'> = {},
  ): Promise<T> {
    return this.json<T>(url, { ...options, method: 'PUT', json: body });
  }

  /** Aborts every request in flight; later requests reject. Idempotent (the app calls it at stop). */
  close(): void {
    this.isClosed = true;
    for (const controller of this.inflight) controller.abort();
    this.inflight.clear();
  }

  /** The URL a request goes to: resolved against baseUrl, with the query appended. */
  resolveUrl(url: string | URL, query?: HttpRequestOptions['query']): URL {
    let resolved: URL;
    try {
      resolved = this.baseUrl === undefined ? new URL(url) : new URL(url, this.baseUrl);
    } catch (error) {
      const base =
        this.baseUrl === undefined ? ' (no baseUrl is set for relative URLs)' : ` against ${this.baseUrl}`;
      throw new Error(`HttpClient: invalid URL ${JSON.stringify(String(url))}${base}`, { cause: error });
    }
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) resolved.searchParams.append(name, String(value));
    }
    return resolved;
  }

  private prepare(url: string | URL, options: HttpRequestOptions): Prepared {
    const { json, query, timeoutMs = this.timeoutMs, signal, headers, body, ...rest } = options;
    const method = (rest.method ?? 'GET').toUpperCase();
    const target = this.resolveUrl(url, query);
    const href = target.href;
    if (this.isClosed) throw new HttpError(method, href, 'was not sent: the HTTP client is closed');
    if (json !== undefined && body !== undefined) {
      throw new HttpError(method, href, 'was not sent: give either json or body, not both');
    }
    const merged: Record<string, string> = { ...this.headers, ...headers };
    let payload = body;
    if (json !== undefined) {
      payload = JSON.stringify(json);
      if (!Object.keys(merged).some((name) => name.toLowerCase() === 'content-type')) {
        merged['content-type'] = 'application/json';
      }
    }
    const controller = new AbortController();
    this.inflight.add(controller);
    let reason: HttpError | undefined;
    let timer: NodeJS.Timeout | undefined;
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        reason = new HttpTimeoutError(method, href, timeoutMs);
        controller.abort(reason);
      }, timeoutMs);
      timer.unref();
    }
    const onCallerAbort = () => controller.abort(signal?.reason);
    if (signal?.aborted) controller.abort(signal.reason);
    else signal?.addEventListener('abort', onCallerAbort, { once: true });
    const closed = () => {
      if (this.isClosed && !reason)
        reason = new HttpError(method, href, 'was aborted: the HTTP client closed');
      return reason;
    };
    return {
      method,
      url: href,
      init: { ...rest, method, headers: merged, body: payload, signal: controller.signal },
      signal: controller.signal,
      abortedBy: closed,
      done: () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onCallerAbort);
        this.inflight.delete(controller);
      },
    };
  }

  private async send(prepared: Prepared): Promise<Response> {
    try {
      return await this.fetchImpl(prepared.url, prepared.init);
    } catch (error) {
      throw this.failure(prepared, error, 'failed');
    }
  }

  private async readBody(prepared: Prepared, response: Response): Promise<string> {
    try {
      return await response.text();
    } catch (error) {
      throw this.failure(prepared, error, `failed while reading the ${response.status} response body`);
    }
  }

  private failure(prepared: Prepared, error: unknown, what: string): Error {
    const ours = prepared.abortedBy();
    if (ours) return ours;
    if (prepared.signal.aborted) return error instanceof Error ? error : new Error(String(error));
    const cause = (error as { cause?: unknown })?.cause;
    const detail = cause instanceof Error ? cause.message : ((error as Error)?.message ?? String(error));
    return new HttpError(prepared.method, prepared.url, `${what}: ${detail}`, { cause: error });
  }
}
