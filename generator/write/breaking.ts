/** Changes that would reset or orphan persisted state, found by comparing with the last generation. */
import type { StateSnapshot } from './manifest.js';

export interface BreakingChange {
  readonly code:
    | 'table-removed'
    | 'table-key-type'
    | 'table-window'
    | 'table-kind'
    | 'table-serializer'
    | 'table-value-type'
    | 'default-partitions'
    | 'table-partitions'
    | 'source-partitions'
    | 'app-version';
  readonly message: string;
}

export function breakingChanges(previous: StateSnapshot, next: StateSnapshot): BreakingChange[] {
  const changes: BreakingChange[] = [];
  if (previous.appVersion !== next.appVersion) {
    changes.push({
      code: 'app-version',
      message: `app version ${previous.appVersion} -> ${next.appVersion}: the new version starts with empty tables and new consumer offsets`,
    });
  }
  for (const [name, before] of Object.entries(previous.tables ?? {})) {
    const after = next.tables[name];
    if (after === undefined) {
      changes.push({
        code: 'table-removed',
        message: `table ${name} was removed or renamed: its changelog and stored state are orphaned`,
      });
      continue;
    }
    if (before.kind !== after.kind) {
      changes.push({ code: 'table-kind', message: `table ${name}: kind ${before.kind} -> ${after.kind}` });
    }
    if (before.keyType !== after.keyType) {
      changes.push({
        code: 'table-key-type',
        message: `table ${name}: key type ${before.keyType ?? 'json'} -> ${after.keyType ?? 'json'}; existing keys would not be found`,
      });
    }
    for (const role of ['key', 'value'] as const) {
      const field = role === 'key' ? 'keySerializer' : 'valueSerializer';
      // Manifests written before serializers were recorded have none: nothing to compare.
      if (before[field] !== undefined && before[field] !== after[field]) {
        changes.push({
          code: 'table-serializer',
          message:
            `table ${name}: ${field} ${before[field]} -> ${after[field]}; the changelog and stored state hold ` +
            `${role}s in the old encoding, so ${role === 'key' ? 'existing keys are orphaned (never found again)' : 'existing values no longer decode'}. ` +
            'Give the table a new name or bump app.version (a new changelog), or delete its changelog topic and run `faustgen reset`',
        });
      }
    }
    // Manifests written before value types were recorded have none: nothing to compare.
    if (before.valueType !== undefined && before.valueType !== after.valueType) {
      changes.push({
        code: 'table-value-type',
        message:
          `table ${name}: value type ${before.valueType} -> ${after.valueType}; the changelog and stored state hold ` +
          `${before.valueType} values, which the new code would read as ${after.valueType}. ` +
          'Give the table a new name or bump app.version (a new changelog), or delete its changelog topic and run `faustgen reset`',
      });
    }
    // Manifests written before partitions were recorded have none: nothing to compare.
    if (before.partitions !== undefined && before.partitions !== after.partitions) {
      changes.push({
        code: 'table-partitions',
        message: `table ${name}: partitions ${before.partitions ?? 'default'} -> ${after.partitions ?? 'default'}; keys move away from their stored state`,
      });
    }
    if (before.window !== after.window) {
      changes.push({
        code: 'table-window',
        message: `table ${name}: window ${before.window ?? 'none'} -> ${after.window ?? 'none'}; stored windows no longer line up`,
      });
    }
  }
  for (const [topic, before] of Object.entries(previous.sourceTopics ?? {})) {
    if (!(topic in next.sourceTopics)) continue;
    const after = next.sourceTopics[topic];
    if (before !== after) {
      changes.push({
        code: 'source-partitions',
        message: `topic ${topic}: partitions ${before ?? 'default'} -> ${after ?? 'default'}; keys move to other partitions than their table state`,
      });
    }
  }
  changes.push(...defaultPartitionChanges(previous, next));
  return changes;
}

/** A changed `topicPartitions` setting moves the keys of every table and source topic that relies on it. */
function defaultPartitionChanges(previous: StateSnapshot, next: StateSnapshot): BreakingChange[] {
  // Manifests written before the setting was recorded have none: nothing to compare.
  if (previous.topicPartitions === undefined) return [];
  const before = previous.topicPartitions;
  const after = next.topicPartitions ?? null;
  if (before === after) return [];
  const relying = [
    ...Object.entries(next.tables)
      .filter(([name, table]) => table.partitions === null && previous.tables[name] !== undefined)
      .map(([name]) => `table ${name}`),
    ...Object.entries(next.sourceTopics)
      .filter(([topic, partitions]) => partitions === null && topic in previous.sourceTopics)
      .map(([topic]) => `topic ${topic}`),
  ];
  if (relying.length === 0) return [];
  return [
    {
      code: 'default-partitions',
      message:
        `settings.topicPartitions ${before ?? 'default'} -> ${after ?? 'default'}, which ${relying.join(', ')} ` +
        'use (no partitions of their own): keys move to other partitions than their stored state. ' +
        'Give them their old count with "partitions", or bump app.version',
    },
  ];
}
