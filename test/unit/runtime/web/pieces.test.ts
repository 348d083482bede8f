import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { javaPartition } from '../../../../runtime/channels/partitioner.js';
import { errorAnswer, fieldOf, HttpProblem } from '../../../../runtime/web/errors.js';
import { requestKey, tablePartition, typedKey } from '../../../../runtime/web/key-routes.js';
import { Blueprint, RouteTable } from '../../../../runtime/web/pages.js';
import type { WebRequest } from '../../../../runtime/web/types.js';

describe('web pieces', () => {
  it('names validation fields as context.path.to.field', () => {
    assert.equal(fieldOf('body', { instancePath: '/items/0/count' }), 'body.items.0.count');
    assert.equal(fieldOf('body', { instancePath: '', params: { missingProperty: 'id' } }), 'body.id');
    assert.equal(fieldOf('params', { instancePath: '/a~1b' }), 'params.a/b');
  });

  it('turns errors into answers: 4xx keep their message, anything else is a bare 500', () => {
    assert.equal(errorAnswer(new HttpProblem(404, 'no table named "x"')).body.message, 'no table named "x"');
    const internal = errorAnswer(new TypeError('cannot read x of undefined at /srv/a.ts:3'));
    assert.deepEqual(internal.body, {
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'the request failed on the server',
    });
  });

  it('finds the key in the path, the query or a fixed key, and says when it is missing', () => {
    const request = { params: { word: 'fig' }, query: { k: ['a', 'b'] } } as unknown as WebRequest;
    assert.equal(requestKey({ matchInfo: 'word' }, request), 'fig');
    assert.equal(requestKey({ queryParam: 'k' }, request), 'a');
    assert.equal(requestKey({ shardParam: 'k' }, request), 'a');
    assert.equal(requestKey({ exactKey: 42 }, request), 42);
    assert.throws(() => requestKey({ queryParam: 'missing' }, request), /querystring\.missing is missing/);
  });

  it('types keys from the URL as the table does', () => {
    assert.equal(typedKey('number', '12'), 12);
    assert.throws(() => typedKey('number', 'twelve'), /is not a number/);
    assert.deepEqual(typedKey('json', '{"a":1}'), { a: 1 });
    assert.equal(typedKey('string', '12'), '12');
  });

  it("places a key in the partition the table says holds it (its source events' partition)", () => {
    const table = {
      partitions: 4,
      keyPartition: (key: unknown) => javaPartition(Buffer.from(String(key)), 4),
    } as unknown as Parameters<typeof tablePartition>[0];
    for (const key of ['apple', 'pear', 'plum']) {
      assert.equal(tablePartition(table, key), javaPartition(Buffer.from(key), 4));
    }
  });

  it('refuses duplicate routes, unknown methods, relative paths and bad prefixes', () => {
    const routes = new RouteTable();
    routes.add('/a', () => 1);
    assert.throws(() => routes.add('/a', () => 2), /GET \/a is declared twice/);
    assert.throws(() => routes.add('/b', { fetch: () => 1 } as never), /unknown method\(s\) fetch/);
    assert.throws(() => routes.add('c', () => 1), /starts with '\/'/);
    assert.throws(() => new Blueprint('/api/', routes), /does not end with one/);
    new Blueprint('/api', routes)
      .page('/x', { post: () => 1 })
      .blueprint('/v2')
      .page('/', () => 2);
    assert.deepEqual(
      routes.all().map((route) => `${route.method} ${route.path}`),
      ['get /a', 'post /api/x', 'get /api/v2'],
    );
    routes.freeze();
    assert.throws(() => routes.add('/late', () => 1), /before the web server starts/);
  });
});
