/**
 * Models: each `schema` must be a JSON Schema of an object that ajv compiles the way the runtime
 * will (`model()` with the other models as `schemas`). Misspelt keywords, bad `type` names and
 * `$ref`s are found by walking the schema, so each gets its own pointer and suggestion; the rest
 * comes from the draft's meta-schema and from compiling.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import {
  type AjvInstance,
  createAjv,
  DRAFT_URIS,
  type Draft,
  draftOf,
  type JSONSchema,
} from '../../../runtime/models/index.js';
import { didYouMean, quoteList } from '../issues.js';
import { joinPointer, splitPointer, unescapePointerSegment } from '../json-source.js';
import { isObject, rawEntry } from '../read.js';
import { type CheckContext, entryPointer } from './context.js';

/** Keywords of drafts 06 to 2020-12, plus the annotations json-schema-to-typescript reads (draft-04 adds `id`). */
const KEYWORDS: ReadonlySet<string> = new Set([
  '$schema',
  '$id',
  '$ref',
  '$comment',
  '$defs',
  '$anchor',
  '$dynamicRef',
  '$dynamicAnchor',
  '$recursiveRef',
  '$recursiveAnchor',
  '$vocabulary',
  'definitions',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
  'items',
  'additionalItems',
  'prefixItems',
  'contains',
  'properties',
  'patternProperties',
  'additionalProperties',
  'propertyNames',
  'dependencies',
  'dependentSchemas',
  'dependentRequired',
  'unevaluatedItems',
  'unevaluatedProperties',
  'type',
  'enum',
  'const',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxContains',
  'minContains',
  'maxProperties',
  'minProperties',
  'required',
  'format',
  'contentEncoding',
  'contentMediaType',
  'contentSchema',
  'title',
  'description',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
  'examples',
  'tsType',
  'tsEnumNames',
  'tsExtends',
]);

const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas'];
const SCHEMA_VALUES = [
  'additionalProperties',
  'additionalItems',
  'contains',
  'propertyNames',
  'if',
  'then',
  'else',
  'not',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SIMPLE_TYPES = ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'];

/** Compiled validators of the models that compiled, by name (tables check defaults with them). */
export type ModelValidators = ReadonlyMap<string, ValidateFunction>;

interface Walk {
  readonly context: CheckContext;
  readonly model: string;
  readonly root: Record<string, unknown>;
  readonly base: string;
  readonly formats: ReadonlySet<string>;
  readonly draft: Draft;
  /** Pointers (inside the model schema) already reported, so the meta-schema does not repeat them. */
  readonly reported: Set<string>;
  /** $ref loops reported (their refs, sorted), so each is reported once. */
  readonly loops: Set<string>;
}

function report(
  walk: Walk,
  pointer: string,
  issue: Omit<Parameters<CheckContext['issues']['add']>[0], 'pointer'>,
) {
  walk.reported.add(pointer);
  walk.context.issues.add({ ...issue, pointer: walk.base + pointer });
}

function resolveLocal(root: Record<string, unknown>, ref: string): boolean {
  return localTarget(root, ref) !== undefined;
}

/** The schema a local `$ref` (`#`, `#/a/b`) points at, or undefined. */
function localTarget(root: Record<string, unknown>, ref: string): unknown {
  const fragment = ref.slice(1);
  if (fragment === '') return root;
  if (!fragment.startsWith('/')) return undefined;
  let current: unknown = root;
  for (const segment of splitPointer(decodeURIComponent(fragment))) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else if (isObject(current) && segment in current) current = current[segment];
    else return undefined;
  }
  return current;
}

/**
 * The loop of local `$ref`s that `ref` starts, as the refs in order and back to the first
 * (`#/definitions/A`, `#/definitions/B`, `#/definitions/A`), or undefined. ajv follows a `$ref`
 * whose target is itself a `$ref` until it reaches a schema; a loop overflows its stack.
 */
function refLoop(root: Record<string, unknown>, ref: string): string[] | undefined {
  const chain: string[] = [];
  let current: unknown = ref;
  while (typeof current === 'string' && current.startsWith('#')) {
    const seen = chain.indexOf(current);
    if (seen >= 0) return [...chain.slice(seen), current];
    chain.push(current);
    const target = localTarget(root, current);
    current = isObject(target) ? target.$ref : undefined;
  }
  return undefined;
}

