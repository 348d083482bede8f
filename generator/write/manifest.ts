/**
 * src/generated/manifest.json: what the last generation wrote (files and their hashes) and the
 * parts of the topology that state depends on, so the next generation can prune stale files and
 * refuse breaking changes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE } from '../plan/plan.js';
import type { Topology } from '../topology/index.js';

export interface TableState {
  readonly kind: string;
  readonly keyType: string | null;
  /** e.g. `hopping 3600/600`, or null when the table has no window. */
  readonly window: string | null;
  /** Changelog partitions (null: the topicPartitions setting). */
  readonly partitions: number | null;
  /**
   * The changelog codecs (undefined in topologies means json). Absent in manifests written before
   * they were recorded.
   */
  readonly keySerializer?: string;
  readonly valueSerializer?: string;
  /** The value type (a primitive or a model name; undefined in topologies means json). Absent in older manifests. */
  readonly valueType?: string;
}

/** What persisted state (changelogs, offsets, stores) depends on. */
export interface StateSnapshot {
  readonly appVersion: number;
  readonly tables: Readonly<Record<string, TableState>>;
  /** Partition counts of the topics agents read (null: the topicPartitions setting). */
  readonly sourceTopics: Readonly<Record<string, number | null>>;
  /**
   * The `topicPartitions` setting as topology.json sets it (null: the runtime's default), which
   * every table and topic without its own partitions uses. Absent in older manifests.
   */
  readonly topicPartitions?: number | null;
}

export interface Manifest {
  readonly generator: 'faustgen';
  readonly topologyHash: string;
  /** Generated files (project-relative) and the sha256 of their content. */
  readonly files: Readonly<Record<string, string>>;
  readonly state: StateSnapshot;
}

export function stateOf(topology: Topology): StateSnapshot {
  const tables: Record<string, TableState> = {};
  for (const table of Object.values(topology.tables)) {
    const w = table.window;
    tables[table.name] = {
      kind: table.kind,
      keyType: table.keyType ?? null,
      partitions: table.partitions ?? null,
      keySerializer: table.keySerializer ?? 'json',
      valueSerializer: table.valueSerializer ?? 'json',
      valueType: table.valueType ?? 'json',
      window:
        w === undefined
          ? null
          : w.type === 'hopping'
            ? `hopping ${w.size}/${w.step}`
            : w.type === 'tumbling'
              ? `tumbling ${w.size}`
              : `sliding ${w.before}/${w.after}`,
    };
  }
  const sourceTopics: Record<string, number | null> = {};
  for (const agent of Object.values(topology.agents)) {
    if ('topic' in agent.source) {
      sourceTopics[agent.source.topic] = topology.topics[agent.source.topic]?.partitions ?? null;
    }
  }
  const topicPartitions = topology.app.settings.topicPartitions;
  return {
    appVersion: topology.app.version,
    tables: sortKeys(tables),
    sourceTopics: sortKeys(sourceTopics),
    topicPartitions: typeof topicPartitions === 'number' ? topicPartitions : null,
  };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function renderManifest(manifest: Manifest): string {
  return `${JSON.stringify({ ...manifest, files: sortKeys({ ...manifest.files }) }, null, 2)}\n`;
}

/** The manifest of the last generation in `projectDir`, or undefined when there is none or it is unreadable. */
export function readManifest(projectDir: string): Manifest | undefined {
  const file = join(projectDir, MANIFEST_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    return parsed.generator === 'faustgen' && typeof parsed.files === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
