/**
 * The checks of the joins section beyond the corpus (which has one file per error code): each
 * way a join's sides can fail to fit, and the joins that are valid (a global table of any
 * partition count, a table-table join listed by a job, a windowed join with its window).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTopology } from '../../../../generator/topology/index.js';

// biome-ignore lint/suspicious/noExplicitAny: tests edit arbitrary parts of the topology JSON
type Json = Record<string, any>;

function shop(): Json {
  return {
    app: { id: 'shop', settings: { topicPartitions: 4 } },
    topics: {
      orders: { keyType: 'string', valueType: 'json', partitions: 4 },
      payments: { keyType: 'string', valueType: 'json', partitions: 4 },
    },
    tables: {
      customers: { keyType: 'string', valueType: 'json', partitions: 4 },
      points: { keyType: 'string', valueType: 'number', partitions: 4 },
    },
    joins: {},
  };
}

function withJoin(join: Json, change: (topology: Json) => void = () => {}): Json {
  const topology = shop();
  topology.joins.j = join;
  change(topology);
  return topology;
}

/** `code pointer` of every error, in file order. */
function codes(topology: Json): string[] {
  return parseTopology(JSON.stringify(topology, null, 2), 'test.json').errors.map(
    (error) => `${error.code} ${error.pointer}`,
  );
}

const streamTable = { kind: 'left', left: { topic: 'orders' }, right: { table: 'customers' } };
const tableTable = { kind: 'outer', left: { table: 'customers' }, right: { table: 'points' } };
const windowed = {
  kind: 'inner',
  left: { topic: 'orders' },
  right: { topic: 'payments' },
  window: { within: '1m', grace: '5s' },
};

describe('joins in topology.json', () => {
  it('accepts the three kinds of join, a job reading a table-table join and agents reading stream joins', () => {
    const topology = shop();
    topology.joins = { enrich: streamTable, both: tableTable, pairs: windowed };
    topology.agents = {
      a: { source: { join: 'enrich' }, tables: ['both'] },
      b: { source: { join: 'pairs' } },
    };
    topology.tasks = { t: { tables: ['both'] } };
    assert.deepEqual(codes(topology), []);
  });

  it('accepts a global table of any partition count in a stream-table join', () => {
    const topology = withJoin(streamTable, (t) => {
      t.tables.customers = { kind: 'global', keyType: 'string', valueType: 'json' };
      t.topics.orders.partitions = 12;
    });
    assert.deepEqual(codes(topology), []);
  });

  it('refuses one topic or table on both sides (FG4035)', () => {
    assert.deepEqual(codes(withJoin({ ...windowed, right: { topic: 'orders' } })), ['FG4035 /joins/j/right']);
    assert.deepEqual(codes(withJoin({ ...tableTable, right: { table: 'customers' } })), [
      'FG4035 /joins/j/right',
    ]);
  });

  it('refuses set tables, global tables in table-table joins and non-JSON values there (FG4036)', () => {
    const set = withJoin(streamTable, (t) => {
      t.tables.customers = { kind: 'set', keyType: 'string', valueType: 'string', partitions: 4 };
    });
    assert.deepEqual(codes(set), ['FG4036 /joins/j/right/table']);
    const global = withJoin(tableTable, (t) => {
      t.tables.customers = { kind: 'global', keyType: 'string', valueType: 'json' };
    });
    assert.deepEqual(codes(global), ['FG4036 /joins/j/left/table']);
    const raw = withJoin(tableTable, (t) => {
      t.tables.points.valueSerializer = 'raw';
    });
    assert.deepEqual(codes(raw), ['FG4036 /joins/j/right/table']);
  });

  it('refuses keys typed or written differently, a missing keyType counting as the default (FG4038)', () => {
    const untyped = withJoin(streamTable, (t) => {
      delete t.topics.orders.keyType;
    });
    const errors = parseTopology(JSON.stringify(untyped, null, 2), 'test.json').errors;
    assert.deepEqual(
      errors.map((error) => `${error.code} ${error.pointer}`),
      ['FG4038 /joins/j/right'],
    );
    assert.match(errors[0]?.message ?? '', /topic orders has keys of type "bytes" \(no keyType\)/);
    const serializers = withJoin(tableTable, (t) => {
      t.tables.points.keySerializer = 'raw';
    });
    assert.deepEqual(codes(serializers), ['FG4038 /joins/j/right']);
  });

  it('counts a side without partitions by the topicPartitions setting (FG4039)', () => {
    const topology = withJoin(windowed, (t) => {
      delete t.topics.payments.partitions;
      t.app.settings.topicPartitions = 8;
    });
    const errors = parseTopology(JSON.stringify(topology, null, 2), 'test.json').errors;
    assert.deepEqual(
      errors.map((error) => `${error.code} ${error.pointer}`),
      ['FG4039 /joins/j'],
    );
    assert.match(
      errors[0]?.message ?? '',
      /topic orders has 4, topic payments has 8 \(app\.settings\.topicPartitions\) partitions/,
    );
  });

  it('refuses a window on a table-table join (FG4041) and a window without within (FG2002)', () => {
    assert.deepEqual(codes(withJoin({ ...tableTable, window: { within: 60 } })), ['FG4041 /joins/j/window']);
    assert.deepEqual(codes(withJoin({ ...windowed, window: { grace: 60 } })), ['FG2002 /joins/j/window']);
  });

  it('names unknown sides and joins with the closest declared name (FG3002, FG3003, FG3008)', () => {
    const topology = withJoin({ ...streamTable, left: { topic: 'order' }, right: { table: 'customer' } });
    topology.agents = { a: { source: { join: 'k' } } };
    const errors = parseTopology(JSON.stringify(topology, null, 2), 'test.json').errors;
    assert.deepEqual(
      errors.map((error) => [error.code, error.pointer, error.suggestion]),
      [
        ['FG3002', '/joins/j/left/topic', 'orders'],
        ['FG3003', '/joins/j/right/table', 'customers'],
        ['FG3008', '/agents/a/source/join', 'j'],
      ],
    );
  });

  it('keeps a table-table join out of key-owned routes, which need a declared table (FG3003)', () => {
    const topology = withJoin(tableTable);
    topology.routes = {
      r: {
        method: 'GET',
        path: '/x/:id',
        params: { id: 'string' },
        tableRoute: { table: 'j', param: 'id' },
      },
    };
    assert.deepEqual(codes(topology), ['FG3003 /routes/r/tableRoute/table']);
  });

  it('counts the topics of the join an agent reads as the sources of the tables it writes (FG4006)', () => {
    const topology = withJoin(windowed, (t) => {
      t.topics.payments.partitions = 2;
      t.agents = { a: { source: { join: 'j' }, tables: ['points'] } };
    });
    // The join's own check and the table's: the agent writes points from both topics' events.
    assert.deepEqual(codes(topology), ['FG4006 /tables/points', 'FG4039 /joins/j']);
  });

  it('refuses a join named like a table (FG4002) and a topic named like a join buffer changelog (FG4001)', () => {
    const sameName = shop();
    sameName.joins.points = tableTable;
    assert.deepEqual(codes(sameName), ['FG4002 /joins/points']);
    const buffer = withJoin(windowed, (t) => {
      t.topics['shop-j-buffer-changelog'] = {};
    });
    assert.deepEqual(codes(buffer), ['FG4001 /topics/shop-j-buffer-changelog']);
  });
});
