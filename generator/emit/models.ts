/**
 * The model file: a TypeScript type per model (json-schema-to-typescript) and its `model()`
 * declaration with the schema, namespace and the models its `$ref`s name. Models are declared
 * after the ones they refer to.
 */
import { compile } from 'json-schema-to-typescript';
import { blockLiteral, literal, quote, raw } from '../plan/literal.js';
import type { JsonValue, ModelDef, Topology } from '../topology/index.js';

/** A copy of the schema with each `{"$ref": "Model"}` replaced by a type the compiler prints as is. */
function withTypeReferences(value: JsonValue, models: Topology['models']): JsonValue {
  if (Array.isArray(value)) return value.map((item) => withTypeReferences(item, models));
  if (value !== null && typeof value === 'object') {
    const ref = value.$ref;
    if (typeof ref === 'string' && ref in models) {
      const { $ref: _ref, ...rest } = value;
      return { ...rest, tsType: ref };
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withTypeReferences(v, models)]));
  }
  return value;
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
  const schema = withTypeReferences(model.schema as JsonValue, topology.models) as Record<string, JsonValue>;
  const described =
    model.description !== undefined && schema.description === undefined
      ? { ...schema, description: model.description }
      : schema;
  const code = await compile(described as never, model.name, {
    bannerComment: '',
    format: false,
    additionalProperties: false,
    declareExternallyReferenced: true,
    strictIndexSignatures: true,
    ignoreMinAndMaxItems: true,
    unreachableDefinitions: false,
    $refOptions: { resolve: { external: false, file: false, http: false } } as never,
  });
  return indent(code.trim());
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

export async function emitModels(topology: Topology, header: string): Promise<string> {
  const models = ordered(topology);
  const types = await Promise.all(models.map((model) => modelType(model, topology)));
  const parts = [header, ''];
  if (models.length > 0) parts.push("import { model } from 'faustgen';", '');
  models.forEach((model, index) => {
    parts.push(types[index] as string, '');
    const options = {
      namespace: model.namespace,
      acceptedNamespaces: model.aliases.length > 0 ? model.aliases : undefined,
      includeMetadata: model.includeMetadata ? undefined : false,
      serializer: model.serializer,
      schemas:
        model.references.length > 0
          ? Object.fromEntries(model.references.map((ref) => [ref, raw(ref)]))
          : undefined,
    };
    parts.push(
      `export const ${model.name} = model<${model.name}>(${quote(model.name)}, ${blockLiteral(
        model.schema as Record<string, unknown>,
        0,
      )}, ${literal(options)});`,
      '',
    );
  });
  if (models.length === 0) parts.push('export {};', '');
  return parts.join('\n');
}
