import { describeKind, EncodeError } from './errors.js';
import type { Codec } from './types.js';

/** Faust's `raw` codec: strings become their UTF-8 bytes, bytes pass through; decoding returns the bytes. */
export class RawCodec implements Codec {
  readonly name = 'raw';

  encode(value: unknown): Buffer {
    return toBytes(value, this.name);
  }

  decode(data: Buffer): Buffer {
    return data;
  }
}

/** Faust's `want_bytes`: a Buffer as is, a Uint8Array without copying, a string as UTF-8. */
export function toBytes(value: unknown, codec: string): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new EncodeError(`expected a string or bytes, got ${describeKind(value)}`, codec);
}
