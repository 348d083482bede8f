import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { App } from '../../../../runtime/app/app.js';
import {
  HttpClient,
  type HttpClientOptions,
  HttpError,
  HttpJsonError,
  HttpStatusError,
  HttpTimeoutError,
} from '../../../../runtime/sensors/http-client.js';
import { freePort } from '../../../support/ports.js';

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** A test server on 127.0.0.1 with one route per behaviour the client must handle. */
async function startServer(): Promise<{ server: Server; base: string; stalled: () => number }> {
  let stalled = 0;
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(request);
    switch (url.pathname) {
      case '/json':
        return json(response, 200, {
          method: request.method,
          query: Object.fromEntries(url.searchParams),
          headers: request.headers,
        });
      case '/echo':
        return json(response, 201, { contentType: request.headers['content-type'], body: JSON.parse(body) });
      case '/fail':
        response.writeHead(500, { 'content-type': 'text/plain' });
        return response.end(`database down ${'!'.repeat(2000)}`);
      case '/bad-json':
        response.writeHead(200, { 'content-type': 'application/json' });
        return response.end('{"half": ');
      case '/empty':
        response.writeHead(204);
        return response.end();
      case '/slow':
        stalled++;
        return; // never answers
      case '/slow-body':
        stalled++;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"partial": ');
        return; // never finishes the body
      default:
        response.writeHead(404);
        response.end('no such route');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, base: `http://127.0.0.1:${port}`, stalled: () => stalled };
}

