/**
 * A table's LMDB stores in workers' data directories, checked against its changelog: each
 * partition's final owner must hold exactly what the changelog replays to.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LmdbStore } from '../../runtime/stores/lmdb.js';

/** Asserts that for every partition some worker's store is at the changelog's end and equals `replayed`. */
export async function assertStoresMatchChangelog(options: {
  table: string;
  datadirs: string[];
  partitions: number;
  replayed: Map<number, Map<string, string>>;
  changelogEnds: Map<number, number>;
}): Promise<void> {
  const stores = options.datadirs.map(
    (datadir) =>
      new LmdbStore({
        table: options.table,
        directory: join(datadir, 'v1', 'tables'),
        partitions: 1024,
        readOnly: true,
      }),
  );
  try {
    for (let p = 0; p < options.partitions; p++) {
      const end = options.changelogEnds.get(p) ?? 0;
      if (end === 0) continue;
      const owner = stores.find((store) => store.persistedOffset(p) === end - 1);
      assert.ok(owner, `no store holds changelog partition ${p} up to ${end}`);
      const state = new Map<string, string>();
      for (const { key, value } of owner.entries(p)) {
        state.set(JSON.parse(key.toString()) as string, value.toString());
      }
      assert.deepEqual(
        state,
        options.replayed.get(p) ?? new Map(),
        `partition ${p}: store = changelog replay`,
      );
    }
  } finally {
    for (const store of stores) await store.close();
  }
}
