import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LmdbStore, lmdbPath } from '../../../../runtime/stores/lmdb.js';
import { MemoryStore } from '../../../../runtime/stores/memory.js';
import { createStore } from '../../../../runtime/stores/registry.js';
import { MAX_KEY_BYTES } from '../../../../runtime/stores/types.js';
import { storeContract } from './store-contract.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faustgen-store-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

storeContract('memory://', () => new MemoryStore('t'));
storeContract('lmdb://', () => new LmdbStore({ table: 't', directory: tempDir(), partitions: 4 }));

describe('lmdb:// store', () => {
  it('keeps data and offsets across a reopen, in <tabledir>/<table>.lmdb', async () => {
    const directory = tempDir();
    const first = new LmdbStore({ table: 'counts', directory, partitions: 4 });
    assert.equal(first.path, lmdbPath(directory, 'counts'));
    assert.equal(first.path, join(directory, 'counts.lmdb'));
    await first.transact((w) => {
      w.put(1, Buffer.from('"k1"'), Buffer.from('5'));
      w.setOffset(1, 99);
    });
    await first.close();
    const second = new LmdbStore({ table: 'counts', directory, partitions: 4 });
    assert.equal(second.persistedOffset(1), 99);
    assert.equal(second.get(1, Buffer.from('"k1"'))?.toString(), '5');
    assert.ok(second.diskSize() > 0);
    await second.close();
    const reader = new LmdbStore({ table: 'counts', directory, partitions: 1024, readOnly: true });
    assert.deepEqual(reader.partitions(), [1]);
    assert.equal(reader.count(1), 1);
    await reader.close();
  });

  it('refuses a key longer than LMDB allows, naming the table', async () => {
    const store = new LmdbStore({ table: 'big', directory: tempDir(), partitions: 1 });
    await assert.rejects(
      store.transact((w) => w.put(0, Buffer.alloc(MAX_KEY_BYTES + 1, 97), Buffer.from('1'))),
      /table big: a key of 1979 bytes is longer than LMDB allows \(1978\)/,
    );
    await store.close();
  });
});

describe('store registry', () => {
  it('makes memory:// and lmdb:// stores and explains Faust-only schemes', async () => {
    const directory = tempDir();
    const memory = createStore('memory://', { table: 't', directory, partitions: 2 });
    assert.equal(memory.persistent, false);
    const lmdb = createStore('lmdb://', { table: 't', directory, partitions: 2 });
    assert.equal(lmdb.persistent, true);
    await lmdb.close();
    assert.throws(
      () => createStore('rocksdb://', { table: 't', directory, partitions: 2 }),
      /no store for rocksdb:\/\/ .*lmdb:\/\/ is the persistent store/,
    );
    assert.throws(() => createStore('nothing', { table: 't', directory, partitions: 2 }), /has no scheme/);
  });
});
