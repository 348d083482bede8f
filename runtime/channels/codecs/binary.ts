import { DecodeError } from './errors.js';
import { toBytes } from './raw.js';
import type { Codec } from './types.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Faust's `binary` codec: standard (not URL-safe) base64 with padding. Decoding returns the bytes. */
export class BinaryCodec implements Codec {
  readonly name = 'binary';

  encode(value: unknown): Buffer {
    return Buffer.from(toBytes(value, this.name).toString('base64'), 'latin1');
  }

  decode(data: Buffer): Buffer {
    const text = data.toString('latin1');
    if (text.length % 4 !== 0 || !BASE64.test(text))
      throw new DecodeError(describeBadBase64(text), this.name);
    return Buffer.from(text, 'base64');
  }
}

function describeBadBase64(text: string): string {
  const padding = text.indexOf('=');
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const valid = /[A-Za-z0-9+/]/.test(ch) || (ch === '=' && i >= text.length - 2);
    if (!valid || (padding !== -1 && i > padding && ch !== '=')) {
      const shown = /[ -~]/.test(ch) ? `'${ch}'` : `byte 0x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
      return `invalid base64: unexpected ${shown} at position ${i}`;
    }
  }
  return `invalid base64: length ${text.length} is not a multiple of 4`;
}
