/**
 * Fitting a dead-letter record into one produce request. An event can be too large to copy as it
 * is (a value of almost the broker's limit, plus the dead-letter headers; or a value that was
 * fetched but can never be sent with producerMaxRequestSize). The copy then keeps every faustgen
 * header (reason, stage, source topic/partition/offset) and as much of the value, then of the key,
 * as fits, and says so: `faustgen-truncated` lists what was cut (`value`, `key`, `headers` for
 * original headers dropped) and the original sizes are in `faustgen-original-key-size` and
 * `faustgen-original-value-size`. The source record itself stays in its topic at its offset.
 */
import { requestBytes } from '../transport/producer-buffer.js';

export const TRUNCATION_HEADERS = {
  truncated: 'faustgen-truncated',
  keySize: 'faustgen-original-key-size',
  valueSize: 'faustgen-original-value-size',
} as const;

export interface DeadLetterRecord {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
}

const FAUSTGEN_HEADER = /^faustgen-/;
/** The longest `faustgen-truncated` value, reserved before we know which parts are cut. */
const LONGEST_TRUNCATED = 'value,key,headers';

/** The record as it is when it fits `maxRequestSize`, else a truncated copy (see the module comment). */
export function fitDeadLetter(
  record: DeadLetterRecord,
  maxRequestSize: number | undefined,
): DeadLetterRecord {
  if (maxRequestSize === undefined || requestBytes(record) <= maxRequestSize) return record;
  const cut: string[] = [];
  const sizes = {
    [TRUNCATION_HEADERS.keySize]: Buffer.from(String(record.key?.length ?? 0)),
    [TRUNCATION_HEADERS.valueSize]: Buffer.from(String(record.value?.length ?? 0)),
  };
  const headersFor = (base: Record<string, Buffer>, truncated: string) => ({
    ...base,
    ...sizes,
    [TRUNCATION_HEADERS.truncated]: Buffer.from(truncated),
  });
  let headers = record.headers;
  const roomWith = (base: Record<string, Buffer>) =>
    maxRequestSize -
    requestBytes({
      topic: record.topic,
      key: null,
      value: null,
      headers: headersFor(base, LONGEST_TRUNCATED),
    });
  let room = roomWith(headers);
  if (room < 0) {
    headers = Object.fromEntries(Object.entries(headers).filter(([name]) => FAUSTGEN_HEADER.test(name)));
    room = roomWith(headers);
  }
  if (room < 0) return record;
  const keyBytes = record.key?.length ?? 0;
  const valueBytes = record.value?.length ?? 0;
  let { key, value } = record;
  if (keyBytes + valueBytes > room) {
    if (value && keyBytes <= room) {
      value = value.subarray(0, room - keyBytes);
      cut.push('value');
    } else {
      if (value) {
        value = value.subarray(0, 0);
        cut.push('value');
      }
      key = key!.subarray(0, room);
      cut.push('key');
    }
  }
  if (headers !== record.headers) cut.push('headers');
  return { topic: record.topic, key, value, headers: headersFor(headers, cut.join(',')) };
}
