import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../../generator/emit/templates.js';

export const EXAMPLE_TEXT = readFileSync(join(packageRoot(), 'topology.example.json'), 'utf8');

// biome-ignore lint/suspicious/noExplicitAny: tests edit arbitrary parts of the topology JSON
export type JsonObject = Record<string, any>;

/** The example topology as an object, to change in a test. */
export function exampleTopology(): JsonObject {
  return JSON.parse(EXAMPLE_TEXT) as JsonObject;
}

/** A temp project folder holding `topology` as topology.json; `cleanup()` removes it. */
export function tempProject(topology: JsonObject | string = EXAMPLE_TEXT): {
  dir: string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'faustgen-gen-'));
  writeTopology(dir, topology);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeTopology(dir: string, topology: JsonObject | string): void {
  const text = typeof topology === 'string' ? topology : `${JSON.stringify(topology, null, 2)}\n`;
  writeFileSync(join(dir, 'topology.json'), text);
}
