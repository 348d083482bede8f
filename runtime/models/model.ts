import { type AjvInstance, createAjv, toFieldErrors, type ValidateFunction } from './ajv.js';
import { type FieldError, ValidationError } from './errors.js';
import { getModel, registerModel } from './registry.js';
import {
  isRecord,
  type NestedRecord,
  objectShapes,
  represent,
  type Shape,
  setProperty,
  stripNested,
} from './representation.js';
import type { AnyModel, JSONSchema, Model, ModelOptions, ModelSchemas } from './types.js';

/** A model's validator and nested-record shapes, which need the models its `$ref`s name. */
interface Linked {
  readonly references: ReadonlyMap<string, JSONSchema | AnyModel>;
  readonly check: ValidateFunction;
  readonly fieldShapes: ReadonlyMap<string, Shape> | undefined;
  readonly restShape: Shape | undefined;
}

/**
 * Declares a record type: `name`, its JSON Schema and options; compiles the validator once and
 * registers the model under its namespace. Throws a TypeError for an invalid schema or a `$ref`
 * that `options.schemas` does not provide.
 *
 *   const Payment = model<PaymentT>('Payment', paymentSchema, { namespace: 'payments.Payment' });
 */
export function model<T>(name: string, schema: JSONSchema, options: ModelOptions = {}): Model<T> {
  const created = new RecordModel<T>(name, schema, options);
  registerModel(created as AnyModel);
  return created;
}

export function isModel(value: unknown): value is AnyModel {
  return isRecord(value) && value.kind === 'model' && typeof value.validate === 'function';
}

class RecordModel<T> implements Model<T>, NestedRecord {
  readonly kind = 'model' as const;
  readonly namespace: string;
  readonly includeMetadata: boolean;
  readonly serializer: string | undefined;
  private readonly schemas: NonNullable<ModelOptions['schemas']>;
  /** What depends on the models `$ref`s name; later when they are given by a function. */
  private linked: Linked | undefined;
  private readonly fieldOrder: readonly string[];
  private readonly declared: ReadonlySet<string>;
  /** No properties besides the declared ones can be valid. */
  private readonly closed: boolean;
  private readonly metadata: Readonly<{ ns: string }>;
  private readonly accepted: ReadonlySet<string>;

  constructor(
    readonly name: string,
    readonly schema: JSONSchema,
    options: ModelOptions,
  ) {
    if (!name) throw new TypeError('a model needs a name');
    if (!isRecord(schema)) throw new TypeError(`model '${name}': the schema must be a JSON Schema object`);
    this.namespace = options.namespace ?? name;
    this.includeMetadata = options.includeMetadata ?? true;
    this.serializer = options.serializer;
    this.metadata = Object.freeze({ ns: this.namespace });
    this.accepted = new Set([this.namespace, ...(options.acceptedNamespaces ?? [])]);
    this.schemas = options.schemas ?? {};
    const properties = isRecord(schema.properties) ? schema.properties : {};
    this.fieldOrder = Object.keys(properties);
    this.declared = new Set(this.fieldOrder);
    this.closed = schema.additionalProperties === false && schema.patternProperties === undefined;
    if (typeof this.schemas !== 'function') this.linked = this.link();
  }

  /** The schemas `$ref`s resolve to, including those of nested models (transitively). */
  get references(): ReadonlyMap<string, JSONSchema | AnyModel> {
    return this.parts.references;
  }

  private get parts(): Linked {
    if (this.linked === undefined) this.linked = this.link();
    return this.linked;
  }

  private link(): Linked {
    const references = collectReferences(this.directSchemas());
    const check = compile(this.name, this.schema, references);
    const { fields, rest } = objectShapes(this.schema, (ref) => nestedModel(references, ref));
    return { references, check, fieldShapes: fields.size > 0 ? fields : undefined, restShape: rest };
  }

  /** The `schemas` option as given (resolved when it is a function). */
  directSchemas(): ModelSchemas {
    return typeof this.schemas === 'function' ? this.schemas() : this.schemas;
  }

  validate(value: unknown): T {
    const check = this.parts.check;
    if (check(value)) return value as T;
    throw new ValidationError(this.name, this.namespace, toFieldErrors(check.errors));
  }

  isValid(value: unknown): value is T {
    return this.parts.check(value);
  }

  toRepresentation(value: T): unknown {
    if (!isRecord(value)) return value;
    const out: Record<string, unknown> = {};
    const { fieldShapes: shapes, restShape } = this.parts;
    for (const key of this.fieldOrder) {
      const field = value[key];
      if (field === undefined) continue;
      const shape = shapes?.get(key);
      setProperty(out, key, shape === undefined ? field : represent(shape, field));
    }
    if (!this.closed) {
      for (const key in value) {
        if (this.declared.has(key) || key === '__faust' || !Object.hasOwn(value, key)) continue;
        const field = value[key];
        if (field === undefined) continue;
        setProperty(out, key, restShape === undefined ? field : represent(restShape, field));
      }
    }
    if (this.includeMetadata) out.__faust = this.metadata;
    return out;
  }

