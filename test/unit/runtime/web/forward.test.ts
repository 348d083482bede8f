import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { errorAnswer } from '../../../../runtime/web/errors.js';
import { Forwarder } from '../../../../runtime/web/forward.js';
import { FORWARDED_HEADER, SERVED_BY_HEADER, type WebRequest } from '../../../../runtime/web/types.js';

/** A front server forwarding everything to an owner server: method, headers, body, status and answer. */
describe('forwarding to the owner', () => {
  let owner: FastifyInstance;
  let front: FastifyInstance;
  let ownerUrl = '';
  let frontUrl = '';
  const forwarder = new Forwarder({ selfUrl: 'http://front:1', timeoutMs: 5000 });

  before(async () => {
    owner = Fastify();
    owner.all('/echo/:id', async (request, reply) => {
      reply.code(request.method === 'POST' ? 201 : 200).header('x-owner', 'yes');
      return {
        method: request.method,
        id: (request.params as { id: string }).id,
        query: request.query,
        body: request.body ?? null,
        custom: request.headers['x-custom'],
        forwardedBy: request.headers[FORWARDED_HEADER],
      };
    });
    ownerUrl = await owner.listen({ host: '127.0.0.1', port: 0 });
    front = Fastify();
    front.setErrorHandler((error, _request, reply) => {
      const { body, headers } = errorAnswer(error as Error);
      reply.code(body.statusCode).headers(headers).send(body);
    });
    front.all('/echo/:id', (request, reply) => forwarder.forward(request as WebRequest, reply, ownerUrl));
    front.get('/dead', (request, reply) =>
      forwarder.forward(request as WebRequest, reply, 'http://127.0.0.1:1'),
    );
    frontUrl = await front.listen({ host: '127.0.0.1', port: 0 });
  });

  after(async () => {
    await front.close();
    await owner.close();
    forwarder.close();
  });

  it('keeps method, path, query, headers, body, status and answer headers', async () => {
    const response = await fetch(`${frontUrl}/echo/7?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-custom': 'kept' },
      body: JSON.stringify({ n: 1 }),
    });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('x-owner'), 'yes');
    assert.equal(response.headers.get(SERVED_BY_HEADER), ownerUrl);
    assert.deepEqual(await response.json(), {
      method: 'POST',
      id: '7',
      query: { x: '1' },
      body: { n: 1 },
      custom: 'kept',
      forwardedBy: 'http://front:1',
    });
    const get = await fetch(`${frontUrl}/echo/8`);
    assert.equal(get.status, 200);
    assert.equal(((await get.json()) as { method: string }).method, 'GET');
  });

  it('answers 503 with Retry-After when the owner is unreachable', async () => {
    const response = await fetch(`${frontUrl}/dead`);
    assert.equal(response.status, 503);
    assert.ok(response.headers.get('retry-after'));
    const body = (await response.json()) as { message: string };
    assert.match(body.message, /the worker that owns the key \(http:\/\/127\.0\.0\.1:1\) is unreachable/);
  });
});
