/** What every store does, run against memory:// and lmdb:// (store.test.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../../../runtime/stores/types.js';

const b = (text: string): Buffer => Buffer.from(text, 'utf8');
const text = (value: Buffer | undefined): string | undefined => value?.toString('utf8');

export function storeContract(name: string, open: () => Store): void {
  describe(`${name} store contract`, () => {
    it('keeps keys per partition: the same key in two partitions is two entries', async () => {
      const store = open();
      await store.transact((w) => {
        w.put(0, b('"a"'), b('1'));
        w.put(1, b('"a"'), b('2'));
      });
      assert.equal(text(store.get(0, b('"a"'))), '1');
      assert.equal(text(store.get(1, b('"a"'))), '2');
      assert.equal(store.get(2, b('"a"')), undefined);
      assert.equal(store.count(0), 1);
      assert.deepEqual(store.partitions(), [0, 1]);
      await store.close();
    });

    it('writes data and offset in one transaction; a transaction sees its own writes', async () => {
      const store = open();
      assert.equal(store.persistedOffset(3), -1);
      await store.transact((w) => {
        w.put(3, b('"k"'), b('10'));
        assert.equal(text(w.get(3, b('"k"'))), '10');
        w.setOffset(3, 41);
        assert.equal(w.offset(3), 41);
        w.delete(3, b('"k"'));
        assert.equal(w.get(3, b('"k"')), undefined);
        w.put(3, b('"k"'), b('11'));
      });
      assert.equal(store.persistedOffset(3), 41);
      assert.equal(text(store.get(3, b('"k"'))), '11');
      await store.close();
    });

    it('a transaction whose callback throws changes nothing', async () => {
      const store = open();
      await store.transact((w) => {
        w.put(0, b('"x"'), b('1'));
        w.setOffset(0, 5);
      });
      await assert.rejects(
        store.transact((w) => {
          w.put(0, b('"x"'), b('2'));
          w.put(0, b('"y"'), b('3'));
          w.setOffset(0, 9);
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(text(store.get(0, b('"x"'))), '1');
      assert.equal(store.get(0, b('"y"')), undefined);
      assert.equal(store.persistedOffset(0), 5);
      await store.close();
    });

    it('lists entries, keeps metadata, drops a partition with its offset and metadata', async () => {
      const store = open();
      await store.transact((w) => {
        for (const key of ['"b"', '"a"', '"c"']) w.put(2, b(key), b(`[${key}]`));
        w.setOffset(2, 7);
        w.setMeta(2, 'watermark', '1603122420.0');
        w.put(1, b('"z"'), b('0'));
        w.setOffset(1, 1);
      });
      const keys = [...store.entries(2)].map((e) => e.key.toString()).sort();
      assert.deepEqual(keys, ['"a"', '"b"', '"c"']);
      assert.equal(store.meta(2, 'watermark'), '1603122420.0');
      await store.dropPartition(2);
      assert.deepEqual([...store.entries(2)], []);
      assert.equal(store.persistedOffset(2), -1);
      assert.equal(store.meta(2, 'watermark'), undefined);
      assert.equal(store.persistedOffset(1), 1, 'other partitions stay');
      assert.equal(text(store.get(1, b('"z"'))), '0');
      await store.close();
    });
  });
}
