/**
 * Renders a topology into file contents: the files of src/generated/ and the scaffold-once stubs.
 * Nothing here touches the project folder except reading template overrides.
 */
import {
  CODECS_STUB,
  type GenerationPlan,
  planGeneration,
  STUB_SECTIONS,
  type StubKind,
} from '../plan/plan.js';
import type { JoinDef, Topology } from '../topology/index.js';
import { normalizeSource } from './format.js';
import { withImports } from './imports.js';
import { emitModels } from './models.js';
import { Templates } from './templates.js';

export interface RenderedFile {
  readonly path: string;
  /** As the templates and emitters print it; generate formats it with biome (emit/printer.ts). */
  readonly content: string;
}

export interface RenderedStub extends RenderedFile {
  /** 'codecs': src/codecs.ts, which registers the codecs topology.json declares. */
  readonly kind: StubKind | 'codecs';
  readonly name: string;
  readonly helper: string;
  /** For the codecs stub: the codecs it must register. */
  readonly codecs?: readonly string[];
}

export interface Rendered {
  readonly plan: GenerationPlan;
  /** src/generated/ files (without the manifest), in plan order. */
  readonly files: readonly RenderedFile[];
  readonly stubs: readonly RenderedStub[];
}

export interface RenderOptions {
  /** The project folder, for `.faustgen/templates/` overrides. */
  readonly projectDir?: string;
}

/** What an agent's stub comment says of the join it reads. */
function joinText(join: JoinDef | undefined): string | undefined {
  if (join === undefined) return undefined;
  const kind = `${join.kind === 'left' ? 'A' : 'An'} ${join.kind}`;
  if (join.type === 'windowed') {
    return `${kind} windowed join of topics ${join.left.topic} and ${join.right.topic}.`;
  }
  if (join.type === 'stream-table') {
    return `${kind} join: each event of topic ${join.left.topic} with table ${join.right.table}'s value of its key.`;
  }
  return undefined;
}

const noComment = (text: string | undefined) => text?.replace(/\*\//g, '* /').replace(/\s+/g, ' ');

export async function renderTopology(topology: Topology, options: RenderOptions = {}): Promise<Rendered> {
  const plan = planGeneration(topology);
  const templates = new Templates(options.projectDir);
  const files: RenderedFile[] = [];
  for (const file of plan.generated) {
    const content =
      file.template === 'models'
        ? await emitModels(topology, plan.context.header)
        : templates.render(file.template, plan.context);
    const imported = file.module === undefined ? content : withImports(content, plan.imports, file.module);
    files.push({ path: file.path, content: normalizeSource(imported) });
  }
  const stubs = plan.stubs.map((stub): RenderedStub => {
    const item = topology[STUB_SECTIONS[stub.kind]][stub.name] as { description?: string; source?: object };
    const source = item.source as { topic?: string; channel?: string; join?: string } | undefined;
    const route = stub.kind === 'views' ? topology.routes[stub.name] : undefined;
    const join = source?.join === undefined ? undefined : topology.joins[source.join];
    const context = {
      name: stub.name,
      method: route?.method,
      path: route?.path,
      description: noComment(item.description),
      sourceText:
        source?.topic !== undefined
          ? `topic ${source.topic}`
          : source?.channel !== undefined
            ? `channel ${source.channel}`
            : `join ${source?.join ?? ''}`,
      joinText: joinText(join),
      streamTableJoin: join?.type === 'stream-table',
      windowedJoin: join?.type === 'windowed',
    };
    return {
      path: stub.path,
      kind: stub.kind,
      name: stub.name,
      helper: stub.helper,
      content: normalizeSource(templates.render(stub.template, context)),
    };
  });
  const codecs = Object.values(topology.codecs).map((codec) => ({
    name: codec.name,
    description: noComment(codec.description),
  }));
  if (codecs.length > 0) {
    stubs.push({
      path: CODECS_STUB,
      kind: 'codecs',
      name: 'codecs',
      helper: 'registerCodec',
      codecs: codecs.map((codec) => codec.name),
      content: normalizeSource(templates.render('stubs/codecs.ts.hbs', { codecs })),
    });
  }
  return { plan, files, stubs };
}
