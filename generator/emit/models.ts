/**
 * The model file: a TypeScript type per model (json-schema-to-typescript) and its `model()`
 * declaration with the schema, namespace and the models its `$ref`s name. Models are declared
 * after the ones they refer to. faustgen's names go through `fg.`; the import is computed (imports.ts).
 */
import { compile } from 'json-schema-to-typescript';
import { toSafeString } from 'json-schema-to-typescript/dist/src/utils.js';
import { blockLiteral, literal, quote, raw } from '../plan/literal.js';
import type { JsonValue, ModelDef, Topology } from '../topology/index.js';

const MAPS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas', 'dependencies'];
const VALUES = [
  'additionalProperties',
  'additionalItems',
  'items',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
];
const LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];

/** Marks the root schema for `customName` (the compiler gives every root an `$id`). */
const ROOT_ID = 'faustgen:model-root';

/** The ASCII PascalCase words of a title ('' when it has none: `Заказ`). */
function asciiName(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/**
 * The schema as the type compiler should see it: `{"$ref": "Model"}` becomes that type's name; the
 * root is named after the model (its title and `$id` never name it); nested titles that have no
 * ASCII letters or digits are dropped (the type is written in place); `$id`s go (they are ajv's).
 * Walks schema keywords only, so data (`enum`, `default`) and property names stay as written.
 */
function forTypeScript(value: JsonValue, models: Topology['models'], root: boolean): JsonValue {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const ref = value.$ref;
  if (typeof ref === 'string' && ref in models) {
    const { $ref: _ref, ...rest } = value;
    return { ...(forTypeScript(rest, models, false) as Record<string, JsonValue>), tsType: ref };
  }
  const out: Record<string, JsonValue> = {};
  for (const [keyword, child] of Object.entries(value)) {
    if (keyword === '$id' || keyword === 'id') continue;
    if (keyword === 'title' && (root || typeof child !== 'string' || asciiName(child) === '')) continue;
    if (MAPS.includes(keyword) && child !== null && typeof child === 'object' && !Array.isArray(child)) {
      out[keyword] = Object.fromEntries(
        Object.entries(child).map(([name, schema]) => [name, forTypeScript(schema, models, false)]),
      );
    } else if (LISTS.includes(keyword) && Array.isArray(child)) {
      out[keyword] = child.map((schema) => forTypeScript(schema, models, false));
    } else if (VALUES.includes(keyword)) {
      out[keyword] = forTypeScript(child, models, false);
    } else {
      out[keyword] = child;
    }
  }
  if (root) out.$id = ROOT_ID;
  return withoutClashingIndex(out);
}

/**
 * An object with declared properties and an index signature (`patternProperties`, or an
 * `additionalProperties` schema) gets `[k: string]: unknown`: TypeScript requires every declared
 * property to fit the index type, which JSON Schema does not.
 */
function withoutClashingIndex(schema: Record<string, JsonValue>): Record<string, JsonValue> {
  const properties = schema.properties;
  const hasProperties =
    properties !== null && typeof properties === 'object' && Object.keys(properties).length > 0;
  const additional = schema.additionalProperties;
  const indexed =
    schema.patternProperties !== undefined || (additional !== null && typeof additional === 'object');
  if (!hasProperties || !indexed) return schema;
  const { patternProperties: _patterns, ...rest } = schema;
  return { ...rest, additionalProperties: true };
}

/**
 * Names of the types the compiler declares: the model's own, else `<Model>_<Title>` (or the
 * definition's or enum property's key), so that no two models' types share a name and none takes
 * a model's name (model names have no '_').
 */
function typeName(model: string) {
  return (schema: { $id?: string; title?: string }, key: string | undefined): string | undefined => {
    if (schema.$id === ROOT_ID) return model;
    const name = asciiName(schema.title ?? key ?? schema.$id ?? '');
    return name === '' ? undefined : `${model}_${name}`;
  };
}

/** Re-indents compiler output (printed unformatted, which is much faster) by brace depth. */
function indent(code: string): string {
  let depth = 0;
  const lines: string[] = [];
  for (const rawLine of code.split('\n')) {
    const line = rawLine.trim();
    if (line === '') {
      lines.push('');
      continue;
    }
    const closing = /^[}\])]/.test(line) ? 1 : 0;
    const continuation = line.startsWith('*') ? ' ' : '';
    lines.push(`${'  '.repeat(Math.max(0, depth - closing))}${continuation}${line}`);
    if (!line.startsWith('*') && !line.startsWith('/*') && !line.startsWith('//')) {
      depth += (line.match(/[{[(]/g) ?? []).length - (line.match(/[}\])]/g) ?? []).length;
    }
  }
  return lines.join('\n');
}

