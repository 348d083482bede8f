import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import draft06MetaSchema from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import ajvDraft04Module from 'ajv-draft-04';
import formatsModule from 'ajv-formats';
import type { FieldError } from './errors.js';
import type { JSONSchema } from './types.js';

type AjvInstance = Ajv | Ajv2019 | Ajv2020;

/** The JSON Schema drafts a model's `$schema` can name (draft-07 when it names none). */
export type Draft = 'draft-04' | 'draft-06' | 'draft-07' | '2019-09' | '2020-12';

/** Each draft's meta-schema URI, as `$schema` names it (a trailing '#' is optional). */
export const DRAFT_URIS: Readonly<Record<Draft, string>> = {
  'draft-04': 'http://json-schema.org/draft-04/schema#',
  'draft-06': 'http://json-schema.org/draft-06/schema#',
  'draft-07': 'http://json-schema.org/draft-07/schema#',
  '2019-09': 'https://json-schema.org/draft/2019-09/schema',
  '2020-12': 'https://json-schema.org/draft/2020-12/schema',
};

/** The draft a schema's `$schema` names; undefined for a `$schema` that names none of them. */
export function draftOf(schema: JSONSchema): Draft | undefined {
  if (schema.$schema === undefined) return 'draft-07';
  const uri = typeof schema.$schema === 'string' ? schema.$schema.replace(/#$/, '') : undefined;
  return (Object.keys(DRAFT_URIS) as Draft[]).find((draft) => DRAFT_URIS[draft].replace(/#$/, '') === uri);
}

/**
 * Validators are compiled once per model. allErrors costs nothing on valid data (measured equal with
 * ajv 8.20 on a 6-field record, ~28 ns) and gives every failing field on invalid data. No coercion, no
 * defaults, no removal: a value is either valid as it is or rejected.
 */
const OPTIONS: Options = {
  allErrors: true,
  strictSchema: true, // a misspelled keyword is an error, not a silently ignored constraint
  strictNumbers: true, // NaN and Infinity are not numbers in a schema
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  allowUnionTypes: true,
  validateFormats: true,
};

/** Annotation keywords json-schema-to-typescript reads; they carry no constraint. */
const ANNOTATIONS = ['tsType', 'tsEnumNames', 'tsExtends'];

// ajv-formats and ajv-draft-04 are CommonJS: their default export is also reachable as `.default`.
const addFormats = formatsModule.default;
const AjvDraft04 = ajvDraft04Module.default;

/**
 * A fresh Ajv for the draft the schema names in `$schema` (draft-07 when it names none; draft-06
 * schemas share draft-07's Ajv, with the draft-06 meta-schema).
 */
export function createAjv(schema: JSONSchema): AjvInstance {
  const draft = draftOf(schema);
  const ajv =
    draft === '2020-12'
      ? new Ajv2020(OPTIONS)
      : draft === '2019-09'
        ? new Ajv2019(OPTIONS)
        : draft === 'draft-04'
          ? (new AjvDraft04(OPTIONS) as unknown as Ajv)
          : new Ajv(OPTIONS);
  if (draft === 'draft-06') ajv.addMetaSchema(draft06MetaSchema);
  addFormats(ajv);
  for (const keyword of ANNOTATIONS) ajv.addKeyword({ keyword, schemaType: ['string', 'array', 'object'] });
  return ajv;
}

export type { AjvInstance, ValidateFunction };

/** Ajv's errors as JSON pointers naming the failing field itself (a missing property is named too). */
export function toFieldErrors(errors: readonly ErrorObject[] | null | undefined): FieldError[] {
  const result: FieldError[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    const field = toFieldError(error);
    const id = `${field.pointer}\u0000${field.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    result.push(field);
  }
  return result;
}

function toFieldError(error: ErrorObject): FieldError {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return {
        pointer: `${error.instancePath}/${escapePointer(String(params.missingProperty))}`,
        message: 'is required',
        keyword: 'required',
      };
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return {
        pointer: `${error.instancePath}/${escapePointer(String(params.additionalProperty ?? params.unevaluatedProperty))}`,
        message: 'is not allowed',
        keyword: error.keyword,
      };
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues : [];
      const listed = allowed.slice(0, 10).map((v) => JSON.stringify(v));
      if (allowed.length > 10) listed.push('...');
      return { pointer: error.instancePath, message: `must be one of ${listed.join(', ')}`, keyword: 'enum' };
    }
    case 'const':
      return {
        pointer: error.instancePath,
        message: `must be ${JSON.stringify(params.allowedValue)}`,
        keyword: 'const',
      };
    default:
      return {
        pointer: error.instancePath,
        message: error.message ?? `fails '${error.keyword}'`,
        keyword: error.keyword,
      };
  }
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
