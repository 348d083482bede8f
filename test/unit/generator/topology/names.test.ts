/**
 * One naming scheme for generated code: every item's identifiers come from generatedIdentifiers(),
 * which the plan uses too; names that would collide in generated code, or take a name it declares
 * itself, are coded errors at the name's line:col.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planGeneration } from '../../../../generator/plan/plan.js';
import {
  generatedIdentifiers,
  parseTopology,
  type Topology,
  type TopologyError,
} from '../../../../generator/topology/index.js';

const MODEL = { schema: { type: 'object', properties: { id: { type: 'string' } } } };

function errorsOf(document: object): TopologyError[] {
  return [...parseTopology(JSON.stringify(document, null, 2), 'test.json').errors];
}

const codes = (document: object) => errorsOf(document).map((error) => `${error.code} ${error.pointer}`);

describe('the naming scheme of generated code', () => {
  it('refuses two topics whose names differ only in punctuation, at the second one', () => {
    const errors = errorsOf({
      app: { id: 'a' },
      topics: { 'page-views': {}, 'page.views': {}, page_views: {} },
    });
    assert.deepEqual(
      errors.map((error) => `${error.code} ${error.pointer} ${error.line}:${error.column}`),
      ['FG4002 /topics/page.views 7:5', 'FG4002 /topics/page_views 8:5'],
    );
    assert.match(errors[0]?.message ?? '', /both give the identifier "pageViews"/);
  });

  it('refuses a model named like a keyword, a built-in type or a type generated code declares', () => {
    assert.deepEqual(codes({ app: { id: 'a' }, models: { string: MODEL } }), ['FG2006 /models/string']);
    assert.deepEqual(codes({ app: { id: 'a' }, models: { Promise: MODEL } }), ['FG4005 /models/Promise']);
    assert.deepEqual(codes({ app: { id: 'a' }, models: { RouteTypes: MODEL } }), [
      'FG4005 /models/RouteTypes',
    ]);
  });

  it('refuses a model named like the identifier of a topic, table, agent or stub', () => {
    const errors = errorsOf({
      app: { id: 'a' },
      models: { OrdersTopic: MODEL, TotalsTableBase: MODEL, ScoreAgent: MODEL, ReportJob: MODEL },
      topics: { Orders: {} },
      tables: { Totals: { keyType: 'string', valueType: 'number' } },
      agents: { Score: { source: { topic: 'Orders' } } },
      tasks: { Report: {} },
    });
    assert.deepEqual(
      errors.map((error) => `${error.code} ${error.pointer}`),
      ['FG4002 /topics/Orders', 'FG4002 /tables/Totals', 'FG4002 /agents/Score', 'FG4002 /tasks/Report'],
    );
    assert.match(
      errors[0]?.message ?? '',
      /topic "Orders" and model "OrdersTopic" both give the identifier "OrdersTopic"/,
    );
    assert.match(errors[0]?.fix ?? '', /rename the model, e.g. to "OrdersTopicRecord"/);
  });

  it('gives one name in every section distinct identifiers, the ones the plan uses', () => {
    const document = {
      app: { id: 'a' },
      models: { Payments: MODEL },
      topics: { payments: { valueType: 'Payments' } },
      channels: { payments: {} },
      tables: {
        payments: { keyType: 'string', valueType: 'number', window: { type: 'tumbling', size: 60 } },
      },
      agents: { payments: { source: { topic: 'payments' }, tables: ['payments'] } },
      tasks: { payments: {} },
      services: { payments: {} },
      routes: { payments: { method: 'GET', path: '/payments' } },
    };
    const { topology, errors } = parseTopology(JSON.stringify(document), 'test.json');
    assert.deepEqual(errors, []);
    const plan = planGeneration(topology as Topology);
    const declared = [
      ...plan.context.topics.map((t) => t.ident),
      ...plan.context.channels.map((c) => c.ident),
      ...plan.context.tables.flatMap((t) => [t.ident, t.base?.ident]),
      ...plan.context.agents.flatMap((a) => [a.ident, a.stubLocal]),
      ...plan.context.tasks.map((t) => t.stubLocal),
      ...plan.context.services.map((s) => s.stubLocal),
      ...plan.context.routes.map((r) => r.stubLocal),
    ];
    assert.equal(new Set(declared).size, declared.length, `identifiers repeat: ${declared.join(', ')}`);
    const scheme = (
      ['topics', 'channels', 'tables', 'agents', 'tasks', 'services', 'routes'] as const
    ).flatMap((section) => generatedIdentifiers(section, 'payments'));
    assert.deepEqual([...declared].sort(), [...scheme].sort());
  });
});