  fromRepresentation(data: unknown): T {
    if (isRecord(data)) {
      const metadata = data.__faust;
      if (metadata !== undefined && Object.hasOwn(data, '__faust')) {
        const ns = isRecord(metadata) ? metadata.ns : undefined;
        if (typeof ns === 'string' && !this.accepted.has(ns)) throw this.namespaceMismatch(ns);
        delete data.__faust;
      }
      const { fieldShapes, restShape } = this.parts;
      if (fieldShapes !== undefined || restShape !== undefined) this.stripNestedFields(data);
    }
    return this.validate(data);
  }

  /**
   * Nested records keep whatever namespace they were written with: Faust decodes a nested field as
   * its declared type whatever its `__faust.ns` says, and so do we.
   */
  stripNestedMetadata(data: Record<string, unknown>): void {
    if (Object.hasOwn(data, '__faust')) delete data.__faust;
    const { fieldShapes, restShape } = this.parts;
    if (fieldShapes !== undefined || restShape !== undefined) this.stripNestedFields(data);
  }

  private stripNestedFields(data: Record<string, unknown>): void {
    const { fieldShapes: shapes, restShape: rest } = this.parts;
    if (shapes !== undefined) {
      for (const [key, shape] of shapes) {
        const field = data[key];
        if (field !== undefined && field !== null) stripNested(shape, field);
      }
    }
    if (rest !== undefined) {
      for (const key of Object.keys(data)) if (!this.declared.has(key)) stripNested(rest, data[key]);
    }
  }

  /**
   * A record tagged with a namespace this model does not accept. Faust would decode it as the
   * topic's type whatever its tag; we refuse it (a record of another type that happens to fit the
   * schema is not silently taken for this one) and say how to accept it.
   */
  private namespaceMismatch(ns: string): ValidationError {
    const other = getModel(ns);
    const accepted = [...this.accepted].map((name) => `'${name}'`).join(', ');
    const message =
      other !== undefined
        ? `is '${ns}' (model '${other.name}'), but model '${this.name}' accepts ${accepted}`
        : `is '${ns}', but model '${this.name}' accepts ${accepted}; to accept it, list it in the model's "aliases" (acceptedNamespaces in code)`;
    const error: FieldError = { pointer: '/__faust/ns', message, keyword: 'namespace' };
    return new ValidationError(this.name, this.namespace, [error]);
  }
}

/** The model a `$ref` names, by its key in `schemas` or by its schema's `$id`. */
function nestedModel(
  references: ReadonlyMap<string, JSONSchema | AnyModel>,
  ref: string,
): NestedRecord | undefined {
  const wanted = normalizeRef(ref);
  const target = references.get(wanted);
  if (target instanceof RecordModel) return target;
  for (const entry of references.values()) {
    if (
      entry instanceof RecordModel &&
      typeof entry.schema.$id === 'string' &&
      normalizeRef(entry.schema.$id) === wanted
    ) {
      return entry;
    }
  }
  return undefined;
}

function normalizeRef(ref: string): string {
  return ref.endsWith('#') ? ref.slice(0, -1) : ref;
}

/**
 * The given schemas by reference, plus (transitively) the schemas nested models refer to; each
 * reference is followed once, so models that refer to each other end.
 */
function collectReferences(schemas: ModelSchemas): Map<string, JSONSchema | AnyModel> {
  const references = new Map<string, JSONSchema | AnyModel>();
  const add = (key: string, entry: JSONSchema | AnyModel) => {
    const ref = normalizeRef(key);
    if (references.has(ref)) return;
    references.set(ref, entry);
    if (entry instanceof RecordModel) for (const [k, v] of Object.entries(entry.directSchemas())) add(k, v);
  };
  for (const [key, entry] of Object.entries(schemas)) add(key, entry);
  return references;
}

function compile(name: string, schema: JSONSchema, references: ReadonlyMap<string, JSONSchema | AnyModel>) {
  let ajv: AjvInstance;
  try {
    ajv = createAjv(schema);
    for (const [ref, entry] of references) ajv.addSchema(isModel(entry) ? entry.schema : entry, ref);
    return ajv.compile(schema);
  } catch (error) {
    const message = (error as Error).message;
    const hint = /can't resolve reference/i.test(message)
      ? '; pass the referenced schema or model in options.schemas under that reference'
      : '';
    throw new TypeError(`model '${name}': invalid schema: ${message}${hint}`, { cause: error });
  }
}
