import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTableWrite, TableKeyTooLongError } from '../../../../runtime/tables/limits.js';
import { RecordTooLargeError } from '../../../../runtime/transport/producer-buffer.js';

const record = (key: Buffer, value: Buffer | null = Buffer.from('1')) => ({
  topic: 'app-counts-changelog',
  key,
  value,
});

describe('checkTableWrite', () => {
  it('refuses a key longer than the store keeps, naming table, size and limit', () => {
    const key = Buffer.alloc(200_002, 'k');
    assert.throws(
      () =>
        checkTableWrite('counts', 'lmdb://', key, record(key), {
          maxKeyBytes: 1978,
          maxRequestSize: 1_000_000,
        }),
      (error: unknown) =>
        error instanceof TableKeyTooLongError &&
        /table counts: a key of 200002 bytes is longer than its lmdb:\/\/ store allows \(1978 bytes\)/.test(
          error.message,
        ),
    );
    const fits = Buffer.alloc(1978, 'k');
    checkTableWrite('counts', 'lmdb://', fits, record(fits), { maxKeyBytes: 1978 });
    checkTableWrite('counts', 'memory://', key, record(key), {});
  });

  it('refuses a changelog record larger than one request', () => {
    const key = Buffer.from('"k"');
    assert.throws(
      () =>
        checkTableWrite('counts', 'lmdb://', key, record(key, Buffer.alloc(1_000_000)), {
          maxRequestSize: 1_000_000,
        }),
      (error: unknown) =>
        error instanceof RecordTooLargeError &&
        /^table counts: its changelog record: a message of \d+ bytes to app-counts-changelog does not fit/.test(
          error.message,
        ),
    );
  });
});
