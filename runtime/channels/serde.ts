/**
 * Key and value serializers: a type (what the value is) and a codec (how it is written), as in
 * Faust's `faust.serializers.Registry`.
 *
 * Defaults follow Faust: keys are `raw`, values `json`. With those:
 *   'string'  key "abc" -> b'abc'      value "abc" -> b'"abc"' (Faust writes str values as JSON too)
 *   'number'  key 5 -> b'5'            value 5 -> b'5'
 *             (raw writes the decimal text, which is what Python Faust reads with key_type=int and
 *             what it writes with the json codec; Faust itself cannot write an int with raw)
 *   'bytes'   always written as is, whatever the codec says ('json' included: Faust never serializes
 *             bytes), unless another codec such as 'binary' is named
 *   'json'    any JSON value, with the json codec
 *   a model   the record's representation (Faust's record JSON with `__faust`), validated; a model's
 *             own `serializer` option wins over the topic's
 *   undefined no type: the codec's own result (raw: the Buffer; json: the parsed value)
 * A model or 'json' named with `raw` (e.g. the app's default key serializer) uses `json`: raw cannot
 * carry structured data. Null in gives null out (a null key, a tombstone), except that a model-typed
 * key or value that is null fails to decode, as in Faust (unless `allowEmpty`). Unlike Faust, which
 * writes the bytes `null` for a None value with the json codec, serialize(null) is always a null
 * (a tombstone for values).
 */
import { DecodeError, describeKind, EncodeError } from './codecs/errors.js';
import { decodeJson } from './codecs/json.js';
import { closestName } from './codecs/closest.js';
import { binaryCodec, getCodec, jsonCodec, outermostCodec, rawCodec } from './codecs/registry.js';
import type { Codec } from './codecs/types.js';
import { ValidationError } from '../models/errors.js';
import { isModel } from '../models/model.js';
import type { AnyModel, Model } from '../models/types.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type TypeName = 'string' | 'number' | 'bytes' | 'json';
/** What a key or value is: a model, or one of the type names. */
export type TypeSpec = TypeName | AnyModel;

/** The TypeScript type of the values a TypeSpec describes (unknown when there is no type). */
export type TypeOf<S> =
  S extends Model<infer T>
    ? T
    : S extends 'string'
      ? string
      : S extends 'number'
        ? number
        : S extends 'bytes'
          ? Buffer
          : S extends 'json'
            ? JsonValue
            : unknown;

export type SerdeRole = 'key' | 'value';

export interface SerdeOptions {
  /**
   * Validate a model's values against its schema before writing them (a ValidationError instead of a
   * bad record on the topic), and refuse NaN/Infinity for 'number'. Default true.
   */
  validateOnSend?: boolean;
  /**
   * A null (empty) model-typed key or value decodes to null instead of failing: Faust's `allow_empty`
   * (set for table changelogs, where null is a deletion). Default false.
   */
  allowEmpty?: boolean;
}

export interface Serde<T> {
  readonly role: SerdeRole;
  readonly type: TypeSpec | undefined;
  /** The codec in use, after defaults (`codec.name` is its name, e.g. 'json' or 'json|binary'). */
  readonly codec: Codec;
  /** The model when the type is one (for `models` listings). */
  readonly model: AnyModel | undefined;
  /** The type and codec in a few words, e.g. "Payment (json)", "string (raw)", "untyped (json)". */
  describe(): string;
  /**
   * The bytes to produce; null for null/undefined. Throws an EncodeError (wrong kind of value, not
   * JSON-serializable) or a ValidationError (a model's schema), with `role` set.
   */
  serialize(value: T | null | undefined): Buffer | null;
  /**
   * The value of consumed bytes. Null gives null (typed as T: a key or value of a non-model type may
   * be null on the wire), except for models. Throws a DecodeError or ValidationError, with `role`
   * set and a short `reason`.
   */
  deserialize(data: Buffer | null): T;
}

