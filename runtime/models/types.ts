/** A JSON Schema object (draft-07 by default; draft-04, draft-06, 2019-09 and 2020-12 when `$schema` names them). */
export type JSONSchema = { readonly [keyword: string]: unknown };

/** The schemas and models `$ref`s resolve to, by the reference string. */
export type ModelSchemas = Readonly<Record<string, JSONSchema | Model<unknown>>>;

export interface ModelOptions {
  /**
   * The name written in `"__faust": {"ns": ...}` and looked up in the model registry. Python Faust
   * uses `module.ClassName`; give that here to share topics with a Python service. Default: the name.
   */
  namespace?: string;
  /** Append `"__faust": {"ns": namespace}` when writing a record, as Faust does by default. Default true. */
  includeMetadata?: boolean;
  /**
   * Schemas this model's schema refers to with `$ref`, by the reference string (`{"$ref": "Address"}`).
   * A Model here is also a nested record: it is written with its own `__faust` metadata, as Faust
   * writes nested records, and its metadata is removed from incoming data before validation.
   * Models that refer to each other (or to themselves) give a function returning them instead: it
   * is called when the model is first used, once all are declared (and schema errors show then).
   */
  schemas?: ModelSchemas | (() => ModelSchemas);
  /**
   * Other namespaces accepted in incoming `__faust.ns`, besides `namespace`: the Python class of a
   * Faust app sharing the topic (`payments_py.Payment`), the old name of a renamed class. A record
   * without `__faust` is accepted too; one tagged with any other namespace is a ValidationError
   * (kind 'namespace'). Accepted records are validated by the schema. The topology's `aliases`.
   */
  acceptedNamespaces?: readonly string[];
  /** The codec this model is always written with, overriding the topic's (Faust's model `serializer`). */
  serializer?: string;
}

/** A record type: a name, its JSON Schema, a compiled validator, and Faust's record representation. */
export interface Model<T> {
  readonly kind: 'model';
  readonly name: string;
  readonly namespace: string;
  readonly schema: JSONSchema;
  readonly includeMetadata: boolean;
  readonly serializer: string | undefined;
  /** Returns `value` (not a copy) when it matches the schema; throws a ValidationError otherwise. */
  validate(value: unknown): T;
  isValid(value: unknown): value is T;
  /**
   * The JSON-ready form Faust writes: a copy with the schema's properties in declared order, then any
   * other properties, then `"__faust": {"ns": namespace}` when includeMetadata. Nested models listed
   * in `schemas` get their own metadata. Does not validate.
   */
  toRepresentation(value: T): unknown;
  /**
   * Accepts a decoded record: checks and removes `__faust` (in place, also from nested models listed
   * in `schemas`), then validates. A record of another namespace is a ValidationError naming both.
   */
  fromRepresentation(data: unknown): T;
}

/** A model of any record type (for registries and type specs). */
export type AnyModel = Model<unknown>;
