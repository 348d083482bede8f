/**
 * Comment lines in generated code fit the line width biome formats to (biome never reflows a
 * comment): wrapLongComments on its own, then no line of the example or of the 200-topic topology
 * past 110 characters, and no comment line past it for descriptions of any length.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { benchTopology } from '../../../../bench/codegen-topology.js';
import { biomeCommand, lineWidth, PROJECT_BIOME_CONFIG } from '../../../../generator/emit/printer.js';
import { TEMPLATE_DIR } from '../../../../generator/emit/templates.js';
import { wrapLongComments, wrapWords } from '../../../../generator/emit/wrap-comments.js';
import { generateProject } from '../../../../generator/write/project.js';
import { exampleTopology, type JsonObject, tempProject } from '../support.js';

const WIDTH = 110;

describe('wrapLongComments', () => {
  it('wraps a long // line at spaces, keeping its indentation and marker', () => {
    const text = `  // ${'word '.repeat(10).trim()}`;
    assert.equal(
      wrapLongComments(text, 24),
      ['  // word word word word', '  // word word word word', '  // word word'].join('\n'),
    );
  });

  it('wraps a long line of a block comment with the same " * " prefix', () => {
    const text = ['/**', ` * ${'alpha beta gamma '.repeat(3).trim()}`, ' */'].join('\n');
    assert.equal(
      wrapLongComments(text, 30),
      ['/**', ' * alpha beta gamma alpha beta', ' * gamma alpha beta gamma', ' */'].join('\n'),
    );
  });

  it('turns a long one-line /** ... */ into a block', () => {
    assert.equal(
      wrapLongComments('    /** one two three four five six */', 20),
      ['    /**', '     * one two three', '     * four five six', '     */'].join('\n'),
    );
  });

  it('leaves code, short comments and comment markers inside code alone', () => {
    const text = [
      "const url = 'http://example.com'; // a trailing comment is code's line",
      '// short',
      "  help: 'a long string literal is no comment at all, however long it is',",
    ].join('\n');
    assert.equal(wrapLongComments(text, 20), text);
  });

  it('gives a word longer than the room a line of its own', () => {
    assert.deepEqual(wrapWords('a https://example.com/long/path b', 10), [
      'a',
      'https://example.com/long/path',
      'b',
    ]);
  });

  it("uses the project's biome.json line width", () => {
    assert.equal(lineWidth(readFileSync(join(TEMPLATE_DIR(), PROJECT_BIOME_CONFIG), 'utf8')), WIDTH);
  });
});

/** Every line of the .ts files under `dir`/src, with its file and number. */
function sourceLines(dir: string): { where: string; line: string }[] {
  const lines: { where: string; line: string }[] = [];
  for (const entry of readdirSync(join(dir, 'src'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'utf8').split('\n');
    for (const [i, line] of text.entries())
      lines.push({ where: `${file.slice(dir.length + 1)}:${i + 1}`, line });
  }
  return lines;
}

const tooLong = (lines: { where: string; line: string }[]) =>
  lines
    .filter(({ line }) => line.length > WIDTH)
    .map(({ where, line }) => `${where} (${line.length}): ${line}`);

async function generated(topology: JsonObject): Promise<{ dir: string; cleanup: () => void }> {
  const project = tempProject(topology);
  const result = await generateProject({ projectDir: project.dir });
  assert.equal(result.status, 'written', JSON.stringify(result.errors));
  return project;
}

const LONG_DESCRIPTION =
  'Written by someone who explains a lot, in one long line of topology.json that goes well past the width ' +
  'of the generated code, with a link that cannot be broken: ' +
  'https://example.com/docs/streams/payments/scoring/why-we-keep-totals-per-account.html, and then more.';

/** The example with a long description on every item and model, and in a model's schema. */
function longDescriptions(): JsonObject {
  const topology = exampleTopology();
  for (const section of [
    'models',
    'topics',
    'tables',
    'agents',
    'routes',
    'timers',
    'tasks',
    'services',
    'crontabs',
    'codecs',
  ]) {
    for (const item of Object.values((topology[section] ?? {}) as JsonObject))
      item.description = LONG_DESCRIPTION;
  }
  topology.models.Payment.schema.properties.amount.description = LONG_DESCRIPTION;
  return topology;
}

describe('generated lines fit the line width', () => {
  it('the example: no line of src/ is longer than 110 characters', async () => {
    const { dir, cleanup } = await generated(exampleTopology());
    try {
      assert.deepEqual(tooLong(sourceLines(dir)), []);
    } finally {
      cleanup();
    }
  });

  it('200 topics, 150 agents, 100 routes: no line of src/ is longer than 110 characters', async () => {
    const { dir, cleanup } = await generated(benchTopology() as JsonObject);
    try {
      assert.deepEqual(tooLong(sourceLines(dir)), []);
    } finally {
      cleanup();
    }
  });

  it('long descriptions: every comment line fits but for an unbreakable word, and biome changes nothing', async () => {
    const { dir, cleanup } = await generated(longDescriptions());
    try {
      const comments = sourceLines(dir).filter(({ line }) => /^\s*(\/\/|\*|\/\*\*)/.test(line));
      const long = comments.filter(({ line }) => !/^\s*(\/\/|\*) \S+$/.test(line));
      assert.deepEqual(tooLong(long), []);
      assert.ok(
        comments.some(({ line }) => line.includes('why-we-keep-totals')),
        'the descriptions are in the comments',
      );
      copyFileSync(join(TEMPLATE_DIR(), PROJECT_BIOME_CONFIG), join(dir, 'biome.json'));
      const { file, prefix } = biomeCommand();
      const check = spawnSync(file, [...prefix, 'format', '--colors=off', 'src'], {
        cwd: dir,
        encoding: 'utf8',
      });
      assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
    } finally {
      cleanup();
    }
  });
});
