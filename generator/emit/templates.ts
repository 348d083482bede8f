/**
 * Handlebars templates: the package's templates/ folder, each overridable by a file of the same
 * relative name in a project's `.faustgen/templates/`. Compiled once per (file, content).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

export const PROJECT_TEMPLATE_DIR = '.faustgen/templates';

/** The faustgen package folder (holds package.json, templates/, schema/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && existsSync(join(dir, 'templates'))) {
      const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
      if (name === 'faustgen') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`faustgen: cannot find the package folder above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export const TEMPLATE_DIR = (): string => join(packageRoot(), 'templates');

const compiled = new Map<string, HandlebarsTemplateDelegate>();

export interface TemplateSource {
  /** The file the template was read from (a project override or the package's). */
  readonly file: string;
  readonly text: string;
}

export class Templates {
  /** `projectDir`: where `.faustgen/templates/` overrides are looked for; none when undefined. */
  constructor(private readonly projectDir: string | undefined) {}

  /** The template's file: the project's override when there is one. */
  locate(name: string): string {
    if (this.projectDir !== undefined) {
      const override = join(this.projectDir, PROJECT_TEMPLATE_DIR, name);
      if (existsSync(override)) return override;
    }
    const file = join(TEMPLATE_DIR(), name);
    if (!existsSync(file))
      throw new Error(`faustgen: template ${name} not found (looked in ${TEMPLATE_DIR()})`);
    return file;
  }

  source(name: string): TemplateSource {
    const file = this.locate(name);
    return { file, text: readFileSync(file, 'utf8') };
  }

  render(name: string, context: object): string {
    const { file, text } = this.source(name);
    const cacheKey = `${file}\u0000${text}`;
    let template = compiled.get(cacheKey);
    if (template === undefined) {
      template = Handlebars.compile(text, { noEscape: true, strict: false });
      compiled.set(cacheKey, template);
    }
    try {
      return template(context);
    } catch (error) {
      throw new Error(`faustgen: template ${file}: ${(error as Error).message}`);
    }
  }
}
