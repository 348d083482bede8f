import { createHash } from 'node:crypto';
import type { Topology } from '../topology/index.js';

/** JSON with object keys sorted, so the hash does not depend on key order or whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hash every generated file carries: 16 hex digits of the sha256 of the canonical topology. */
export function topologyHash(topology: Topology): string {
  const { $schema: _editorsOnly, joins, ...rest } = topology;
  // Topologies without joins hash as they did before the joins section existed.
  const content = Object.keys(joins).length > 0 ? { ...rest, joins } : rest;
  return sha256(canonicalJson(content)).slice(0, 16);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
