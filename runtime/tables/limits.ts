/**
 * What a table write must fit, checked before the write changes anything: the store's key size
 * (LMDB keeps keys of at most 1,978 bytes) and the changelog record's size (one produce request,
 * producerMaxRequestSize). A write that does not fit throws to the agent, whose event then goes to
 * the dead-letter topic with the reason; the partition moves on. Found only when the record
 * reached the store, the same write would stop the worker at every restart.
 */
import { RecordTooLargeError, requestBytes } from '../transport/producer-buffer.js';

export interface TableWriteLimits {
  /** The store's longest key in bytes (undefined: no limit). */
  maxKeyBytes?: number;
  /** The most bytes of a produce request (undefined: no limit). */
  maxRequestSize?: number;
}

/** A key longer than the table's store can keep. */
export class TableKeyTooLongError extends Error {
  constructor(
    readonly table: string,
    readonly bytes: number,
    readonly maxKeyBytes: number,
    store: string,
  ) {
    super(
      `table ${table}: a key of ${bytes} bytes is longer than its ${store} store allows (${maxKeyBytes} bytes); ` +
        'the write is refused',
    );
    this.name = 'TableKeyTooLongError';
  }
}

/** Throws when a write of `storeKey` with changelog `record` cannot be stored or sent. */
export function checkTableWrite(
  table: string,
  store: string,
  storeKey: Buffer,
  record: { topic: string; key: Buffer; value: Buffer | null },
  limits: TableWriteLimits,
): void {
  const { maxKeyBytes, maxRequestSize } = limits;
  if (maxKeyBytes !== undefined && storeKey.length > maxKeyBytes) {
    throw new TableKeyTooLongError(table, storeKey.length, maxKeyBytes, store);
  }
  if (maxRequestSize !== undefined) {
    const bytes = requestBytes(record);
    if (bytes > maxRequestSize) {
      const error = new RecordTooLargeError(record.topic, undefined, bytes, maxRequestSize);
      error.message = `table ${table}: its changelog record: ${error.message}; the write is refused`;
      throw error;
    }
  }
}