function checkRef(walk: Walk, pointer: string, ref: unknown): void {
  if (typeof ref !== 'string') return; // the meta-schema says a $ref is text
  const at = joinPointer(pointer, '$ref');
  if (ref.startsWith('#')) {
    if (!resolveLocal(walk.root, ref)) {
      report(walk, at, {
        code: 'FG3007',
        message: `$ref ${JSON.stringify(ref)} points at nothing in this model's schema`,
        fix: 'point at a place that exists (e.g. "#/definitions/Address"), or name a model: {"$ref": "Address"}',
      });
      return;
    }
    const loop = refLoop(walk.root, ref);
    // Reported once, at the $ref where the walk meets the loop first.
    if (loop && !walk.loops.has(loop.slice(0, -1).sort().join('\u0000'))) {
      walk.loops.add(loop.slice(0, -1).sort().join('\u0000'));
      report(walk, at, {
        code: 'FG4034',
        message: `$ref cycle: ${loop.join(' -> ')} never reaches a schema`,
        fix: 'make one of them a schema (e.g. {"type": "object", ...}) instead of another $ref',
      });
    }
    return;
  }
  if (/^[A-Za-z][A-Za-z0-9]*$/.test(ref)) {
    const models = walk.context.names.models;
    const target = walk.context.topology.models[ref]?.schema;
    const targetDraft = target === undefined ? undefined : draftOf(target);
    if (targetDraft !== undefined && validatorOf(targetDraft) !== validatorOf(walk.draft)) {
      report(walk, at, {
        code: 'FG4033',
        message: `model ${JSON.stringify(ref)} is a ${targetDraft} schema; this one is ${walk.draft}, and one validator cannot compile both`,
        fix: `write both models in the same draft ($schema ${JSON.stringify(DRAFT_URIS[walk.draft])} or ${JSON.stringify(DRAFT_URIS[targetDraft])}); draft-06 and draft-07 mix`,
      });
    }
    if (!models.has(ref)) {
      report(walk, at, {
        code: 'FG3001',
        message: `$ref ${JSON.stringify(ref)} names no model`,
        fix: 'name a model declared under "models" (a primitive needs no $ref: write {"type": "string"})',
        suggestion: didYouMean(ref, models),
      });
    }
    return;
  }
  report(walk, at, {
    code: 'FG3007',
    message: `$ref ${JSON.stringify(ref)} is neither a model name nor a local reference`,
    fix: 'name a model ({"$ref": "Account"}) or a place in this schema ({"$ref": "#/definitions/Item"}); other files and URLs are not loaded',
  });
}

function checkType(walk: Walk, pointer: string, type: unknown): void {
  const names = Array.isArray(type) ? type : [type];
  names.forEach((name, index) => {
    if (typeof name !== 'string' || SIMPLE_TYPES.includes(name)) return;
    const at = Array.isArray(type) ? joinPointer(pointer, 'type', index) : joinPointer(pointer, 'type');
    report(walk, at, {
      code: 'FG4028',
      message: `${JSON.stringify(name)} is not a JSON Schema type`,
      fix: `use ${quoteList(SIMPLE_TYPES)}`,
      suggestion: didYouMean(name, SIMPLE_TYPES),
    });
  });
}

function checkPattern(walk: Walk, pointer: string, pattern: string): void {
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    report(walk, joinPointer(pointer, 'pattern'), {
      code: 'FG4028',
      message: `the pattern is not a valid regular expression: ${(error as Error).message}`,
      fix: 'correct the regular expression (JSON Schema patterns are ECMAScript regular expressions, and "\\" is written "\\\\" in JSON)',
    });
  }
}

function walkSchema(walk: Walk, schema: unknown, pointer: string): void {
  if (!isObject(schema)) return; // booleans are schemas too; other values are the meta-schema's to report
  for (const [keyword, value] of Object.entries(schema)) {
    if (!KEYWORDS.has(keyword) && !(keyword === 'id' && walk.draft === 'draft-04')) {
      report(walk, joinPointer(pointer, keyword), {
        code: 'FG4028',
        at: 'key',
        message: `${JSON.stringify(keyword)} is not a JSON Schema keyword`,
        fix: 'correct it, or remove it (an unknown keyword would be silently ignored, so its constraint would not hold)',
        suggestion: didYouMean(keyword, KEYWORDS),
      });
      continue;
    }
    if (keyword === '$ref') checkRef(walk, pointer, value);
    else if (keyword === 'type') checkType(walk, pointer, value);
    else if (keyword === 'pattern' && typeof value === 'string') checkPattern(walk, pointer, value);
    else if (keyword === 'format' && typeof value === 'string' && !walk.formats.has(value)) {
      report(walk, joinPointer(pointer, 'format'), {
        code: 'FG4028',
        message: `${JSON.stringify(value)} is not a format ajv knows`,
        fix: `use a known format such as "date-time", "date", "email", "uri" or "uuid", or remove it`,
        suggestion: didYouMean(value, walk.formats),
      });
    } else if (SCHEMA_MAPS.includes(keyword) && isObject(value)) {
      for (const [name, child] of Object.entries(value))
        walkSchema(walk, child, joinPointer(pointer, keyword, name));
    } else if (keyword === 'dependencies' && isObject(value)) {
      for (const [name, child] of Object.entries(value)) {
        if (!Array.isArray(child)) walkSchema(walk, child, joinPointer(pointer, keyword, name));
      }
    } else if (SCHEMA_VALUES.includes(keyword)) {
      walkSchema(walk, value, joinPointer(pointer, keyword));
    } else if (keyword === 'items') {
      if (Array.isArray(value)) walkList(walk, value, joinPointer(pointer, keyword));
      else walkSchema(walk, value, joinPointer(pointer, keyword));
    } else if (SCHEMA_LISTS.includes(keyword) && Array.isArray(value)) {
      walkList(walk, value, joinPointer(pointer, keyword));
    }
  }
}

