/**
 * The generated code and the scaffolded stubs type-check against the runtime, for the example and
 * for topologies that use the corners the example does not (no sections at all; agent sinks to
 * agents, channels of json, set-global and now-relative windowed tables, two methods on one path,
 * integer params, request models).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateProject } from '../../../../generator/write/project.js';
import { EXAMPLE_TEXT, type JsonObject, tempProject } from '../support.js';
import { prepareProject, runTsc } from './tsc.js';

async function typeCheck(topology: JsonObject | string): Promise<void> {
  const { dir, cleanup } = tempProject(topology);
  try {
    const result = await generateProject({ projectDir: dir });
    assert.deepEqual(result.errors, []);
    prepareProject(dir, false);
    writeFileSync(
      join(dir, 'src', 'main.ts'),
      "import { app } from './generated/index.js';\n\nawait app.main([]);\n",
    );
    await runTsc(dir);
  } finally {
    cleanup();
  }
}

describe('generated projects type-check', () => {
  it('the example with its scaffolded stubs', () => typeCheck(EXAMPLE_TEXT));

  it('a topology with nothing but the app', () => typeCheck({ app: { id: 'empty' } }));

  it('one name in every section (the naming scheme keeps their identifiers apart)', () =>
    typeCheck({
      app: { id: 'payments' },
      models: { Payments: { schema: { type: 'object', properties: { id: { type: 'string' } } } } },
      topics: { payments: { valueType: 'Payments' } },
      channels: { payments: { valueType: 'Payments' } },
      tables: {
        payments: { keyType: 'string', valueType: 'number', window: { type: 'tumbling', size: 60 } },
      },
      agents: {
        payments: { source: { topic: 'payments' }, tables: ['payments'], sinks: [{ channel: 'payments' }] },
      },
      tasks: { payments: { tables: ['payments'] } },
      services: { payments: {} },
      routes: {
        payments: { method: 'GET', path: '/payments/:id', params: { id: 'string' }, response: 'Payments' },
      },
    }));

  it('a topology using the corners the example does not', () =>
    typeCheck({
      app: { id: 'corners' },
      models: {
        Thing: { schema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] } },
        // Names faustgen's API uses too.
        Topic: { schema: { type: 'object', properties: { title: { type: 'string' } } } },
        Stream: { schema: { type: 'object', properties: { topic: { $ref: 'Topic' } } } },
      },
      topics: { inbox: { valueType: 'Thing' }, out: { keyType: 'string', valueType: 'json' } },
      channels: { c: { valueType: 'json' }, s: { keyType: 'string', valueType: 'Stream' } },
      tables: {
        t: { kind: 'setGlobal', keyType: 'string', valueType: 'string' },
        w: {
          keyType: 'string',
          valueType: 'number',
          default: 0,
          window: { type: 'tumbling', size: '1m', relativeTo: 'now' },
        },
      },
      agents: {
        a: { source: { topic: 'inbox' }, sinks: [{ agent: 'b' }], tables: ['w'] },
        b: { source: { topic: 'out' }, sinks: [{ channel: 'c' }] },
        cc: { source: { channel: 'c' }, tables: ['t'], sendsTo: ['out'] },
        ss: { source: { channel: 's' } },
      },
      routes: {
        r: {
          method: 'POST',
          path: '/things/:id',
          params: { id: 'integer' },
          request: 'Thing',
          response: 'Thing',
          sendsTo: ['inbox'],
        },
        r2: { method: 'GET', path: '/things/:id', params: { id: 'integer' } },
        r3: { method: 'PUT', path: '/topics', request: 'Topic', response: 'Stream' },
      },
    }));
});
