import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadTopology, SECTIONS, type Topology } from '../../../../generator/topology/index.js';
import { EXAMPLE_TOPOLOGY } from './repo.js';

function load(): Topology {
  const result = loadTopology(EXAMPLE_TOPOLOGY);
  assert.deepEqual(result.errors, []);
  assert.ok(result.topology !== undefined);
  return result.topology;
}

describe('topology.example.json', () => {
  it('is valid and uses every section', () => {
    const topology = load();
    for (const section of SECTIONS) {
      if (section === 'app') continue;
      assert.ok(Object.keys(topology[section]).length > 0, `the example has no ${section}`);
    }
    assert.ok(Object.keys(topology.app.settings).length > 0, 'the example sets some settings');
  });

  it('has models that refer to each other, a counting table, a windowed table and a table route', () => {
    const topology = load();
    assert.deepEqual(topology.models.ScoredPayment?.references, ['Payment']);
    assert.deepEqual(topology.models.Payment?.references, ['Merchant']);
    assert.equal(topology.tables['payment-counts']?.default, 0);
    const windowed = topology.tables['hourly-spend']?.window;
    assert.deepEqual(windowed, {
      type: 'hopping',
      size: 3600,
      step: 600,
      expires: 86400,
      grace: 300,
      relativeTo: 'field',
      field: 'timestamp',
    });
    assert.deepEqual(topology.routes['account-total']?.tableRoute, {
      table: 'account-totals',
      param: 'account',
      in: 'path',
    });
    assert.deepEqual(topology.routes['account-alerts']?.topicRoute, {
      topic: 'fraud-alerts',
      param: 'account',
      in: 'query',
    });
  });

  it('is read with the defaults filled in and durations in seconds', () => {
    const topology = load();
    assert.equal(topology.app.version, 1);
    assert.equal(topology.topics.payments?.retention, 7 * 86400);
    assert.equal(topology.topics.payments?.internal, false);
    assert.deepEqual(topology.topics.payments?.config, {});
    assert.equal(topology.timers['publish-stats']?.interval, 30);
    assert.equal(topology.agents['track-accounts']?.concurrency, 1);
    assert.deepEqual(topology.agents['track-accounts']?.sinks, []);
    assert.deepEqual(topology.agents['track-accounts']?.sendsTo, []);
    assert.equal(topology.models.Merchant?.includeMetadata, true);
    assert.equal(topology.models.AccountTotal?.namespace, 'AccountTotal');
    assert.equal(topology.tables['accounts-by-id']?.kind, 'global');
    assert.equal(topology.tables['account-totals']?.kind, 'table');
    assert.equal(topology.tables['account-totals']?.keyIndex, false);
    assert.equal(topology.tables['hourly-spend']?.keyIndex, true);
    assert.equal(topology.crontabs['daily-report']?.timezone, 'Europe/Oslo');
  });
});
