/**
 * Checks the document against the topology's JSON Schema (ajv, every error at once) and turns
 * ajv's errors into topology issues: a stable code, the pointer, what is wrong in words, how to fix
 * it from the schema's own descriptions, and the closest valid name where one is near.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { findSettingByFaustName, isSettingName } from '../../runtime/core/index.js';
import { toCamel } from '../../runtime/core/index.js';
import { DURATION_TEXT } from './durations.js';
import { didYouMean, describeJson, type Issue, quoteList } from './issues.js';
import { joinPointer, splitPointer } from './json-source.js';
import { NAME_RULES } from './names.js';
import { buildTopologySchema, PATTERN_TEXTS, type Schema } from './schema.js';

/** The only names not of a section are route parameters. */
const PARAM_NAME_TEXT = "a letter or '_', then letters, digits or '_'";
import { SETTINGS_OWNED_BY_APP } from './settings-schema.js';
import { SECTIONS, type NamedSection } from './types.js';

export interface ShapeResult {
  readonly issues: Issue[];
  /** Places whose value cannot be trusted by later checks. */
  readonly bad: string[];
}

/** The loader's schema: the published one, with a model's `schema` left to models.ts. */
const SCHEMA = buildTopologySchema({ modelSchema: { type: 'object' } });
const DEFINITIONS = SCHEMA.definitions as Record<string, Schema>;

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled === undefined) {
    const ajv = new Ajv({
      allErrors: true,
      verbose: true,
      discriminator: true,
      allowUnionTypes: true,
      strict: true,
      strictRequired: false,
    });
    ajv.addKeyword({ keyword: 'deprecationMessage', schemaType: 'string' });
    compiled = ajv.compile(SCHEMA);
  }
  return compiled;
}

const VALUE_KEYWORDS = new Set([
  'enum',
  'const',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
]);

export function checkShape(document: unknown): ShapeResult {
  const validate = validator();
  if (validate(document)) return { issues: [], bad: [] };
  const issues: Issue[] = [];
  const bad: string[] = [];
  const errors = validate.errors ?? [];
  // A value of the wrong type also fails its enum, pattern or range: the type error says it all.
  const wrongType = new Set(
    errors.filter((error) => error.keyword === 'type').map((error) => error.instancePath),
  );
  for (const error of errors) {
    if (VALUE_KEYWORDS.has(error.keyword) && wrongType.has(error.instancePath)) continue;
    const mapped = mapError(error, document);
    if (mapped === undefined) continue;
    issues.push(mapped.issue);
    if (mapped.bad !== undefined) bad.push(mapped.bad);
  }
  return { issues, bad };
}

function resolve(schema: Schema | undefined): Schema | undefined {
  let current = schema;
  let description: unknown;
  for (let depth = 0; current !== undefined && typeof current.$ref === 'string' && depth < 10; depth++) {
    description ??= current.description;
    const name = current.$ref.replace('#/definitions/', '');
    current = DEFINITIONS[name];
  }
  if (current === undefined) return undefined;
  return description !== undefined ? { ...current, description } : current;
}

/** The schema of the value at `pointer` (following refs and choosing a window's branch by its type). */
function schemaAt(pointer: string, document: unknown): Schema | undefined {
  let schema = resolve(SCHEMA);
  let value: unknown = document;
  for (const segment of splitPointer(pointer)) {
    if (schema === undefined) return undefined;
    schema = branch(schema, value);
    const properties = schema.properties as Record<string, Schema> | undefined;
    if (properties?.[segment] !== undefined) {
      schema = resolve(properties[segment]);
    } else if (typeof schema.additionalProperties === 'object') {
      schema = resolve(schema.additionalProperties as Schema);
    } else if (typeof schema.items === 'object') {
      schema = resolve(schema.items as Schema);
    } else {
      return undefined;
    }
    value =
      value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
  }
  return schema === undefined ? undefined : branch(schema, value);
}