async function modelType(model: ModelDef, topology: Topology): Promise<string> {
  const schema = forTypeScript(model.schema as JsonValue, topology.models, true) as Record<string, JsonValue>;
  const title = typeof model.schema.title === 'string' ? model.schema.title : undefined;
  const description = schema.description ?? model.description ?? title;
  const described = description !== undefined ? { ...schema, description } : schema;
  const code = await compile(described as never, model.name, {
    bannerComment: '',
    format: false,
    additionalProperties: false,
    declareExternallyReferenced: true,
    strictIndexSignatures: true,
    ignoreMinAndMaxItems: true,
    unreachableDefinitions: false,
    enableConstEnums: false, // a const enum cannot be compiled one file at a time (isolatedModules)
    customName: typeName(model.name) as never,
    $refOptions: { resolve: { external: false, file: false, http: false } } as never,
  });
  return indent(renamedRoot(code.trim(), model.name));
}

/** The compiler capitalises a letter after a digit (`Oauth2token` -> `Oauth2Token`): the model keeps its name. */
function renamedRoot(code: string, name: string): string {
  const printed = toSafeString(name);
  return printed === name ? code : code.replace(new RegExp(`\\b${printed}\\b`, 'g'), name);
}

/** Models in dependency order (a model after those it refers to), else file order. */
function ordered(topology: Topology): ModelDef[] {
  const result: ModelDef[] = [];
  const seen = new Set<string>();
  const visit = (model: ModelDef) => {
    if (seen.has(model.name)) return;
    seen.add(model.name);
    for (const ref of model.references) {
      const target = topology.models[ref];
      if (target !== undefined) visit(target);
    }
    result.push(model);
  };
  for (const model of Object.values(topology.models)) visit(model);
  return result;
}

/**
 * Models that refer to themselves, directly or through others: their `model()` gets its `schemas`
 * from a function, called once all are declared.
 */
function inCycles(topology: Topology): Set<string> {
  const reaches = (from: string, target: string, seen: Set<string>): boolean =>
    (topology.models[from]?.references ?? []).some(
      (ref) => ref === target || (!seen.has(ref) && seen.add(ref) && reaches(ref, target, seen)),
    );
  return new Set(Object.keys(topology.models).filter((name) => reaches(name, name, new Set())));
}

export async function emitModels(topology: Topology, header: string): Promise<string> {
  const models = ordered(topology);
  const cyclic = inCycles(topology);
  const types = await Promise.all(models.map((model) => modelType(model, topology)));
  const parts = [header, ''];
  models.forEach((model, index) => {
    parts.push(types[index] as string, '');
    const options = {
      namespace: model.namespace,
      acceptedNamespaces: model.aliases.length > 0 ? model.aliases : undefined,
      includeMetadata: model.includeMetadata ? undefined : false,
      serializer: model.serializer,
      schemas:
        model.references.length === 0
          ? undefined
          : cyclic.has(model.name)
            ? raw(`() => ({ ${model.references.join(', ')} })`)
            : Object.fromEntries(model.references.map((ref) => [ref, raw(ref)])),
    };
    // A model in a cycle names models declared after it, so its type cannot be inferred.
    const annotation = cyclic.has(model.name) ? `: fg.Model<${model.name}>` : '';
    parts.push(
      `export const ${model.name}${annotation} = fg.model<${model.name}>(${quote(model.name)}, ${blockLiteral(
        model.schema as Record<string, unknown>,
        0,
      )}, ${literal(options)});`,
      '',
    );
  });
  if (models.length === 0) parts.push('export {};', '');
  return parts.join('\n');
}
