import { isUtf8 } from 'node:buffer';
import { DecodeError, describeKind, EncodeError } from './errors.js';
import { parseJsonLeniently } from './json-syntax.js';
import type { Codec } from './types.js';

export interface JsonCodecOptions {
  /** The name the codec reports in errors (default 'json'). */
  name?: string;
  /**
   * Escape every character outside printable ASCII as `\uXXXX`, as Python's `json.dumps` does by
   * default (Faust's json codec without orjson), so strings encode to the same bytes as in Python
   * Faust. `false` writes UTF-8 as is, like Faust with orjson installed. Default true.
   */
  ensureAscii?: boolean;
}

/**
 * Faust's `json` codec: compact JSON (`separators=(",",":")`) in UTF-8.
 *
 * Encoding matches Python's `json.dumps(..., separators=(",",":"))` byte for byte for strings,
 * booleans, null, integers, arrays and objects. Python writes floats differently in two places that
 * JavaScript cannot reproduce: integral floats keep a `.0` (`1.0`), and large/small floats switch to
 * exponents at other thresholds (`1e+16` vs `10000000000000000`). NaN and ±Infinity become `null`
 * (Python writes the bare words). Decoding accepts everything Python's `json.loads` accepts, bare
 * NaN/Infinity included.
 */
export function createJsonCodec(options: JsonCodecOptions = {}): Codec {
  return new JsonCodec(options.name ?? 'json', options.ensureAscii ?? true);
}

class JsonCodec implements Codec {
  constructor(
    readonly name: string,
    private readonly ensureAscii: boolean,
  ) {}

  encode(value: unknown): Buffer {
    return encodeJson(value, this.ensureAscii, this.name);
  }

  decode(data: Buffer): unknown {
    return decodeJson(data, this.name);
  }
}

export function encodeJson(value: unknown, ensureAscii: boolean, codec: string): Buffer {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new EncodeError(`not JSON-serializable: ${(error as Error).message}`, codec, { cause: error });
  }
  if (text === undefined) throw new EncodeError(`a ${describeKind(value)} is not JSON-serializable`, codec);
  const bytes = Buffer.from(text, 'utf8');
  // Equal lengths mean every character was one byte: pure ASCII, nothing to escape but DEL.
  if (!ensureAscii || (bytes.length === text.length && text.indexOf('\x7f') === -1)) return bytes;
  return Buffer.from(escapeNonAscii(text), 'latin1');
}

const NON_ASCII = /[\u007f-\uffff]/g;

/** Python's `ensure_ascii`: DEL and every non-ASCII UTF-16 unit as a lowercase `\uXXXX` escape. */
export function escapeNonAscii(json: string): string {
  return json.replace(NON_ASCII, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function decodeJson(data: Buffer, codec: string): unknown {
  const text = data.toString('utf8');
  // toString replaces invalid sequences with U+FFFD; only then is the costlier check needed.
  if (text.indexOf('\uFFFD') !== -1 && !isUtf8(data)) throw new DecodeError('invalid UTF-8', codec);
  try {
    return JSON.parse(text);
  } catch {
    const result = parseJsonLeniently(text);
    if (result.ok) return result.value;
    const reason =
      text.length === 0
        ? 'invalid JSON: empty input'
        : `invalid JSON at position ${result.position}: ${result.problem}`;
    throw new DecodeError(reason, codec);
  }
}
