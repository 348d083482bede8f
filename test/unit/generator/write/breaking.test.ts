import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { breakingChanges } from '../../../../generator/write/breaking.js';
import { type StateSnapshot, type TableState, stateOf } from '../../../../generator/write/manifest.js';
import { parseTopology } from '../../../../generator/topology/load.js';
import { exampleTopology } from '../support.js';

function snapshot(tables: Record<string, TableState>): StateSnapshot {
  return { appVersion: 1, tables, sourceTopics: {} };
}

const counts: TableState = {
  kind: 'table',
  keyType: 'string',
  window: null,
  partitions: 4,
  keySerializer: 'json',
  valueSerializer: 'json',
};

describe('breakingChanges: table serializers', () => {
  it('flags a changed keySerializer: it orphans the stored keys, and says what to do', () => {
    const changes = breakingChanges(
      snapshot({ counts }),
      snapshot({ counts: { ...counts, keySerializer: 'raw' } }),
    );
    assert.deepEqual(
      changes.map((c) => c.code),
      ['table-serializer'],
    );
    const message = changes[0]!.message;
    assert.match(message, /table counts: keySerializer json -> raw/);
    assert.match(message, /orphaned/);
    assert.match(message, /new name/);
    assert.match(message, /faustgen reset/);
  });

  it('flags a changed valueSerializer', () => {
    const changes = breakingChanges(
      snapshot({ counts }),
      snapshot({ counts: { ...counts, valueSerializer: 'binary' } }),
    );
    assert.deepEqual(
      changes.map((c) => c.message.match(/valueSerializer json -> binary/) !== null),
      [true],
    );
  });

  it('does not flag a manifest that predates recorded serializers', () => {
    const { keySerializer: _k, valueSerializer: _v, ...old } = counts;
    assert.deepEqual(breakingChanges(snapshot({ counts: old }), snapshot({ counts })), []);
  });

  it('records the codec a table uses: an explicit "json" is the same as none', () => {
    const implicit = exampleTopology();
    const explicit = exampleTopology();
    explicit.tables['payment-counts'].keySerializer = 'json';
    const [a, b] = [implicit, explicit].map((t) => parseTopology(JSON.stringify(t), 'topology.json'));
    assert.deepEqual(a!.errors, []);
    assert.deepEqual(b!.errors, []);
    assert.equal(stateOf(a!.topology!).tables['payment-counts']!.keySerializer, 'json');
    assert.deepEqual(breakingChanges(stateOf(a!.topology!), stateOf(b!.topology!)), []);
  });
});
