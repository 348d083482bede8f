/** Bytes that a codec or serializer cannot turn into a value (bad UTF-8, invalid JSON, wrong type...). */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  /** Whether the key or the value failed; set by the serializer that ran the codec. */
  role: 'key' | 'value' | undefined;

  /**
   * @param reason short and single-line, suitable for a dead-letter header
   *   (e.g. "invalid JSON at position 12: unexpected character '}'")
   * @param codec the codec that failed, when one did
   */
  constructor(
    readonly reason: string,
    readonly codec?: string,
    options?: { cause?: unknown; role?: 'key' | 'value' },
  ) {
    super(codec ? `cannot decode with codec '${codec}': ${reason}` : `cannot decode: ${reason}`, options);
    this.role = options?.role;
  }
}

/** A value that a codec or serializer cannot write (wrong type, not JSON-serializable...). */
export class EncodeError extends Error {
  override readonly name = 'EncodeError';
  role: 'key' | 'value' | undefined;

  constructor(
    readonly reason: string,
    readonly codec?: string,
    options?: { cause?: unknown; role?: 'key' | 'value' },
  ) {
    super(codec ? `cannot encode with codec '${codec}': ${reason}` : `cannot encode: ${reason}`, options);
    this.role = options?.role;
  }
}

/** A short description of a value's kind for error messages ("null", "array", "Buffer", "number"...). */
export function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Buffer.isBuffer(value)) return 'Buffer';
  if (value instanceof Uint8Array) return 'Uint8Array';
  return typeof value;
}
