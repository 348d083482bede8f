/**
 * Where a table's keys were partitioned: the topic whose events write the table.
 *
 * A table entry lives in the partition of the event that wrote it, and that event's partition is
 * murmur2 of the event's key bytes, as its topic serializes them (raw by default). The changelog
 * may serialize the same key differently (JSON by default, as Faust writes tables), so a reader
 * outside any event (a web route, the router) must serialize the key as the source topic does to
 * find its partition.
 *
 * The source is the table's `sourceTopic` option when given. Otherwise it is inferred from the
 * topics the app's streams read with as many partitions as the table: those whose key type is the
 * table's are preferred; when they still disagree about a key's bytes, the first by name is used
 * and a warning says to set `sourceTopic`. With no such topic, the key is serialized as a topic of
 * the table's key type with the app's default key serializer would.
 */
import { createSerde, type Serde, type TypeSpec } from '../channels/serde.js';
import type { Logger } from '../core/logging/index.js';

/** A topic as the key sources read it. */
export interface KeySourceTopic {
  readonly name: string;
  readonly options: { readonly keyType?: TypeSpec };
  readonly keySerde: Serde<unknown>;
}

/** A table as the key sources read it. */
export interface KeySourceTable {
  readonly name: string;
  readonly partitions: number;
  readonly options: {
    readonly keyType?: TypeSpec;
    readonly sourceTopic?: string | { readonly name: string };
  };
}

/** What the key sources need from the worker. */
export interface KeySourceHost {
  readonly logger: Logger;
  /** The app's default key serializer (the keySerializer setting). */
  readonly defaultKeySerializer: string;
  /** The app's declared topics. */
  topic(name: string): KeySourceTopic | undefined;
  /** Topics read by this worker's streams (undefined before the worker subscribed). */
  consumedTopics(): readonly string[] | undefined;
  /** A topic's partition count, when known. */
  partitionCount(topic: string): number | undefined;
  /** Topics that are not event sources (changelogs, reply topics). */
  isInternalSink(topic: string): boolean;
}

export class KeySources {
  private readonly resolved = new Map<string, readonly KeySourceTopic[]>();
  private readonly fallbacks = new Map<string, Serde<unknown>>();
  private readonly warned = new Set<string>();

  constructor(private readonly host: KeySourceHost) {}

  /** `key` as the events that wrote `table` carry it. */
  bytes(table: KeySourceTable, key: unknown): Buffer | undefined {
    const sources = this.sources(table);
    if (sources.length === 0) return this.fallback(table).serialize(key) ?? undefined;
    const first = sources[0]!.keySerde.serialize(key) ?? undefined;
    if (sources.length > 1 && first && !this.warned.has(table.name)) {
      const other = sources.find((topic) => !topic.keySerde.serialize(key)?.equals(first));
      if (other) {
        this.warned.add(table.name);
        this.host.logger.warn(
          `table ${table.name}: topics ${sources.map((t) => t.name).join(', ')} may all write it but ` +
            `serialize keys differently; keys are placed as ${sources[0]!.name} does (set the table's ` +
            `sourceTopic to say which topic writes it)`,
        );
      }
    }
    return first;
  }

  /** Forgets what was inferred (a new start may read other topics). */
  reset(): void {
    this.resolved.clear();
    this.warned.clear();
  }

  private sources(table: KeySourceTable): readonly KeySourceTopic[] {
    const known = this.resolved.get(table.name);
    if (known) return known;
    const named = table.options.sourceTopic;
    if (named !== undefined) {
      const name = typeof named === 'string' ? named : named.name;
      const topic = this.host.topic(name);
      if (!topic) {
        throw new Error(`table ${table.name}: its sourceTopic ${name} is not a topic of this app`);
      }
      this.resolved.set(table.name, [topic]);
      return [topic];
    }
    const consumed = this.host.consumedTopics();
    if (!consumed) return [];
    const candidates = consumed
      .filter((name) => !this.host.isInternalSink(name))
      .filter((name) => this.host.partitionCount(name) === table.partitions)
      .map((name) => this.host.topic(name))
      .filter((topic): topic is KeySourceTopic => topic !== undefined)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const sameType = candidates.filter((topic) => sameKeyType(topic.options.keyType, table.options.keyType));
    const sources = sameType.length > 0 ? sameType : candidates;
    this.resolved.set(table.name, sources);
    return sources;
  }

  private fallback(table: KeySourceTable): Serde<unknown> {
    let serde = this.fallbacks.get(table.name);
    if (!serde) {
      serde = createSerde(table.options.keyType, this.host.defaultKeySerializer, 'key');
      this.fallbacks.set(table.name, serde);
    }
    return serde;
  }
}

function sameKeyType(a: TypeSpec | undefined, b: TypeSpec | undefined): boolean {
  return a === b;
}
