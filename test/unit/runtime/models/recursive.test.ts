/**
 * Models that refer to themselves or to each other give `schemas` as a function, called on first
 * use; nested records of every depth carry and lose `__faust` as other nested models do. And each
 * JSON Schema draft a `$schema` can name is validated by its own rules.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Model, model } from '../../../../runtime/models/index.js';

interface Node {
  value: string;
  children?: Node[];
}

const Node: Model<Node> = model<Node>(
  'RecNode',
  {
    type: 'object',
    properties: { value: { type: 'string' }, children: { type: 'array', items: { $ref: 'RecNode' } } },
    required: ['value'],
    additionalProperties: false,
  },
  { namespace: 'rec.Node', schemas: () => ({ RecNode: Node }) },
);

interface Person {
  name: string;
  team?: Team;
}
interface Team {
  lead: Person;
}

// Person is declared before Team, which it names: the function is called once both exist.
const Person: Model<Person> = model<Person>(
  'RecPerson',
  {
    type: 'object',
    properties: { name: { type: 'string' }, team: { $ref: 'RecTeam' } },
    required: ['name'],
    additionalProperties: false,
  },
  { namespace: 'rec.Person', schemas: () => ({ RecTeam: Team }) },
);
const Team: Model<Team> = model<Team>(
  'RecTeam',
  {
    type: 'object',
    properties: { lead: { $ref: 'RecPerson' } },
    required: ['lead'],
    additionalProperties: false,
  },
  { namespace: 'rec.Team', schemas: () => ({ RecPerson: Person }) },
);

describe('recursive models', () => {
  it('a tree validates at every depth', () => {
    assert.ok(Node.isValid({ value: 'a', children: [{ value: 'b', children: [{ value: 'c' }] }] }));
    assert.ok(!Node.isValid({ value: 'a', children: [{ value: 'b', children: [{ value: 3 }] }] }));
  });

  it('a tree writes and reads __faust at every depth', () => {
    const tree = { value: 'a', children: [{ value: 'b', children: [{ value: 'c' }] }] };
    const written = Node.toRepresentation(tree);
    assert.deepEqual(written, {
      value: 'a',
      children: [
        {
          value: 'b',
          children: [{ value: 'c', __faust: { ns: 'rec.Node' } }],
          __faust: { ns: 'rec.Node' },
        },
      ],
      __faust: { ns: 'rec.Node' },
    });
    assert.deepEqual(Node.fromRepresentation(structuredClone(written)), tree);
  });

  it('two models that refer to each other validate, write and read each other', () => {
    const person = { name: 'ada', team: { lead: { name: 'bo', team: { lead: { name: 'cy' } } } } };
    assert.ok(Person.isValid(person));
    assert.ok(!Team.isValid({ lead: { name: 'bo', team: { lead: {} } } }));
    const written = Person.toRepresentation(person) as {
      team: { __faust: unknown; lead: { __faust: unknown } };
    };
    assert.deepEqual(written.team.__faust, { ns: 'rec.Team' });
    assert.deepEqual(written.team.lead.__faust, { ns: 'rec.Person' });
    assert.deepEqual(Person.fromRepresentation(structuredClone(written)), person);
  });
});

describe('JSON Schema drafts', () => {
  it('draft-04: a boolean exclusiveMinimum and `id`', () => {
    const Age = model<{ age: number }>('DraftFour', {
      $schema: 'http://json-schema.org/draft-04/schema#',
      id: 'http://example.com/age.json#',
      type: 'object',
      properties: { age: { type: 'integer', minimum: 0, exclusiveMinimum: true } },
    });
    assert.ok(Age.isValid({ age: 1 }));
    assert.ok(!Age.isValid({ age: 0 }));
  });

  it('draft-06: a numeric exclusiveMinimum', () => {
    const Reading = model<{ value: number }>('DraftSix', {
      $schema: 'http://json-schema.org/draft-06/schema#',
      type: 'object',
      properties: { value: { type: 'number', exclusiveMinimum: 1 } },
    });
    assert.ok(Reading.isValid({ value: 2 }));
    assert.ok(!Reading.isValid({ value: 1 }));
  });
});
