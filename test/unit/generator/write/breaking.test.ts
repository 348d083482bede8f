import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { breakingChanges } from '../../../../generator/write/breaking.js';
import { type StateSnapshot, type TableState, stateOf } from '../../../../generator/write/manifest.js';
import { parseTopology } from '../../../../generator/topology/load.js';
import { EXIT_CODES, generateProject } from '../../../../generator/write/project.js';
import { EXAMPLE_TEXT, exampleTopology, tempProject, writeTopology } from '../support.js';

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

describe('generateProject: breaking changes issue 16 found unflagged', () => {
  async function refusedCodes(change: (topology: ReturnType<typeof exampleTopology>) => void) {
    const { dir, cleanup } = tempProject();
    try {
      await generateProject({ projectDir: dir });
      const changed = exampleTopology();
      change(changed);
      writeTopology(dir, changed);
      const result = await generateProject({ projectDir: dir });
      assert.deepEqual(result.errors, []);
      return { status: result.status, exit: EXIT_CODES[result.status], breaking: result.breaking };
    } finally {
      cleanup();
    }
  }

  it('a changed default topicPartitions, which a table without partitions uses, exits 3', async () => {
    const result = await refusedCodes((t) => {
      t.app.settings = { ...(t.app.settings ?? {}), topicPartitions: 8 };
    });
    assert.equal(result.exit, 3);
    assert.deepEqual(
      result.breaking.map((b) => b.code),
      ['default-partitions'],
    );
    assert.match(result.breaking[0]!.message, /topicPartitions 4 -> 8.*table accounts-by-id/);
  });

  it('a table whose value type changes (number -> a model) exits 3', async () => {
    const result = await refusedCodes((t) => {
      t.tables['payment-counts'].valueType = 'Account';
      delete t.tables['payment-counts'].default;
    });
    assert.equal(result.exit, 3);
    assert.deepEqual(
      result.breaking.map((b) => b.code),
      ['table-value-type'],
    );
    assert.match(result.breaking[0]!.message, /table payment-counts: value type number -> Account/);
  });

  it('a table whose keySerializer changes exits 3', async () => {
    const result = await refusedCodes((t) => {
      t.tables['payment-counts'].keySerializer = 'raw';
    });
    assert.equal(result.exit, 3);
    assert.deepEqual(
      result.breaking.map((b) => b.code),
      ['table-serializer'],
    );
  });

  it('a manifest without a recorded topicPartitions or value type flags nothing', () => {
    const state = stateOf(parseTopology(EXAMPLE_TEXT, 'topology.json')!.topology!);
    const { topicPartitions: _p, ...old } = state;
    const tables = Object.fromEntries(
      Object.entries(state.tables).map(([name, { valueType: _v, ...table }]) => [name, table]),
    );
    assert.deepEqual(breakingChanges({ ...old, tables }, { ...state, topicPartitions: 8 }), []);
  });
});