function walkList(walk: Walk, schemas: readonly unknown[], pointer: string): void {
  for (const [index, child] of schemas.entries()) walkSchema(walk, child, joinPointer(pointer, index));
}

/** One issue per place the meta-schema rejects, unless the walk already reported it. */
function checkMetaSchema(walk: Walk, schema: JSONSchema, ajv: AjvInstance): void {
  if (ajv.validateSchema(schema)) return;
  const byPlace = new Map<string, ErrorObject>();
  for (const error of ajv.errors ?? []) {
    const current = byPlace.get(error.instancePath);
    const combinator = (keyword: string) => keyword === 'anyOf' || keyword === 'oneOf';
    if (current === undefined || (combinator(current.keyword) && !combinator(error.keyword))) {
      byPlace.set(error.instancePath, error);
    }
  }
  for (const [pointer, error] of byPlace) {
    if ([...walk.reported].some((done) => done === pointer || done.startsWith(`${pointer}/`))) continue;
    const segments = splitPointer(pointer);
    const keyword = segments[segments.length - 1] ?? '(schema)';
    report(walk, pointer, {
      code: 'FG4028',
      message: `${JSON.stringify(unescapePointerSegment(keyword))} has an invalid value: it ${error.message ?? 'does not fit the JSON Schema meta-schema'}`,
      fix: 'give the keyword a value of the form JSON Schema defines for it',
    });
  }
}

function checkObjectType(context: CheckContext, name: string, schema: Record<string, unknown>): boolean {
  if (schema.type === 'object') return true;
  const hasType = 'type' in schema;
  context.issues.add({
    code: 'FG4029',
    pointer: entryPointer('models', name, 'schema', ...(hasType ? ['type'] : [])),
    message: hasType
      ? `the schema's type is ${JSON.stringify(schema.type)}; a model is a record, "object"`
      : 'the schema has no "type": a model is a record, with "type": "object"',
    fix: 'write "type": "object" with the fields under "properties"; a plain value needs no model (use \'string\', \'number\' or \'json\')',
  });
  return false;
}

/**
 * Checks every model; returns the validators of those that compiled (with the models they refer
 * to), for checking table defaults.
 */
export function checkModels(context: CheckContext): ModelValidators {
  const ajvs = new AjvPool();
  const sound = new Map<string, Record<string, unknown>>();
  const namespaces = new Map<string, string>();
  const aliasOwners = new Map<string, string>();
  for (const [name, model] of Object.entries(context.topology.models)) {
    const pointer = entryPointer('models', name);
    if (model.namespace !== undefined) {
      const earlier = namespaces.get(model.namespace);
      if (earlier !== undefined) {
        const explicit = 'namespace' in (rawEntry(context.document, 'models', name) ?? {});
        context.issues.add({
          code: 'FG4003',
          pointer: explicit ? joinPointer(pointer, 'namespace') : pointer,
          at: explicit ? 'value' : 'key',
          message: `models ${JSON.stringify(earlier)} and ${JSON.stringify(name)} have the same namespace ${JSON.stringify(model.namespace)}`,
          fix: 'give each model its own "namespace" (records name their model by it)',
        });
      } else {
        namespaces.set(model.namespace, name);
      }
    }
    checkAliases(context, name, aliasOwners);
    const schema = model.schema;
    if (schema === undefined || !context.usable(joinPointer(pointer, 'schema'))) continue;
    const draft = draftOf(schema);
    if (draft === undefined) {
      unsupportedDraft(context, name, schema.$schema);
      continue;
    }
    const before = context.issues.list.length;
    const ajv = ajvs.for(schema);
    const walk: Walk = {
      context,
      model: name,
      root: schema,
      base: joinPointer(pointer, 'schema'),
      formats: new Set(Object.keys(ajv.formats)),
      draft,
      reported: new Set(),
      loops: new Set(),
    };
    walkSchema(walk, schema, '');
    checkMetaSchema(walk, schema, ajv);
    const isObjectModel = checkObjectType(context, name, schema);
    if (isObjectModel && context.issues.list.length === before) sound.set(name, schema);
  }
  return compileModels(context, sound);
}

