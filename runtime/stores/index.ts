export { directorySize, LmdbStore, type LmdbStoreOptions, lmdbPath } from './lmdb.js';
export { MemoryStore } from './memory.js';
export { createStore, registerStore, storeScheme } from './registry.js';
export {
  MAX_KEY_BYTES,
  type Store,
  type StoreEntry,
  type StoreFactory,
  type StoreOptions,
  type StoreWriter,
} from './types.js';
