import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import parsePrometheus from 'parse-prometheus-text-format';
import { type App, model } from '../../../../runtime/index.js';
import { eventually, memoryApp } from '../../../support/index.js';

/** One worker on memory:// with a counting table, pages with schemas, a blueprint and the built-ins. */
describe('web server (memory://)', () => {
  let app: App;
  let base: string;
  const words = ['apple', 'pear', 'plum', 'fig', 'kiwi', 'lime', 'date', 'yuzu'];

  before(async () => {
    app = memoryApp('web', {
      store: 'memory://',
      webEnabled: true,
      webBind: '127.0.0.1',
      webPort: 0,
      webHost: '127.0.0.1',
      webMetricsEnabled: true,
      webStatsEnabled: true,
    });
    const clicks = app.topic('clicks', { keyType: 'string', keySerializer: 'json', valueType: 'json' });
    const counts = app.table('counts', { keyType: 'string', valueType: 'number', default: () => 0 });
    app.agent(clicks, { name: 'count' }, async (stream) => {
      for await (const [word] of stream.items()) counts.set(word as string, counts.get(word as string) + 1);
    });
    app.page(
      '/count/:word',
      app.tableRoute(counts, { matchInfo: 'word' }, (request) => ({
        word: request.params.word,
        count: counts.get(request.params.word as string),
      })),
    );
    app.page(
      '/orders/:id',
      {
        get: (request) => ({ id: Number(request.params.id) }),
        post: (request, reply) => {
          reply.code(201);
          return { id: Number(request.params.id), order: request.body };
        },
      },
      {
        schema: {
          params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
          body: {
            type: 'object',
            properties: { item: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } },
            required: ['item', 'quantity'],
            additionalProperties: false,
          },
        },
        bodyLimit: 256,
      },
    );
    app.page('/broken', () => {
      throw new Error('secret internals at /srv/app.ts:12');
    });
    app.page('/wrong-answer', () => ({ total: 'many' }), {
      schema: { response: { 200: { type: 'object', properties: { total: { type: 'integer' } } } } },
    });
    // A model stands for the answer's schema, its $ref to another model included.
    const Inner = model<{ n: number }>('Inner', {
      type: 'object',
      properties: { n: { type: 'integer' } },
      required: ['n'],
    });
    const Outer = model<{ inner: { n: number } }>(
      'Outer',
      { type: 'object', properties: { inner: { $ref: 'Inner' } }, required: ['inner'] },
      { schemas: { Inner } },
    );
    app.page('/model-answer/:n', (request) => ({ inner: { n: Number(request.params.n) } }), {
      schema: { response: { '2xx': Outer } },
    });
    app.page('/total', () => ({ total: counts.size }), { needsTables: true });
    const api = app.blueprint('/api');
    api.page('/ping', () => ({ pong: true }));
    api.blueprint('/v2').page('/ping', () => ({ pong: 2 }));
    await app.start();
    await app.whenReady();
    const address = app.web.address;
    assert.ok(address && address.kind === 'tcp');
    base = `http://127.0.0.1:${address.port}`;
    for (const [index, word] of words.entries()) {
      for (let n = 0; n <= index; n++) await clicks.send({ key: word, value: { n } });
    }
    await eventually('every click counted', () => app.monitor.eventsTotal >= 36);
    await eventually('the rebalance settled', () => !app.web.state.isRebalancing);
  });

  after(async () => {
    await app.stop();
  });

  const get = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${base}${path}`, init);
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    return { status: response.status, headers: response.headers, body: body as Record<string, unknown> };
  };

  it('answers /health live and ready after the first recovery', async () => {
    const health = await get('/health');
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, {
      live: true,
      ready: true,
      rebalancing: false,
      generation: 1,
      stalled: [],
    });
    assert.equal((await get('/health/ready')).status, 200);
  });

  it('serves a table route locally with the right counts', async () => {
    for (const [index, word] of words.entries()) {
      const answer = await get(`/count/${word}`);
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { word, count: index + 1 });
    }
    assert.equal(app.web.keyRouteCounts.forwarded, 0);
  });

  it('answers 503 with Retry-After on table pages while a rebalance is under way', async () => {
    assert.deepEqual((await get('/total')).body, { total: words.length });
    const generation = app.web.state.currentGeneration;
    app.web.state.rebalanceStarted(generation + 1);
    try {
      for (const path of ['/total', '/count/apple', '/table/counts/apple']) {
        const answer = await get(path);
        assert.equal(answer.status, 503, path);
        assert.equal(answer.headers.get('retry-after'), '1', path);
        assert.match(String(answer.body.message), /a rebalance is under way/);
      }
      assert.equal((await get('/health/ready')).status, 503);
      assert.equal((await get('/api/ping')).status, 200, 'pages without tables keep answering');
    } finally {
      // Back to the generation the group really has.
      app.web.state.rebalanceStarted(generation);
      app.web.state.rebalanceSettled(generation);
    }
  });

  it('validates params and bodies against the schema and names the field', async () => {
    const badParam = await get('/orders/abc');
    assert.equal(badParam.status, 400);
    assert.equal(badParam.body.field, 'params.id');
    assert.match(String(badParam.body.message), /params\.id must be integer/);

    const missing = await get('/orders/7', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'tea' }),
    });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.field, 'body.quantity');

    const wrongType = await get('/orders/7', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'tea', quantity: 'lots' }),
    });
    assert.equal(wrongType.status, 400);
    assert.equal(wrongType.body.field, 'body.quantity');
    assert.match(String(wrongType.body.message), /must be integer/);

    const good = await get('/orders/7', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'tea', quantity: 2 }),
    });
    assert.equal(good.status, 201);
    assert.deepEqual(good.body, { id: 7, order: { item: 'tea', quantity: 2 } });
  });

  it('refuses oversized bodies, malformed JSON, unknown routes and methods with JSON 4xx', async () => {
    const big = await get('/orders/7', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'x'.repeat(1000), quantity: 1 }),
    });
    assert.equal(big.status, 413);
    assert.equal(big.body.statusCode, 413);

    const malformed = await get('/orders/7', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"item": ',
    });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.statusCode, 400);

    const unknown = await get('/no/such/page');
    assert.equal(unknown.status, 404);
    assert.match(String(unknown.body.message), /no route for GET \/no\/such\/page/);

    const method = await get('/count/apple', { method: 'DELETE' });
    assert.equal(method.status, 404);
    assert.equal(method.body.statusCode, 404);
    assert.equal((await get('/count/apple')).status, 200, 'the worker keeps serving');
  });

  it('answers unexpected errors and wrong answers with a 500 that shows no internals', async () => {
    const broken = await get('/broken');
    assert.equal(broken.status, 500);
    assert.deepEqual(broken.body, {
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'the request failed on the server',
    });
    const wrong = await get('/wrong-answer');
    assert.equal(wrong.status, 500);
    assert.doesNotMatch(JSON.stringify(wrong.body), /stack|\.ts/);
  });

  it('checks an answer against a model given as the response schema, and the models it refers to', async () => {
    assert.deepEqual(await get('/model-answer/3').then((answer) => [answer.status, answer.body]), [
      200,
      { inner: { n: 3 } },
    ]);
    // 1.5 is no integer: the nested model's schema is checked too.
    assert.equal((await get('/model-answer/1.5')).status, 500);
  });

  it('serves blueprints under their prefix', async () => {
    assert.deepEqual((await get('/api/ping')).body, { pong: true });
    assert.deepEqual((await get('/api/v2/ping')).body, { pong: 2 });
  });

  it('lists tables and looks keys up under /table', async () => {
    const list = await get('/table');
    assert.equal(list.status, 200);
    const tables = list.body.tables as { name: string; size: number }[];
    assert.deepEqual(
      tables.map((t) => [t.name, t.size]),
      [['counts', words.length]],
    );
    const value = await get('/table/counts/plum');
    assert.deepEqual(value.body, { table: 'counts', key: 'plum', value: 3 });
    assert.equal((await get('/table/nope')).status, 404);
  });

  it('shows the router: every partition of the table is owned by this worker', async () => {
    const router = await get('/router');
    assert.equal(router.status, 200);
    const tables = router.body.tables as Record<string, { partitions: Record<string, string> }>;
    const partitions = tables.counts?.partitions ?? {};
    assert.equal(Object.keys(partitions).length, 4);
    // webPort 0: the URL the workers share carries the port the server was given.
    assert.equal(app.web.canonicalUrl, base);
    for (const url of Object.values(partitions)) assert.equal(url, base);
  });

  it('serves /stats with agents and /dashboard as HTML', async () => {
    const stats = await get('/stats');
    assert.deepEqual(stats.body.agents, ['count']);
    const monitor = stats.body.monitor as { agents: Record<string, { eventsTotal: number }> };
    assert.equal(monitor.agents.count?.eventsTotal, 36);
    const dashboard = await fetch(`${base}/dashboard`);
    assert.match(dashboard.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await dashboard.text(), /Events per second/);
  });

  it('serves /metrics that a Prometheus text parser reads', async () => {
    const response = await fetch(`${base}/metrics`);
    assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
    const families = parsePrometheus(await response.text());
    const byName = new Map(families.map((family) => [family.name, family]));
    const events = byName.get('faustgen_events_total');
    assert.equal(events?.type, 'COUNTER');
    assert.deepEqual(
      events?.metrics.map((m) => [m.labels?.agent, Number(m.value)]),
      [['count', 36]],
    );
    const keys = byName.get('faustgen_table_keys');
    assert.equal(Number(keys?.metrics.find((m) => m.labels?.table === 'counts')?.value), words.length);
    for (const name of [
      'faustgen_messages_received_total',
      'faustgen_consumer_lag',
      'faustgen_commit_latency_seconds',
      'faustgen_send_latency_seconds',
      'faustgen_recovery_in_progress',
      'faustgen_events_per_second',
    ]) {
      assert.ok(byName.has(name), `${name} is exposed`);
    }
    assert.equal(Number(byName.get('faustgen_ready')?.metrics.at(0)?.value), 1);
  });
});