const TYPE_NAMES: readonly TypeName[] = ['string', 'number', 'bytes', 'json'];

/** The codec name a type and configured serializer resolve to (see the module comment). */
export function resolveSerializer(
  type: TypeSpec | undefined,
  serializer: string | undefined,
  role: SerdeRole,
): string {
  if (isModel(type) && type.serializer) return type.serializer;
  const structured = type === 'json' || isModel(type);
  let name = serializer ?? (type === 'bytes' ? 'raw' : structured ? 'json' : role === 'key' ? 'raw' : 'json');
  if (type === 'bytes' && name === 'json') name = 'raw';
  if (structured && name === 'raw') name = 'json';
  return name;
}

/**
 * A serializer for keys or values of `type`, written with the codec named `serializer` (Faust's
 * defaults when undefined). Throws a TypeError for an unknown type or codec, or a codec that cannot
 * carry the type.
 */
export function createSerde<T = unknown>(
  type: TypeSpec | undefined,
  serializer: string | undefined,
  role: SerdeRole,
  options: SerdeOptions = {},
): Serde<T> {
  if (role !== 'key' && role !== 'value')
    throw new TypeError(`serde role must be 'key' or 'value', got ${role}`);
  checkTypeSpec(type, role);
  const codec = getCodec(resolveSerializer(type, serializer, role));
  const validateOnSend = options.validateOnSend ?? true;
  if (isModel(type) || type === 'json') {
    if (writesBytes(codec)) {
      const what = isModel(type) ? `model '${type.name}'` : "type 'json'";
      throw new TypeError(
        `${role} ${what} cannot be written with codec '${codec.name}', which yields bytes: ` +
          "use 'json' or a chain such as 'json|binary'",
      );
    }
  }
  let serde: Serde<unknown>;
  if (isModel(type)) serde = new ModelSerde(role, type, codec, validateOnSend, options.allowEmpty ?? false);
  else if (type === 'string') serde = new StringSerde(role, codec);
  else if (type === 'number') serde = new NumberSerde(role, codec, validateOnSend, writesBytes(codec));
  else if (type === 'bytes') serde = new BytesSerde(role, codec);
  else serde = new CodecSerde(role, type, codec);
  return serde as Serde<T>;
}

/** Errors a serializer throws for bad data, each with a short `reason` and the `role` that failed. */
export function isSerdeError(error: unknown): error is DecodeError | EncodeError | ValidationError {
  return error instanceof DecodeError || error instanceof EncodeError || error instanceof ValidationError;
}

function checkTypeSpec(type: unknown, role: SerdeRole): void {
  if (type === undefined || isModel(type)) return;
  if (typeof type === 'string') {
    if ((TYPE_NAMES as readonly string[]).includes(type)) return;
    const near = closestName(type, TYPE_NAMES);
    throw new TypeError(
      `unknown ${role} type '${type}': use a model or one of ${TYPE_NAMES.map((n) => `'${n}'`).join(', ')}` +
        (near ? `. Did you mean '${near}'?` : ''),
    );
  }
  throw new TypeError(`${role} type must be a model or a type name, got ${describeKind(type)}`);
}

function describeSerde(type: string, codec: Codec): string {
  return `${type} (${codec.name})`;
}

/** Whether the codec's decoded result is bytes (raw, binary, or a chain starting with them). */
function writesBytes(codec: Codec): boolean {
  const outer = outermostCodec(codec);
  return outer === rawCodec || outer === binaryCodec;
}

/** Sets the role on our errors; wraps anything else a (custom) codec threw. */
function decodeFailure(error: unknown, role: SerdeRole, codec: Codec): Error {
  if (error instanceof DecodeError || error instanceof ValidationError) {
    error.role ??= role;
    return error;
  }
  return new DecodeError(firstLine(error), codec.name, { cause: error, role });
}

