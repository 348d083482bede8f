/**
 * Where nested records sit inside a model's values, found once from the schema, so that writing
 * and reading a record only visits the fields that hold nested models.
 */

/** What a nested model must offer to the model that contains it. */
export interface NestedRecord {
  toRepresentation(value: unknown): unknown;
  /** Removes `__faust` from a nested record (and its own nested records), in place. */
  stripNestedMetadata(data: Record<string, unknown>): void;
}

export type Shape =
  | { readonly kind: 'model'; readonly model: NestedRecord }
  | { readonly kind: 'array'; readonly items: Shape }
  | {
      readonly kind: 'object';
      readonly fields: ReadonlyMap<string, Shape>;
      readonly rest: Shape | undefined;
    };

export type ResolveRef = (ref: string) => NestedRecord | undefined;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The nested models reachable from `schema` through `$ref`, `items`, `properties`,
 * `additionalProperties` and single-branch `anyOf`/`oneOf`/`allOf` (the usual nullable field);
 * undefined when there are none. Refs that are not models (plain schemas, internal definitions)
 * are not followed.
 */
export function shapeOf(schema: unknown, resolve: ResolveRef): Shape | undefined {
  if (!isRecord(schema)) return undefined;
  if (typeof schema.$ref === 'string') {
    const model = resolve(schema.$ref);
    return model ? { kind: 'model', model } : undefined;
  }
  for (const keyword of ['anyOf', 'oneOf', 'allOf']) {
    const branches = schema[keyword];
    if (!Array.isArray(branches)) continue;
    const shapes = branches.map((branch) => shapeOf(branch, resolve)).filter((s) => s !== undefined);
    if (shapes.length === 1) return shapes[0];
    if (shapes.length > 1) return undefined; // several record types: which one a value is cannot be told
  }
  const items = shapeOf(schema.items, resolve);
  if (items) return { kind: 'array', items };
  const { fields, rest } = objectShapes(schema, resolve);
  return fields.size > 0 || rest ? { kind: 'object', fields, rest } : undefined;
}

/** The shapes of an object schema's declared properties (those holding models) and of its other properties. */
export function objectShapes(
  schema: Record<string, unknown>,
  resolve: ResolveRef,
): { fields: Map<string, Shape>; rest: Shape | undefined } {
  const fields = new Map<string, Shape>();
  if (isRecord(schema.properties)) {
    for (const [name, property] of Object.entries(schema.properties)) {
      const shape = shapeOf(property, resolve);
      if (shape) fields.set(name, shape);
    }
  }
  return { fields, rest: shapeOf(schema.additionalProperties, resolve) };
}

/** The JSON-ready form of a value of this shape (copies; the value is not changed). */
export function represent(shape: Shape, value: unknown): unknown {
  switch (shape.kind) {
    case 'model':
      return isRecord(value) ? shape.model.toRepresentation(value) : value;
    case 'array': {
      if (!Array.isArray(value)) return value;
      const out = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) out[i] = represent(shape.items, value[i]);
      return out;
    }
    case 'object': {
      if (!isRecord(value)) return value;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        const inner = shape.fields.get(key) ?? shape.rest;
        setProperty(out, key, inner ? represent(inner, value[key]) : value[key]);
      }
      return out;
    }
  }
}

/** Removes `__faust` from the nested records of a decoded value of this shape, in place. */
export function stripNested(shape: Shape, value: unknown): void {
  switch (shape.kind) {
    case 'model':
      if (isRecord(value)) shape.model.stripNestedMetadata(value);
      return;
    case 'array':
      if (Array.isArray(value)) for (const item of value) stripNested(shape.items, item);
      return;
    case 'object':
      if (!isRecord(value)) return;
      for (const key of Object.keys(value)) {
        const inner = shape.fields.get(key) ?? shape.rest;
        if (inner) stripNested(inner, value[key]);
      }
      return;
  }
}

/** Sets an own property, also for the key "__proto__" (which plain assignment would treat as the prototype). */
export function setProperty(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