function branch(schema: Schema, value: unknown): Schema {
  const discriminator = schema.discriminator as { propertyName: string } | undefined;
  if (discriminator === undefined || value === null || typeof value !== 'object') return schema;
  const tag = (value as Record<string, unknown>)[discriminator.propertyName];
  for (const option of (schema.oneOf as Schema[]) ?? []) {
    const resolved = resolve(option);
    const properties = resolved?.properties as Record<string, Schema> | undefined;
    if (properties?.[discriminator.propertyName]?.const === tag) return resolved!;
  }
  return schema;
}

function discriminatorValues(schema: Schema): string[] {
  const tag = (schema.discriminator as { propertyName: string }).propertyName;
  return ((schema.oneOf as Schema[]) ?? []).map((option) => {
    const properties = resolve(option)?.properties as Record<string, Schema>;
    return String(properties[tag]?.const);
  });
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

function typeWords(type: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  return types.map((name) => TYPE_WORDS[String(name)] ?? String(name)).join(' or ');
}

/** What a place takes, in words, e.g. "a whole number of at least 1". */
export function expectedText(schema: Schema | undefined): string {
  if (schema === undefined) return 'a value of the documented form';
  if (schema.title === 'duration') return DURATION_TEXT;
  if (schema.title === 'type') return "a model name or one of 'string', 'number', 'bytes', 'json'";
  if (schema.title === 'codec') return "a codec name: 'json', 'raw', 'binary' or one declared in codecs";
  if (Array.isArray(schema.enum)) return `one of ${quoteList(schema.enum)}`;
  if (typeof schema.pattern === 'string' && PATTERN_TEXTS[schema.pattern] !== undefined) {
    return PATTERN_TEXTS[schema.pattern]!;
  }
  let text = schema.type === undefined ? 'any JSON value' : typeWords(schema.type);
  if (typeof schema.minimum === 'number' && typeof schema.maximum === 'number') {
    text += ` from ${schema.minimum} to ${schema.maximum}`;
  } else if (typeof schema.minimum === 'number') {
    text += ` of at least ${schema.minimum}`;
  }
  if (schema.type === 'array' && typeof schema.items === 'object') {
    const items = resolve(schema.items as Schema);
    if (items?.title !== undefined) text += ` of ${items.title}s`;
  }
  return text;
}

function withDescription(text: string, schema: Schema | undefined): string {
  const description = schema?.description;
  return typeof description === 'string' ? `${text} — ${description}` : text;
}

/** The section a pointer is in and whether it names one of its entries, e.g. /topics/x -> topics. */
function sectionOf(pointer: string): NamedSection | undefined {
  const [first] = splitPointer(pointer);
  return SECTIONS.includes(first as NamedSection) && first !== 'app' ? (first as NamedSection) : undefined;
}

function lastSegment(pointer: string): string {
  const segments = splitPointer(pointer);
  return segments[segments.length - 1] ?? '';
}

/** A valid name close to an invalid one: the same words, as the section spells names. */
function repairName(name: string, section: NamedSection | undefined): string | undefined {
  const words = name.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
  while (words.length > 0 && /^\d/.test(words[0]!)) words[0] = words[0]!.replace(/^\d+/, '');
  const clean = words.filter((word) => word !== '');
  if (clean.length === 0) return undefined;
  const repaired =
    section === 'models'
      ? clean.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('')
      : section === undefined
        ? clean.join('_')
        : clean.join('-');
  return repaired !== name ? repaired : undefined;
}

interface Mapped {
  issue: Issue;
  bad?: string;
}

function mapError(error: ErrorObject, document: unknown): Mapped | undefined {
  const params = error.params as Record<string, unknown>;
  const pointer = error.instancePath;
  const parent = error.parentSchema as Schema | undefined;
  switch (error.keyword) {
    case 'additionalProperties':
      return { issue: unknownProperty(pointer, String(params.additionalProperty), parent) };
    case 'required': {
      const missing = String(params.missingProperty);
      const target = joinPointer(pointer, missing);
      const schema = resolve((parent?.properties as Record<string, Schema> | undefined)?.[missing]);
      const tag = (parent?.discriminator as { propertyName?: string } | undefined)?.propertyName;
      const expected =
        tag === missing
          ? `one of ${quoteList(discriminatorValues(parent!))}`
          : withDescription(expectedText(schema), schema);
      return {
        issue: {
          code: 'FG2002',
          pointer,
          at: 'key',
          message: `the required property ${JSON.stringify(missing)} is missing`,
          fix: `add ${JSON.stringify(missing)}: ${expected}`,
        },
        bad: target,
      };
    }
    case 'type': {
      const schema = schemaAt(pointer, document) ?? parent;
      return {
        issue: {
          code: 'FG2003',
          pointer,
          message: `expected ${typeWords(params.type)}, got ${describeJson(error.data)}`,
          fix: `write ${withDescription(expectedText(schema), schema)}`,
        },
        bad: pointer,
      };
    }
    case 'enum':
    case 'const': {
      const allowed = (error.keyword === 'enum' ? params.allowedValues : [params.allowedValue]) as unknown[];
      const strings = allowed.filter((value): value is string => typeof value === 'string');
      const suggestion = typeof error.data === 'string' ? didYouMean(error.data, strings) : undefined;
      return {
        issue: {
          code: 'FG2004',
          pointer,
          message: `${describeJson(error.data)} is not allowed here`,
          fix: `use ${quoteList(allowed)}`,
          suggestion,
        },
        bad: pointer,
      };
    }
    case 'discriminator': {
      if (params.tagValue === undefined) return undefined; // the missing tag is a `required` error
      const tag = String(params.tag);
      const target = joinPointer(pointer, tag);
      if (params.error === 'tag') {
        return {
          issue: {
            code: 'FG2003',
            pointer: target,
            message: `expected text, got ${describeJson(params.tagValue)}`,
            fix: `write one of ${quoteList(discriminatorValues(parent!))}`,
          },
          bad: pointer,
        };
      }
      const values = discriminatorValues(parent!);
      return {
        issue: {
          code: 'FG2004',
          pointer: target,
          message: `${describeJson(params.tagValue)} is not a ${parent?.title ?? 'known'} ${tag}`,
          fix: `use ${quoteList(values)}`,
          suggestion: typeof params.tagValue === 'string' ? didYouMean(params.tagValue, values) : undefined,
        },
        bad: pointer,
      };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const schema = schemaAt(pointer, document) ?? parent;
      return {
        issue: {
          code: 'FG2005',
          pointer,
          message: `${describeJson(error.data)} is out of range: it ${error.message}`,
          fix: `write ${withDescription(expectedText(schema), schema)}`,
        },
        bad: pointer,
      };
    }
    case 'pattern':
    case 'maxLength':
    case 'minLength':
      if (error.propertyName !== undefined) return { issue: invalidName(pointer, error.propertyName, error) };
      return { issue: invalidFormat(pointer, error, document), bad: pointer };
    case 'minItems':
      return { issue: invalidFormat(pointer, error, document), bad: pointer };
    case 'propertyNames':
      return undefined; // reported through the inner pattern/maxLength error, which names the key
    case 'uniqueItems': {
      const later = Math.max(Number(params.i), Number(params.j));
      const earlier = Math.min(Number(params.i), Number(params.j));
      const item = Array.isArray(error.data) ? error.data[later] : undefined;
      return {
        issue: {
          code: 'FG2008',
          pointer: joinPointer(pointer, later),
          message: `${describeJson(item)} is listed twice (also item ${earlier})`,
          fix: 'remove one of them',
        },
      };
    }
    case 'minProperties':
    case 'maxProperties': {
      const choices = Object.keys((parent?.properties as Record<string, Schema> | undefined) ?? {});
      const given = error.data !== null && typeof error.data === 'object' ? Object.keys(error.data) : [];
      return {
        issue: {
          code: 'FG2009',
          pointer,
          message:
            given.length === 0
              ? `names nothing: it needs exactly one of ${quoteList(choices)}`
              : `names ${quoteList(given, 'and')}: it needs exactly one of ${quoteList(choices)}`,
          fix: `keep exactly one of ${quoteList(choices)}, e.g. {${JSON.stringify(choices[0])}: "name"}`,
        },
        bad: pointer,
      };
    }
    default:
      return {
        issue: {
          code: 'FG2007',
          pointer,
          message: `invalid value: it ${error.message ?? 'does not match the schema'}`,
          fix: `write ${expectedText(schemaAt(pointer, document) ?? parent)}`,
        },
        bad: pointer,
      };
  }
}

function unknownProperty(pointer: string, property: string, parent: Schema | undefined): Issue {
  const target = joinPointer(pointer, property);
  const known = Object.keys((parent?.properties as Record<string, Schema> | undefined) ?? {});
  if (pointer === '/app/settings') {
    const owner = SETTINGS_OWNED_BY_APP[property];
    if (owner !== undefined) {
      return {
        code: 'FG2001',
        pointer: target,
        at: 'key',
        message: `${JSON.stringify(property)} is not set under settings: the topology has ${owner} for it`,
        fix: `move the value to ${owner}`,
      };
    }
    const faust = findSettingByFaustName(property);
    const camel = toCamel(property);
    const suggestion =
      faust?.name ?? (isSettingName(camel) && camel !== property ? camel : didYouMean(property, known));
    return {
      code: 'FG2001',
      pointer: target,
      at: 'key',
      message:
        faust !== undefined
          ? `${JSON.stringify(property)} is Faust's name of a setting; the topology uses camelCase names`
          : `there is no setting ${JSON.stringify(property)}`,
      fix: 'use a setting name from docs/settings.md (camelCase), or remove it',
      suggestion,
    };
  }
  const listing = known.length <= 16 ? `; known here: ${known.join(', ')}` : '';
  const where = pointer === '' ? 'at the top level of the topology' : 'here';
  return {
    code: 'FG2001',
    pointer: target,
    at: 'key',
    message: `there is no property ${JSON.stringify(property)} ${where}${listing}`,
    fix: 'remove it, or rename it to a known property (docs/topology.md lists them)',
    suggestion: didYouMean(property, known),
  };
}

function invalidName(pointer: string, name: string, error: ErrorObject): Issue {
  const target = joinPointer(pointer, name);
  const section = splitPointer(pointer).length === 1 ? sectionOf(pointer) : undefined;
  const rule = section !== undefined ? NAME_RULES[section].text : PARAM_NAME_TEXT;
  const what = section !== undefined ? `${section.replace(/s$/, '')} name` : 'parameter name';
  const tooLong = error.keyword === 'maxLength';
  return {
    code: 'FG2006',
    pointer: target,
    at: 'key',
    message: tooLong
      ? `the ${what} ${JSON.stringify(name)} is longer than ${(error.params as { limit: number }).limit} characters`
      : `${JSON.stringify(name)} is not a valid ${what}`,
    fix: `rename it: ${what}s are ${rule}`,
    suggestion: tooLong ? undefined : repairName(name, section),
  };
}

function invalidFormat(pointer: string, error: ErrorObject, document: unknown): Issue {
  const schema = schemaAt(pointer, document) ?? (error.parentSchema as Schema | undefined);
  const params = error.params as Record<string, unknown>;
  const property = lastSegment(pointer);
  let message: string;
  switch (error.keyword) {
    case 'minLength':
      message = 'must not be empty';
      break;
    case 'maxLength':
      message = `is longer than ${params.limit} characters`;
      break;
    case 'minItems':
      message = `must have at least ${params.limit} item${params.limit === 1 ? '' : 's'}`;
      break;
    default:
      message = `${describeJson(error.data)} is not ${PATTERN_TEXTS[String(params.pattern)] ?? `of the form ${String(params.pattern)}`}`;
  }
  return {
    code: 'FG2007',
    pointer,
    message: error.keyword === 'pattern' ? message : `${JSON.stringify(property)} ${message}`,
    fix: `write ${withDescription(expectedText(schema), schema)}`,
  };
}
