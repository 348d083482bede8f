import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import {
  formatTopologyError,
  loadTopology,
  parseTopology,
  type TopologyError,
} from '../../../../generator/topology/index.js';
import { MAX_NESTING } from '../../../../generator/topology/json-source.js';
import { EXAMPLE_TOPOLOGY } from './repo.js';

function errorsOf(document: unknown): TopologyError[] {
  return [...parseTopology(JSON.stringify(document, null, 2), 'test.json').errors];
}

function codes(document: unknown): string[] {
  return errorsOf(document).map((error) => `${error.code} ${error.pointer}`);
}

const SHOP = {
  app: { id: 'shop' },
  models: {
    Order: {
      schema: {
        type: 'object',
        properties: { id: { type: 'string' }, at: { type: 'number' } },
        required: ['id'],
      },
    },
  },
  topics: { orders: { keyType: 'string', valueType: 'Order', partitions: 4 } },
  tables: { totals: { keyType: 'string', valueType: 'number', default: 0, partitions: 4 } },
  agents: { count: { source: { topic: 'orders' }, tables: ['totals'] } },
};

describe('loadTopology', () => {
  it('loads a file by path or text given with a name, with the same result', () => {
    const text = readFileSync(EXAMPLE_TOPOLOGY, 'utf8');
    const byPath = loadTopology(EXAMPLE_TOPOLOGY);
    const byText = loadTopology({ text, file: EXAMPLE_TOPOLOGY });
    assert.deepEqual(byText, byPath);
    assert.equal(byPath.text, text);
    assert.deepEqual(loadTopology(EXAMPLE_TOPOLOGY), byPath, 'loading is deterministic');
  });

  it('gives the topology exactly when there is no error', () => {
    const valid = parseTopology(JSON.stringify(SHOP), 'shop.json');
    assert.deepEqual(valid.errors, []);
    assert.equal(valid.topology?.app.id, 'shop');
    const invalid = parseTopology(JSON.stringify({ ...SHOP, app: { id: 'shop', version: 0 } }), 'shop.json');
    assert.equal(invalid.topology, undefined);
    assert.equal(invalid.errors.length, 1);
  });

  it('reports a file it cannot read as FG1001, naming why', () => {
    const missing = loadTopology('no/such/topology.json');
    assert.deepEqual(
      missing.errors.map((error) => [error.code, error.file, error.line, error.column]),
      [['FG1001', 'no/such/topology.json', 1, 1]],
    );
    assert.match(missing.errors[0]!.message, /no such file/);
    assert.match(loadTopology(tmpdir()).errors[0]!.message, /is a directory/);
  });

  it('reports every error at once, in file order', () => {
    const errors = errorsOf({
      ...SHOP,
      topics: { orders: { keyType: 'strng', valueType: 'Ordr', partitions: 4, retention: 'a week' } },
      agents: { count: { source: { topic: 'order' }, tables: ['total'] } },
    });
    assert.deepEqual(
      errors.map((error) => error.code),
      ['FG3001', 'FG3001', 'FG2007', 'FG3002', 'FG3003'],
    );
    const offsets = errors.map((error) => error.offset);
    assert.deepEqual(
      offsets,
      [...offsets].sort((a, b) => a - b),
    );
    assert.deepEqual(
      errors.map((error) => error.suggestion),
      ['string', 'Order', undefined, 'orders', 'totals'],
    );
    assert.ok(errors.every((error) => !('suggestion' in error) || error.suggestion !== undefined));
  });

  it('reports one error per place: a value of the wrong type is not also out of its enum', () => {
    assert.deepEqual(codes({ app: { id: 'a', settings: { producerAcks: 'all' } } }), [
      'FG2003 /app/settings/producerAcks',
    ]);
  });

  it('does not build later checks on a value the schema rejected', () => {
    const document = structuredClone(SHOP) as typeof SHOP & { topics: { orders: Record<string, unknown> } };
    document.topics.orders.partitions = -4;
    assert.deepEqual(codes(document), ['FG2005 /topics/orders/partitions']);
    // An unknown property leaves the rest of the window to be checked; a malformed value does not.
    const window = { type: 'hopping', size: 60, step: 120 };
    const extra = structuredClone(SHOP) as { tables: { totals: Record<string, unknown> } };
    extra.tables.totals.window = { ...window, extra: true };
    assert.deepEqual(codes(extra), [
      'FG4011 /tables/totals/window/step',
      'FG2001 /tables/totals/window/extra',
    ]);
    const malformed = structuredClone(SHOP) as { tables: { totals: Record<string, unknown> } };
    malformed.tables.totals.window = { ...window, grace: 'soon' };
    assert.deepEqual(codes(malformed), ['FG2007 /tables/totals/window/grace']);
  });

  it('reads model aliases (none by default) and refuses one that names another model', () => {
    const document = structuredClone(SHOP) as { models: Record<string, Record<string, unknown>> };
    assert.deepEqual(
      parseTopology(JSON.stringify(document), 'shop.json').topology?.models.Order?.aliases,
      [],
    );
    document.models.Order!.aliases = ['shop_py.Order', 'legacy.Order'];
    assert.deepEqual(parseTopology(JSON.stringify(document), 'shop.json').topology?.models.Order?.aliases, [
      'shop_py.Order',
      'legacy.Order',
    ]);
    // A model declared after the one whose alias is its namespace is still found.
    document.models.Order!.aliases = ['Refund'];
    document.models.Refund = { schema: { type: 'object' } };
    const [error, ...rest] = errorsOf(document);
    assert.deepEqual(rest, []);
    assert.equal(error?.code, 'FG4031');
    assert.equal(error?.pointer, '/models/Order/aliases/0');
    assert.equal(error?.message, '"Refund" is the namespace of model "Refund"');
    document.models.Order!.aliases = ['shop_py.Order', 'shop_py.Order', ''];
    assert.deepEqual(codes(document), ['FG2008 /models/Order/aliases/1', 'FG2007 /models/Order/aliases/2']);
  });

  it('checks co-partitioning against the topicPartitions setting when a count is left out', () => {
    const document = structuredClone(SHOP) as { tables: { totals: Record<string, unknown> } };
    delete document.tables.totals.partitions;
    const [error] = errorsOf(document);
    assert.equal(error?.code, 'FG4007');
    assert.match(
      error!.message,
      /has 8 partitions \(the topicPartitions default\) but its source topics have 4/,
    );
    const withSetting = { ...document, app: { id: 'shop', settings: { topicPartitions: 4 } } };
    assert.deepEqual(errorsOf(withSetting), []);
  });

  it('lists route parameters in path order, and tells where a route key is', () => {
    const result = parseTopology(
      JSON.stringify({
        ...SHOP,
        routes: {
          line: {
            method: 'GET',
            path: '/orders/:order/lines/:line',
            params: { line: 'integer', order: 'string' },
            query: { expand: 'boolean' },
            tableRoute: { table: 'totals', param: 'order' },
          },
        },
      }),
      'shop.json',
    );
    assert.deepEqual(result.errors, []);
    const route = result.topology!.routes.line!;
    assert.deepEqual(Object.keys(route.params), ['order', 'line']);
    assert.deepEqual(route.tableRoute, { table: 'totals', param: 'order', in: 'path' });
  });

  it('suggests the camelCase name for a Faust setting name and nothing for a name close to none', () => {
    const [faust, unknown] = errorsOf({ app: { id: 'a', settings: { table_cleanup_interval: 5, zzz: 1 } } });
    assert.equal(faust?.suggestion, 'tableCleanupInterval');
    assert.equal(unknown?.code, 'FG2001');
    assert.equal(unknown?.suggestion, undefined);
  });

  it('formats an error as file:line:column code pointer, message, suggestion and fix', () => {
    const text = [
      '{',
      '  "app": {"id": "a"}, "topics": {"orders": {}},',
      '  "agents": {"count": {"source": {"topic": "ordres"}}}',
      '}',
    ].join('\n');
    const [error] = parseTopology(text, 'test.json').errors;
    assert.equal(
      formatTopologyError(error!),
      'test.json:3:44 FG3002 #/agents/count/source/topic: there is no topic "ordres" (did you mean "orders"?)\n' +
        '    fix: name a topic declared under "topics" (orders), or declare it there',
    );
  });
});