function encodeFailure(error: unknown, role: SerdeRole, codec: Codec): Error {
  if (error instanceof EncodeError || error instanceof ValidationError) {
    error.role ??= role;
    return error;
  }
  return new EncodeError(firstLine(error), codec.name, { cause: error, role });
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n', 1)[0]!.slice(0, 200);
}

function utf8Text(data: Buffer, codec: Codec): string {
  const text = data.toString('utf8');
  if (text.indexOf('\uFFFD') !== -1 && !Buffer.from(text, 'utf8').equals(data)) {
    throw new DecodeError('invalid UTF-8', codec.name);
  }
  return text;
}

class ModelSerde<T> implements Serde<T> {
  readonly model: AnyModel;

  constructor(
    readonly role: SerdeRole,
    readonly type: Model<T>,
    readonly codec: Codec,
    private readonly validateOnSend: boolean,
    private readonly allowEmpty: boolean,
  ) {
    this.model = type as AnyModel;
  }

  describe(): string {
    return describeSerde(this.type.name, this.codec);
  }

  serialize(value: T | null | undefined): Buffer | null {
    if (value === null || value === undefined) return null;
    try {
      if (this.validateOnSend) this.type.validate(value);
      return this.codec.encode(this.type.toRepresentation(value));
    } catch (error) {
      throw encodeFailure(error, this.role, this.codec);
    }
  }

  deserialize(data: Buffer | null): T {
    try {
      if (data === null) {
        if (this.allowEmpty) return null as T;
        throw new DecodeError(
          `expected a '${this.type.name}' record, got a null ${this.role}`,
          this.codec.name,
        );
      }
      const payload = this.codec === jsonCodec ? decodeJson(data, 'json') : this.codec.decode(data);
      if (Buffer.isBuffer(payload)) {
        throw new DecodeError(`the codec produced bytes, not a '${this.type.name}' record`, this.codec.name);
      }
      return this.type.fromRepresentation(payload);
    } catch (error) {
      throw decodeFailure(error, this.role, this.codec);
    }
  }
}

class StringSerde implements Serde<string> {
  readonly type = 'string' as const;
  readonly model = undefined;

  describe(): string {
    return describeSerde(this.type, this.codec);
  }

  constructor(
    readonly role: SerdeRole,
    readonly codec: Codec,
  ) {}

  serialize(value: string | null | undefined): Buffer | null {
    if (value === null || value === undefined) return null;
    if (typeof value !== 'string') {
      throw new EncodeError(`expected a string, got ${describeKind(value)}`, this.codec.name, {
        role: this.role,
      });
    }
    if (this.codec === rawCodec) return Buffer.from(value, 'utf8');
    try {
      return this.codec.encode(value);
    } catch (error) {
      throw encodeFailure(error, this.role, this.codec);
    }
  }

  deserialize(data: Buffer | null): string {
    if (data === null) return null as unknown as string;
    try {
      if (this.codec === rawCodec) return utf8Text(data, this.codec);
      const payload = this.codec.decode(data);
      if (typeof payload === 'string') return payload;
      if (Buffer.isBuffer(payload)) return utf8Text(payload, this.codec);
      throw new DecodeError(`expected a string, got ${describeKind(payload)}`, this.codec.name);
    } catch (error) {
      throw decodeFailure(error, this.role, this.codec);
    }
  }
}

