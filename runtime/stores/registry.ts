/**
 * Stores by URL scheme: `memory://` and `lmdb://` are built in; another backend registers its
 * scheme with registerStore(). Faust's `rocksdb://` and `aerospike://` are answered with what to
 * use instead.
 */
import { LmdbStore } from './lmdb.js';
import { MemoryStore } from './memory.js';
import type { Store, StoreFactory, StoreOptions } from './types.js';

const factories = new Map<string, StoreFactory>();

/** Makes `factory` the store for `scheme://` URLs. */
export function registerStore(scheme: string, factory: StoreFactory): void {
  factories.set(scheme.toLowerCase().replace(/:(\/\/)?$/, ''), factory);
}

/** The scheme of a store URL (`lmdb://` -> `lmdb`); throws for a URL without one. */
export function storeScheme(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*):(\/\/)?/i.exec(url.trim());
  if (!match) throw new Error(`store URL '${url}' has no scheme: use lmdb:// or memory://`);
  return match[1]!.toLowerCase();
}

/** A new store for one table. */
export function createStore(url: string, options: StoreOptions): Store {
  const scheme = storeScheme(url);
  const factory = factories.get(scheme);
  if (factory) return factory(url, options);
  const known = [...factories.keys()].map((name) => `${name}://`).join(', ');
  const hint =
    scheme === 'rocksdb' || scheme === 'aerospike'
      ? ` (Faust's ${scheme}:// does not exist in faustgen: lmdb:// is the persistent store)`
      : '';
  throw new Error(`table ${options.table}: no store for ${scheme}:// (known: ${known})${hint}`);
}

registerStore('memory', (_url, options) => new MemoryStore(options.table));
registerStore('lmdb', (_url, options) => new LmdbStore(options));