describe('loadTopology on pathological input (issue 17)', () => {
  const withSchema = (schema: Record<string, unknown>) => ({
    app: { id: 'shop' },
    models: { Order: { schema: { type: 'object', ...schema } } },
  });

  for (const [shape, open, close] of [
    ['arrays', '[', ']'],
    ['objects', '{"a":', '}'],
  ] as const) {
    it(`a 10,000-deep nesting of ${shape} is FG1004 at the first bracket too deep, not a RangeError`, () => {
      const depth = 10_000;
      const nested = `${open.repeat(depth)}${shape === 'arrays' ? '' : '1'}${close.repeat(depth)}`;
      const text = `{\n  "app": { "id": "shop" },\n  "models": { "Order": { "schema": { "type": "object", "examples": ${nested} } } }\n}\n`;
      const result = parseTopology(text, 'deep.json');
      assert.equal(result.topology, undefined);
      assert.deepEqual(
        result.errors.map((error) => [error.code, error.line]),
        [['FG1004', 3]],
      );
      const [error] = result.errors;
      // Nesting levels before the bracket: the document, "models", Order, "schema", then 96 of ours.
      const at = text.indexOf('"examples": ') + '"examples": '.length + (MAX_NESTING - 4) * open.length;
      assert.equal(error!.offset, at);
      assert.match(
        formatTopologyError(error!),
        /^deep\.json:3:\d+ FG1004 #: the topology is too deeply nested/,
      );
    });
  }

  it('nesting up to the limit loads', () => {
    const depth = MAX_NESTING - 4;
    const result = parseTopology(
      JSON.stringify(withSchema({ examples: JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) })),
      'ok.json',
    );
    assert.deepEqual(result.errors, []);
  });

  it('a loop of local $refs is FG4034 naming the loop, once, not a stack overflow', () => {
    const errors = errorsOf(
      withSchema({
        properties: { item: { $ref: '#/definitions/Item' }, again: { $ref: '#/definitions/Line' } },
        definitions: { Item: { $ref: '#/definitions/Line' }, Line: { $ref: '#/definitions/Item' } },
      }),
    );
    assert.deepEqual(
      errors.map((error) => [error.code, error.pointer, error.message]),
      [
        [
          'FG4034',
          '/models/Order/schema/properties/item/$ref',
          '$ref cycle: #/definitions/Item -> #/definitions/Line -> #/definitions/Item never reaches a schema',
        ],
      ],
    );
  });

  it('a $ref to itself is a loop; a $ref to a schema that contains it (a recursive type) is not', () => {
    assert.deepEqual(codes(withSchema({ definitions: { Self: { $ref: '#/definitions/Self' } } })), [
      'FG4034 /models/Order/schema/definitions/Self/$ref',
    ]);
    const tree = withSchema({
      properties: { children: { type: 'array', items: { $ref: '#' } }, node: { $ref: '#/definitions/Node' } },
      definitions: { Node: { type: 'object', properties: { next: { $ref: '#/definitions/Node' } } } },
    });
    assert.deepEqual(codes(tree), []);
  });
});