describe('HttpClient', () => {
  let server: Server;
  let base: string;
  let stalled: () => number;
  const client = (options: HttpClientOptions = {}) => new HttpClient({ baseUrl: base, ...options });

  before(async () => {
    ({ server, base, stalled } = await startServer());
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('gets JSON from a relative URL with query parameters and the client and request headers', async () => {
    const http = client({ headers: { 'x-client': 'c', 'x-both': 'client' } });
    const answer = await http.getJson<{ method: string; query: object; headers: Record<string, string> }>(
      '/json',
      { query: { a: 1, b: 'two', skip: undefined }, headers: { 'x-both': 'request' } },
    );
    assert.equal(answer.method, 'GET');
    assert.deepEqual(answer.query, { a: '1', b: 'two' });
    assert.equal(answer.headers['x-client'], 'c');
    assert.equal(answer.headers['x-both'], 'request', "the request's own header wins");
    assert.equal(answer.headers.accept, 'application/json');
  });

  it('posts JSON with its content type', async () => {
    const answer = await client().postJson<{ contentType: string; body: unknown }>('/echo', { n: [1, 2] });
    assert.deepEqual(answer, { contentType: 'application/json', body: { n: [1, 2] } });
  });

  it('returns the raw response whatever its status from request()', async () => {
    const response = await client().request('/fail');
    assert.equal(response.status, 500);
    assert.match(await response.text(), /^database down/);
  });

  it('rejects a non-2xx answer with its status and the start of its body', async () => {
    const error = await client()
      .getJson('/fail')
      .catch((e: unknown) => e);
    assert.ok(error instanceof HttpStatusError, String(error));
    assert.equal(error.status, 500);
    assert.equal(error.method, 'GET');
    assert.equal(error.url, `${base}/fail`);
    assert.equal(error.body.length, 1001, 'an excerpt of 1000 characters and an ellipsis');
    assert.match(
      error.message,
      new RegExp(`^GET ${base}/fail answered 500 Internal Server Error: database down`),
    );
  });

  it('rejects a body that is not JSON, naming the request', async () => {
    const error = await client()
      .getJson('/bad-json')
      .catch((e: unknown) => e);
    assert.ok(error instanceof HttpJsonError, String(error));
    assert.equal(error.body, '{"half": ');
    assert.match(
      error.message,
      new RegExp(`^GET ${base}/bad-json answered invalid JSON \\(.+\\): \\{"half": $`),
    );
  });

  it('resolves undefined for an empty answer', async () => {
    assert.equal(await client().json('/empty', { method: 'DELETE' }), undefined);
  });

  // Whether a request aborted after 40-50 ms reached the server first depends on the machine's
  // load, so only the errors are asserted.
  it('times out a request whose answer does not come, with the client default or its own timeout', async () => {
    const byDefault = await client({ timeoutMs: 50 })
      .getJson('/slow')
      .catch((e: unknown) => e);
    assert.ok(byDefault instanceof HttpTimeoutError, String(byDefault));
    assert.equal(byDefault.timeoutMs, 50);
    assert.equal(byDefault.message, `GET ${base}/slow timed out after 50 ms`);
    const own = await client({ timeoutMs: 60_000 })
      .request('/slow', { timeoutMs: 40 })
      .catch((e: unknown) => e);
    assert.ok(own instanceof HttpTimeoutError, String(own));
    assert.equal(own.timeoutMs, 40);
  });

  it('times out while reading a body that never ends (json and text)', async () => {
    const http = client({ timeoutMs: 80 });
    const error = await http.getJson('/slow-body').catch((e: unknown) => e);
    assert.ok(error instanceof HttpTimeoutError, String(error));
    const text = await http.text('/slow-body').catch((e: unknown) => e);
    assert.ok(text instanceof HttpTimeoutError, String(text));
  });

  it('names the URL and the cause when nothing listens', async () => {
    const port = await freePort();
    const error = await new HttpClient().getJson(`http://127.0.0.1:${port}/x`).catch((e: unknown) => e);
    assert.ok(error instanceof HttpError && !(error instanceof HttpTimeoutError), String(error));
    assert.match(error.message, new RegExp(`^GET http://127.0.0.1:${port}/x failed: .*ECONNREFUSED`));
  });

  it('aborts requests in flight on close() and refuses new ones', async () => {
    const http = client();
    const before = stalled();
    const pending = http.getJson('/slow').catch((e: unknown) => e);
    while (stalled() === before) await new Promise((r) => setTimeout(r, 5)); // until the server holds it
    http.close();
    const error = await pending;
    assert.ok(error instanceof HttpError, String(error));
    assert.match(error.message, /was aborted: the HTTP client closed$/);
    await assert.rejects(http.getJson('/json'), /was not sent: the HTTP client is closed/);
  });

  it("passes the caller's abort signal through with its reason", async () => {
    const controller = new AbortController();
    const pending = client().request('/slow', { signal: controller.signal });
    controller.abort(new Error('caller gave up'));
    await assert.rejects(pending, /caller gave up/);
  });

  it('refuses a relative URL without a base, and json with body together', async () => {
    await assert.rejects(
      new HttpClient().getJson('/x'),
      /invalid URL "\/x" \(no baseUrl is set for relative URLs\)/,
    );
    await assert.rejects(
      client().json('/echo', { json: 1, body: '1' }),
      /give either json or body, not both/,
    );
    assert.throws(() => new HttpClient({ timeoutMs: -1 }), /timeoutMs must be a number of milliseconds >= 0/);
  });
});

describe('app.httpClient', () => {
  it('is faustgen HttpClient by default, and closed (then renewed) when the app stops', async () => {
    const app = new App('http-default', { broker: 'memory://http-default', logLevel: 'warn' });
    const http = app.httpClient;
    assert.equal(http.constructor, HttpClient);
    assert.equal(app.httpClient, http, 'one client per app');
    await app.stop();
    assert.equal(http.closed, true);
    assert.notEqual(app.httpClient, http);
  });

  it('is built from the HttpClient setting when it names a subclass', () => {
    class TracingClient extends HttpClient {
      constructor(options: HttpClientOptions) {
        super({ ...options, headers: { 'x-trace': 'on' }, timeoutMs: 1234 });
      }
    }
    const app = new App('http-custom', { broker: 'memory://', logLevel: 'warn', HttpClient: TracingClient });
    assert.ok(app.httpClient instanceof TracingClient);
    assert.equal(app.httpClient.timeoutMs, 1234);
  });

  it('explains what it cannot build from the setting', () => {
    const byName = new App('http-name', {
      broker: 'memory://',
      logLevel: 'warn',
      HttpClient: 'my.http:Client',
    });
    assert.throws(() => byName.httpClient, /setting HttpClient: "my.http:Client" cannot be loaded by name/);
    class Unrelated {}
    const other = new App('http-other', { broker: 'memory://', logLevel: 'warn', HttpClient: Unrelated });
    assert.throws(
      () => other.httpClient,
      /setting HttpClient: Unrelated does not extend faustgen's HttpClient/,
    );
    const arrow = new App('http-arrow', {
      broker: 'memory://',
      logLevel: 'warn',
      HttpClient: () => new HttpClient(),
    });
    assert.throws(() => arrow.httpClient, /setting HttpClient: HttpClient is not a class/);
  });
});