const DECIMAL = /^\s*[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\s*$/;

class NumberSerde implements Serde<number> {
  readonly type = 'number' as const;
  readonly model = undefined;

  describe(): string {
    return describeSerde(this.type, this.codec);
  }

  constructor(
    readonly role: SerdeRole,
    readonly codec: Codec,
    private readonly validateOnSend: boolean,
    /** The codec takes bytes or text (raw, binary...): give it the decimal text. */
    private readonly asText: boolean,
  ) {}

  serialize(value: number | null | undefined): Buffer | null {
    if (value === null || value === undefined) return null;
    if (typeof value !== 'number' || (this.validateOnSend && !Number.isFinite(value))) {
      const got = typeof value === 'number' ? String(value) : `a ${describeKind(value)}`;
      throw new EncodeError(`expected a finite number, got ${got}`, this.codec.name, { role: this.role });
    }
    if (this.codec === rawCodec) return Buffer.from(String(value), 'latin1');
    try {
      return this.codec.encode(this.asText ? String(value) : value);
    } catch (error) {
      throw encodeFailure(error, this.role, this.codec);
    }
  }

  deserialize(data: Buffer | null): number {
    if (data === null) return null as unknown as number;
    try {
      if (this.codec === rawCodec) return parseDecimal(data.toString('utf8'), this.codec);
      const payload = this.codec.decode(data);
      if (typeof payload === 'number') return payload;
      // Faust reads int/float types with int(...)/float(...), which also takes numeric text.
      if (typeof payload === 'string') return parseDecimal(payload, this.codec);
      if (Buffer.isBuffer(payload)) return parseDecimal(payload.toString('utf8'), this.codec);
      throw new DecodeError(`expected a number, got ${describeKind(payload)}`, this.codec.name);
    } catch (error) {
      throw decodeFailure(error, this.role, this.codec);
    }
  }
}

function parseDecimal(text: string, codec: Codec): number {
  if (DECIMAL.test(text)) return Number(text);
  const shown = text.length > 40 ? `${JSON.stringify(text.slice(0, 40))}...` : JSON.stringify(text);
  throw new DecodeError(`expected a decimal number, got ${shown}`, codec.name);
}

class BytesSerde implements Serde<Buffer> {
  readonly type = 'bytes' as const;
  readonly model = undefined;

  describe(): string {
    return describeSerde(this.type, this.codec);
  }

  private readonly passthrough: boolean;

  constructor(
    readonly role: SerdeRole,
    readonly codec: Codec,
  ) {
    this.passthrough = codec === rawCodec;
  }

  serialize(value: Buffer | null | undefined): Buffer | null {
    if (value === null || value === undefined) return null;
    let bytes: Buffer;
    if (Buffer.isBuffer(value)) bytes = value;
    else if ((value as unknown) instanceof Uint8Array) {
      const array = value as Uint8Array;
      bytes = Buffer.from(array.buffer, array.byteOffset, array.byteLength);
    } else {
      throw new EncodeError(`expected bytes (a Buffer), got ${describeKind(value)}`, this.codec.name, {
        role: this.role,
      });
    }
    if (this.passthrough) return bytes;
    try {
      return this.codec.encode(bytes);
    } catch (error) {
      throw encodeFailure(error, this.role, this.codec);
    }
  }

  deserialize(data: Buffer | null): Buffer {
    if (data === null || this.passthrough) return data as Buffer;
    try {
      const payload = this.codec.decode(data);
      if (Buffer.isBuffer(payload)) return payload;
      if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
      throw new DecodeError(`expected bytes, got ${describeKind(payload)}`, this.codec.name);
    } catch (error) {
      throw decodeFailure(error, this.role, this.codec);
    }
  }
}

/** 'json' and untyped keys/values: whatever the codec writes and reads. */
class CodecSerde implements Serde<unknown> {
  readonly model = undefined;

  describe(): string {
    return describeSerde(this.type ?? 'untyped', this.codec);
  }

  constructor(
    readonly role: SerdeRole,
    readonly type: 'json' | undefined,
    readonly codec: Codec,
  ) {}

  serialize(value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    try {
      return this.codec.encode(value);
    } catch (error) {
      throw encodeFailure(error, this.role, this.codec);
    }
  }

  deserialize(data: Buffer | null): unknown {
    if (data === null) return null;
    try {
      const payload = this.codec === jsonCodec ? decodeJson(data, 'json') : this.codec.decode(data);
      if (this.type === 'json' && Buffer.isBuffer(payload)) {
        throw new DecodeError('the codec produced bytes, not JSON data', this.codec.name);
      }
      return payload;
    } catch (error) {
      throw decodeFailure(error, this.role, this.codec);
    }
  }
}