/** Draft-06 schemas are compiled by draft-07's validator (they can refer to each other). */
function validatorOf(draft: Draft): Draft {
  return draft === 'draft-06' ? 'draft-07' : draft;
}

function unsupportedDraft(context: CheckContext, name: string, value: unknown): void {
  const uris = Object.values(DRAFT_URIS);
  const text = typeof value === 'string' ? value : '';
  const named = (Object.keys(DRAFT_URIS) as Draft[]).find((draft) => text.includes(draft));
  context.issues.add({
    code: 'FG4032',
    pointer: entryPointer('models', name, 'schema', '$schema'),
    message: `$schema ${JSON.stringify(value)} names no JSON Schema draft faustgen supports (draft-04, draft-06, draft-07, 2019-09, 2020-12)`,
    fix: `name one of ${quoteList(uris)}, or remove "$schema" for draft-07`,
    suggestion: named === undefined ? undefined : DRAFT_URIS[named],
  });
}

/**
 * Every namespace a record can carry names one model: a model's aliases are neither its own
 * namespace nor another model's namespace or alias (the runtime's registry and the readers of a
 * shared topic tell records apart by it). Namespaces of every model are known before aliases are
 * checked, so the order of models in the file does not matter.
 */
function checkAliases(context: CheckContext, name: string, aliasOwners: Map<string, string>): void {
  const models = context.topology.models;
  const model = models[name];
  const aliases = model?.aliases ?? [];
  const owner = (namespace: string): string | undefined => {
    for (const [other, entry] of Object.entries(models)) {
      if (entry.namespace === namespace) return other;
    }
    return undefined;
  };
  aliases.forEach((alias, index) => {
    const pointer = entryPointer('models', name, 'aliases', index);
    const namespaceOf = owner(alias);
    const aliasOf = aliasOwners.get(alias);
    let message: string | undefined;
    if (namespaceOf === name) message = `${JSON.stringify(alias)} is the model's own namespace`;
    else if (namespaceOf !== undefined)
      message = `${JSON.stringify(alias)} is the namespace of model ${JSON.stringify(namespaceOf)}`;
    else if (aliasOf !== undefined)
      message = `${JSON.stringify(alias)} is also an alias of model ${JSON.stringify(aliasOf)}`;
    if (message === undefined) {
      aliasOwners.set(alias, name);
      return;
    }
    context.issues.add({
      code: 'FG4031',
      pointer,
      message,
      fix:
        namespaceOf === name
          ? 'remove it: a model always accepts its own namespace'
          : 'a namespace names one model: remove the alias, or read that topic with the model that owns it',
    });
  });
}

/** Ajv instances by JSON Schema draft: creating one (with its formats) costs more than most checks. */
class AjvPool {
  private readonly instances = new Map<string, AjvInstance>();

  for(schema: JSONSchema): AjvInstance {
    const draft = typeof schema.$schema === 'string' ? schema.$schema : '';
    let ajv = this.instances.get(draft);
    if (ajv === undefined) {
      ajv = createAjv(schema);
      this.instances.set(draft, ajv);
    }
    return ajv;
  }
}

/**
 * Compiles every sound model the way the runtime will, each with the others reachable by name, in
 * one Ajv per draft (so a model referred to by many is compiled once).
 */
function compileModels(
  context: CheckContext,
  sound: ReadonlyMap<string, Record<string, unknown>>,
): ModelValidators {
  const ajvs = new AjvPool();
  const added = new Set<string>();
  for (const [name, schema] of sound) {
    try {
      ajvs.for(schema).addSchema(schema, name);
      added.add(name);
    } catch (error) {
      compileError(context, name, error);
    }
  }
  const validators = new Map<string, ValidateFunction>();
  for (const [name, schema] of sound) {
    const references = context.topology.models[name]?.references ?? [];
    // A model that refers to a broken one cannot be compiled; the broken one has its own error.
    if (!added.has(name) || !references.every((reference) => added.has(reference))) continue;
    try {
      const validate = ajvs.for(schema).getSchema(name);
      if (validate !== undefined) validators.set(name, validate);
    } catch (error) {
      compileError(context, name, error);
    }
  }
  return validators;
}

function compileError(context: CheckContext, name: string, error: unknown): void {
  context.issues.add({
    code: 'FG4028',
    pointer: entryPointer('models', name, 'schema'),
    message:
      error instanceof RangeError
        ? 'ajv cannot compile the schema: it ran out of stack (a loop of references between models, or a schema nested too deeply)'
        : `ajv cannot compile the schema: ${(error as Error).message}`,
    fix: 'correct the schema so that it compiles (the runtime compiles it the same way)',
  });
}
