/**
 * The declarations the model file gets: named after the model whatever the schema's titles say,
 * one name per nested type across models, plain enums, and lazy `schemas` for models in a cycle.
 * (test/unit/generator/emit/schemas.test.ts type-checks many real-world schemas.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emitModels } from '../../../../generator/emit/models.js';
import { formatTopologyError, parseTopology } from '../../../../generator/topology/index.js';
import type { JsonObject } from '../support.js';

async function modelFile(models: JsonObject): Promise<string> {
  const { topology, errors } = parseTopology(JSON.stringify({ app: { id: 'm' }, models }), 'topology.json');
  assert.deepEqual(errors.map(formatTopologyError), []);
  return emitModels(topology as NonNullable<typeof topology>, '// generated');
}

/** The names the file declares as types and values. */
function declared(code: string): string[] {
  return [...code.matchAll(/^export (?:interface|type|enum|const) (\S*)/gm)].map((match) => match[1] ?? '');
}

describe('the model file', () => {
  it('names the type after the model, not after a root title or $id', async () => {
    const code = await modelFile({
      Person: {
        schema: { $id: 'https://example.com/person.json', title: 'A person', type: 'object', properties: {} },
      },
      Oauth2token: { schema: { title: 'OAuth token', type: 'object', properties: {} } },
    });
    assert.deepEqual(declared(code), ['Person', 'Person', 'Oauth2token', 'Oauth2token']);
    assert.match(code, /\* A person\n/, 'the title becomes the comment when there is no description');
  });

  it('nested titles and definitions are named per model, non-Latin ones are written in place', async () => {
    const address = { title: 'Address', type: 'object', properties: { city: { type: 'string' } } };
    const code = await modelFile({
      Address: { schema: { type: 'object', properties: { city: { type: 'string' } } } },
      Customer: { schema: { type: 'object', properties: { home: address } } },
      Shop: {
        schema: {
          title: 'Магазин',
          type: 'object',
          definitions: { address },
          properties: {
            site: { $ref: '#/definitions/address' },
            qty: { title: 'Количество', type: 'number' },
          },
        },
      },
    });
    assert.deepEqual(declared(code).sort(), [
      'Address',
      'Address',
      'Customer',
      'Customer',
      'Customer_Address',
      'Shop',
      'Shop',
      'Shop_Address',
    ]);
    assert.match(code, /qty\?: number/);
  });

  it('enums are plain enums named per model (isolatedModules has no const enum)', async () => {
    const status = { type: 'string', enum: ['a', 'b'], tsEnumNames: ['A', 'B'] };
    const code = await modelFile({
      Order: { schema: { type: 'object', properties: { status } } },
      Shipment: { schema: { type: 'object', properties: { status } } },
    });
    assert.doesNotMatch(code, /const enum/);
    assert.deepEqual(
      declared(code).filter((name) => name.includes('_')),
      ['Order_Status', 'Shipment_Status'],
    );
  });

  it('models in a cycle get their schemas from a function and a declared type; the others as before', async () => {
    const code = await modelFile({
      Tree: {
        schema: { type: 'object', properties: { children: { type: 'array', items: { $ref: 'Tree' } } } },
      },
      A: { schema: { type: 'object', properties: { b: { $ref: 'B' } } } },
      B: { schema: { type: 'object', properties: { a: { $ref: 'A' } } } },
      C: { schema: { type: 'object', properties: { a: { $ref: 'A' } } } },
    });
    assert.match(code, /export const Tree: fg\.Model<Tree> = fg\.model<Tree>\(/);
    assert.match(code, /schemas: \(\) => \(\{ Tree \}\)/);
    assert.match(code, /schemas: \(\) => \(\{ A \}\)/);
    assert.match(code, /schemas: \(\) => \(\{ B \}\)/);
    assert.match(code, /export const C = fg\.model<C>\([\s\S]*schemas: \{ A: A \}/);
  });
});
