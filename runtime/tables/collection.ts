/**
 * What every table kind shares (Faust's Collection): where a key lives (its changelog partition),
 * the local state in front of the store, writes that go to the changelog, and applying changelog
 * records to the store (recovery, standbys, and the table's own acknowledged writes).
 *
 * Partitions. A write inside a stream goes to the changelog partition of the event being processed
 * (or the partition its serialized key hashes to, with usePartitioner), so a table is co-partitioned
 * with the topics that write to it. Reads inside a stream look in that same partition; reads
 * outside one (web views, timers) use the key index, then look in every partition this worker owns.
 *
 * Write path. set() updates the local state at once (a pending entry: reads see it) and queues the
 * changelog record before returning; when the broker acknowledged it, the record is applied to the
 * store together with its offset, in one transaction; then the pending entry is released. So the
 * store only ever holds what the changelog holds. Global tables apply their records when their
 * reader reads them back instead (every worker writes a global table's partitions).
 */
import { currentEvent } from '../streams/context.js';
import type { Event } from '../streams/event.js';
import { javaPartition } from '../channels/partitioner.js';
import type { TopicOptions } from '../channels/topic.js';
import type { Logger } from '../core/logging/index.js';
import type { Message } from '../transport/types.js';
import type { Store, StoreWriter } from '../stores/types.js';
import { PartitionsMismatchError, TableWriteOutsideStreamError } from './errors.js';
import { KeyIndex } from './key-index.js';
import { checkTableWrite } from './limits.js';
import { DELETED, LocalState, type Slot } from './local-state.js';
import type { ChangelogConfig, ChangelogEvent, RawEntry, TableExpirer, TableOptions } from './types.js';

export const DEFAULT_CACHE_SIZE = 100_000;
export const DEFAULT_RECOVERY_BUFFER_SIZE = 1000;

/** A record as it goes to (and comes from) the changelog. */
export interface ChangelogRecord {
  key: Buffer;
  value: Buffer | null;
}

/** A changelog record of this worker, acknowledged by the broker, waiting to reach the store. */
interface AckedRecord extends ChangelogRecord {
  offset: number;
  /** The store key it changes (the pending local entry to release). */
  id: string;
}

/** The app's sensors, as tables tell them about reads and writes (runtime/sensors). */
export interface TableSensors {
  /** False while no sensor listens: the hooks are skipped. */
  readonly active: boolean;
  onTableGet(table: string): void;
  onTableSet(table: string): void;
  onTableDel(table: string): void;
}

/** What a table needs from the table manager. */
export interface TableHost {
  readonly sensors: TableSensors;
  readonly appId: string;
  readonly logger: Logger;
  readonly defaultPartitions: number;
  readonly keyIndexSize: number;
  /** The most bytes of one produce request (producerMaxRequestSize); a changelog record must fit. */
  readonly maxRequestSize?: number;
  /**
   * Queues a changelog record now (it never waits); `onDelivered` runs with its offset once the
   * broker has it. Throws when the worker cannot produce.
   */
  sendChangelog(
    table: Collection<unknown>,
    partition: number,
    record: ChangelogRecord,
    onDelivered: (offset: number) => void,
    onAborted: () => void,
  ): void;
  /** A changelog record of this worker reached the store (or was dropped): outstanding work went down. */
  settledChangelog(count: number): void;
  /** Partition count of a topic events come from, when known. */
  topicPartitions(topic: string): number | undefined;
  /**
   * The bytes `key` has as the key of the events that write `table` (their topic's key serializer),
   * which is what placed those events, and so the key's table entry, in a partition. Undefined
   * when the host cannot tell (the changelog key bytes are used then).
   */
  sourceKeyBytes(table: Collection<unknown>, key: unknown): Buffer | undefined;
  /** A write failed to reach the store: at-least-once is at stake, the worker must stop. */
  fail(error: Error): void;
}

/** The store key of a key, as a Map key (latin1 keeps every byte). */
export const keyId = (key: Buffer): string => key.toString('latin1');

export type TableKind = 'table' | 'global table' | 'set table' | 'global set table';

export abstract class Collection<V> {
  readonly changelogTopic: string;
  readonly global: boolean;
  /** How the changelog topic is declared (windowed tables change it before the start). */
  readonly changelogTopicOptions: TopicOptions;
  protected readonly local: LocalState<V>;
  protected readonly keyIndex: KeyIndex;
  private storeHandle: Store | undefined;
  private partitionCount: number;
  /** Partitions this worker owns (actives); undefined until the first assignment (then: any). */
  private actives: ReadonlySet<number> | undefined;
  /** Partitions written here since the last assignment (usePartitioner, test drivers). */
  private written = new Set<number>();
  private readonly expirers: TableExpirer[] = [];
  /** Acknowledged changelog records per partition, waiting for the next store transaction. */
  private acked = new Map<number, AckedRecord[]>();
  private flushScheduled = false;
  private flushing: Promise<void> | undefined;
  /** Global tables: this worker's writes waiting to be read back, by partition and offset. */
  private readonly echoes = new Map<number, Map<number, string>>();
  private started = false;

  constructor(
    protected readonly host: TableHost,
    readonly name: string,
    readonly options: TableOptions,
    readonly kind: TableKind,
  ) {
    if (!name || /[^a-zA-Z0-9._-]/.test(name)) {
      throw new Error(
        `invalid table name ${JSON.stringify(name)}: use a-z, A-Z, 0-9, '.', '_' and '-' (it is part of topic names)`,
      );
    }
    this.global = kind === 'global table' || kind === 'global set table';
    this.changelogTopic = options.changelogTopic ?? `${host.appId}-${name}-changelog`;
    this.partitionCount = options.partitions ?? host.defaultPartitions;
    if (!Number.isInteger(this.partitionCount) || this.partitionCount < 1) {
      throw new Error(`table ${name}: partitions must be a positive integer, got ${options.partitions}`);
    }
    const opLog = kind === 'set table' || kind === 'global set table';
    this.changelogTopicOptions = {
      internal: true,
      partitions: this.partitionCount,
      // A set table's changelog is a log of operations (Faust): compaction would lose some, and so
      // would the broker's default 7-day retention, which Faust leaves in place.
      compacting: !opLog,
      config: opLog
        ? { 'retention.ms': '-1', ...options.extraTopicConfigs }
        : options.extraTopicConfigs && { ...options.extraTopicConfigs },
      keySerializer: 'raw',
      valueSerializer: 'raw',
      acks: false,
      deadLetter: false,
    };
    this.local = new LocalState<V>(options.cacheSize ?? DEFAULT_CACHE_SIZE);
    this.keyIndex = new KeyIndex(host.keyIndexSize);
  }

  /** Changelog partitions (the topic's real count once the worker started). */
  get partitions(): number {
    return this.partitionCount;
  }

  /** The store (after the worker started). */
  get store(): Store {
    if (!this.storeHandle) {
      throw new Error(`table ${this.name}: its store is not open (the worker has not started)`);
    }
    return this.storeHandle;
  }

  get isStarted(): boolean {
    return this.started;
  }

  // ---- for subclasses --------------------------------------------------------------------------

  /**
   * Whether a changelog record carries its key's whole value (plain tables), so that of several
   * records of one key in a store transaction only the last needs writing. Not for set tables,
   * whose records are operations.
   */
  protected readonly wholeValues: boolean = true;

  /** The value of stored bytes (the changelog's value bytes for plain tables). */
  protected abstract decodeStored(bytes: Buffer): V;

  /** A key's bytes in the changelog. */
  protected abstract changelogKeyBytes(key: unknown): Buffer;

  /** Applies one changelog record to the store; returns the store key it changed. */
  protected abstract applyRecord(
    writer: StoreWriter,
    partition: number,
    record: ChangelogRecord,
  ): Buffer | undefined;

  /** The decoded form of a changelog record, for onChangelogEvent. */
  protected abstract decodeChangelog(record: ChangelogRecord): { key: unknown; value: unknown };

  /** Reads a key's value: the local state, else the store (undefined when absent). */
  protected readValue(key: Buffer, id: string = keyId(key)): V | undefined {
    const sensors = this.host.sensors;
    if (sensors.active) sensors.onTableGet(this.name);
    const partition = this.readPartition(key);
    if (partition !== undefined) return this.lookup(partition, id, key);
    const indexed = this.keyIndex.get(id);
    if (indexed !== undefined) {
      const found = this.lookup(indexed, id, key);
      if (found !== undefined) return found;
    }
    for (const p of this.ownedPartitions()) {
      if (p === indexed) continue;
      const found = this.lookup(p, id, key);
      if (found !== undefined) {
        this.keyIndex.set(id, p);
        return found;
      }
    }
    return undefined;
  }

  /**
   * Changes a key: the local state at once, and its changelog record (queued before this returns).
   * `storeKey` is the key in the store, `value` its new local value; `record` what goes to the
   * changelog (the same key and the value's bytes for plain tables).
   */
  protected writeValue(
    storeKey: Buffer,
    value: Slot<V>,
    record: ChangelogRecord,
    operation: string,
    id: string = keyId(storeKey),
  ): void {
    const event = currentEvent();
    if (!event) throw new TableWriteOutsideStreamError(this.name, operation);
    const store = this.storeHandle;
    checkTableWrite(
      this.name,
      store?.url ?? 'memory://',
      storeKey,
      { topic: this.changelogTopic, ...record },
      {
        maxKeyBytes: store?.maxKeyBytes,
        maxRequestSize: this.host.maxRequestSize,
      },
    );
    const sensors = this.host.sensors;
    if (sensors.active) {
      if (value === DELETED) sensors.onTableDel(this.name);
      else sensors.onTableSet(this.name);
    }
    const partition = this.writePartition(storeKey, event);
    this.local.write(partition, id, storeKey, value);
    this.keyIndex.set(id, partition);
    if (!this.written.has(partition)) this.written.add(partition);
    this.host.sendChangelog(
      this as Collection<unknown>,
      partition,
      record,
      (offset) => this.delivered(partition, { key: record.key, value: record.value, offset, id }),
      // exactly_once: the transaction was aborted; reads fall back to the store (what was committed).
      () => this.local.remove(partition, id),
    );
  }

  /** The local value of a key in one partition (pending write, cache, or store). */
  protected lookup(partition: number, id: string, key: Buffer): V | undefined {
    const entry = this.local.get(partition, id);
    if (entry) return entry.value === DELETED ? undefined : entry.value;
    const bytes = this.storeHandle?.get(partition, key);
    if (bytes === undefined) return undefined;
    const value = this.decodeStored(bytes);
    this.local.cache(partition, id, key, value);
    return value;
  }

  /** Where a read inside a stream looks; undefined: look everywhere. */
  private readPartition(key: Buffer): number | undefined {
    if (this.options.usePartitioner) return javaPartition(key, this.partitionCount);
    if (this.global) return undefined;
    const event = currentEvent();
    if (!event) return undefined;
    const { topic, partition } = event.message;
    const count = this.host.topicPartitions(topic);
    if (count !== this.partitionCount || partition >= this.partitionCount) return undefined;
    return partition;
  }

  /** The changelog partition of a write; checks co-partitioning (Faust's PartitionsMismatch). */
  private writePartition(key: Buffer, event: Event<unknown, unknown>): number {
    if (this.options.usePartitioner) return javaPartition(key, this.partitionCount);
    const { topic, partition } = event.message;
    const count = this.host.topicPartitions(topic);
    if (count !== undefined && count !== this.partitionCount) {
      throw new PartitionsMismatchError(this.name, topic, count, this.changelogTopic, this.partitionCount);
    }
    if (partition >= this.partitionCount) {
      throw new PartitionsMismatchError(
        this.name,
        topic,
        partition + 1,
        this.changelogTopic,
        this.partitionCount,
      );
    }
    return partition;
  }

  /**
   * The partition that holds `key`, for reads outside any event (web routes, the router): the
   * partition its source events went to, as their topic's key serializer and the murmur2
   * partitioner placed them, whatever the changelog's key format (Faust hashes the changelog key
   * and so routes raw-keyed topics to the wrong worker). With usePartitioner the writes themselves
   * go by the changelog key, and so does this.
   */
  keyPartition(key: unknown): number {
    const source = this.options.usePartitioner ? undefined : this.host.sourceKeyBytes(this, key);
    return javaPartition(source ?? this.changelogKeyBytes(key), this.partitionCount);
  }

  // ---- local state -------------------------------------------------------------------------------

  /** The partitions whose keys this worker serves: its actives (all, for global tables). */
  ownedPartitions(): number[] {
    if (this.global) return range(this.partitionCount);
    const actives = this.actives;
    if (actives) {
      if (this.written.size === 0) return [...actives].sort((a, b) => a - b);
      // Plus partitions written here since (usePartitioner writes, test drivers without assignment).
      return [...new Set([...actives, ...this.written])].sort((a, b) => a - b);
    }
    const found = new Set<number>(this.local.partitions());
    for (const p of this.storeHandle?.partitions() ?? []) found.add(p);
    return [...found].sort((a, b) => a - b);
  }

  /** Every key this worker holds for the partitions it owns, with its value. */
  *localEntries(): Generator<RawEntry<V>> {
    for (const partition of this.ownedPartitions()) {
      const seen = new Set<string>();
      for (const [id, entry] of this.local.entries(partition)) {
        seen.add(id);
        if (entry.value !== DELETED) yield { partition, key: entry.key, value: entry.value };
      }
      if (!this.storeHandle) continue;
      for (const { key, value } of this.storeHandle.entries(partition)) {
        if (seen.has(keyId(key))) continue;
        yield { partition, key, value: this.decodeStored(value) };
      }
    }
  }

  /** Drops a key from local state and store, without a changelog record (expiry). */
  evictRaw(partition: number, key: Buffer): void {
    this.local.remove(partition, keyId(key));
    this.keyIndex.delete(keyId(key));
    if (!this.storeHandle) return;
    this.storeHandle
      .transact((writer) => writer.delete(partition, key))
      .catch((error: unknown) => this.host.fail(asError(error, `table ${this.name}: expiry failed`)));
  }

  localMeta(partition: number, name: string): string | undefined {
    return this.storeHandle?.meta(partition, name);
  }

  setLocalMeta(partition: number, name: string, value: string | undefined): Promise<void> {
    return this.store.transact((writer) => writer.setMeta(partition, name, value));
  }

  configureChangelog(config: ChangelogConfig): void {
    if (this.started) throw new Error(`table ${this.name}: configureChangelog() after the worker started`);
    const options = this.changelogTopicOptions;
    if (config.deleting !== undefined) options.deleting = config.deleting;
    if (config.retentionMs !== undefined) options.retention = config.retentionMs / 1000;
  }

  addExpirer(expirer: TableExpirer): void {
    this.expirers.push(expirer);
  }

  get hasExpirers(): boolean {
    return this.expirers.length > 0;
  }

  /** Runs the table's expirers (windowed tables drop expired windows). */
  async expire(nowMs: number): Promise<void> {
    for (const expirer of this.expirers) await expirer.expire(nowMs);
  }

  // ---- lifecycle (the table manager) ----------------------------------------------------------

  /** @internal The worker starts: the changelog's real partition count and the open store. */
  attach(store: Store, partitions: number): void {
    this.storeHandle = store;
    this.partitionCount = partitions;
    this.started = true;
  }

  /** @internal The worker stopped: the store is closed. */
  detach(): void {
    this.storeHandle = undefined;
    this.started = false;
    this.actives = undefined;
    this.written = new Set();
    this.local.clear();
    this.keyIndex.clear();
    this.echoes.clear();
  }

  /** @internal The partitions this worker owns after a rebalance. */
  setActives(actives: ReadonlySet<number>): void {
    const before = this.actives;
    this.actives = actives;
    this.written = new Set();
    if (!before) return;
    for (const partition of before) {
      if (actives.has(partition)) continue;
      // Another worker writes it now: what we cached may go stale.
      this.local.forgetCached(partition);
      this.keyIndex.forgetPartition(partition);
    }
  }

  get activePartitions(): ReadonlySet<number> | undefined {
    return this.actives;
  }

  /**
   * @internal Applies changelog records read from the topic (recovery, standby, global tables),
   * in offset order, in one store transaction; records at or below the partition's persisted
   * offset are skipped. Resolves with how many were applied once they are committed.
   */
  async applyChangelog(partition: number, messages: Message[]): Promise<number> {
    const store = this.store;
    const touched: Buffer[] = [];
    const applied: Message[] = [];
    await store.transact((writer) => {
      applied.length = 0;
      touched.length = 0;
      const persisted = writer.offset(partition);
      let last = persisted;
      for (const message of messages) {
        if (message.offset <= last) continue;
        if (message.key === null) {
          this.host.logger.warn(`table ${this.name}: skipped a changelog record without a key`, {
            topic: message.topic,
            partition,
            offset: message.offset,
          });
          last = message.offset;
          continue;
        }
        if (store.maxKeyBytes !== undefined && message.key.length > store.maxKeyBytes) {
          // Written before tables refused such keys: it can never be stored; stopping would loop.
          this.host.logger.error(
            `table ${this.name}: skipped a changelog record whose key of ${message.key.length} bytes is longer than its ${store.url} store allows (${store.maxKeyBytes})`,
            { topic: message.topic, partition, offset: message.offset },
          );
          last = message.offset;
          continue;
        }
        const changed = this.applyRecord(writer, partition, message as ChangelogRecord);
        if (changed) touched.push(changed);
        applied.push(message);
        last = message.offset;
      }
      if (last > persisted) writer.setOffset(partition, last);
    });
    for (const key of touched) this.local.invalidate(partition, keyId(key));
    if (this.global) this.releaseEchoes(partition, applied);
    const onEvent = this.options.onChangelogEvent;
    if (onEvent) {
      for (const message of applied) {
        const { key, value } = this.decodeChangelog(message as ChangelogRecord);
        await onEvent({
          key: key as never,
          value: (value ?? undefined) as never,
          partition,
          offset: message.offset,
          timestamp: message.timestamp,
        } satisfies ChangelogEvent<never, never>);
      }
    }
    return applied.length;
  }

  /** @internal Resolves once every acknowledged write of this worker is in the store. */
  async flushed(): Promise<void> {
    while (this.flushing || this.acked.size > 0) {
      if (!this.flushing) this.flush();
      await this.flushing;
    }
  }

  /** A changelog record of this worker was acknowledged: into the store with the next flush. */
  private delivered(partition: number, record: AckedRecord): void {
    if (this.global) {
      this.awaitEcho(partition, record);
      return;
    }
    const list = this.acked.get(partition);
    if (list) list.push(record);
    else this.acked.set(partition, [record]);
    if (!this.flushScheduled && !this.flushing) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes the acknowledged records to the store, one transaction at a time. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.flushing || this.acked.size === 0) return;
    const batch = this.acked;
    this.acked = new Map();
    const store = this.storeHandle;
    if (!store) {
      // Stopped: the records are in the changelog; the next start replays them.
      let dropped = 0;
      for (const records of batch.values()) dropped += records.length;
      this.host.settledChangelog(dropped);
      return;
    }
    this.flushing = store
      .transact((writer) => {
        for (const [partition, records] of batch) {
          const persisted = writer.offset(partition);
          let last = persisted;
          for (const record of this.wholeValues ? latestPerKey(records) : records) {
            if (record.offset <= persisted) continue;
            this.applyRecord(writer, partition, record);
            if (record.offset > last) last = record.offset;
          }
          if (last > persisted) writer.setOffset(partition, last);
        }
      })
      .then(
        () => {
          let count = 0;
          for (const [partition, records] of batch) {
            for (const record of records) this.local.release(partition, record.id);
            count += records.length;
          }
          this.host.settledChangelog(count);
        },
        (error: unknown) => this.host.fail(asError(error, `table ${this.name}: writing to the store failed`)),
      )
      .finally(() => {
        this.flushing = undefined;
        if (this.acked.size > 0) this.flush();
      });
  }

  /** Global tables: the reader applies this worker's own records; the pending entry waits for it. */
  private awaitEcho(partition: number, record: AckedRecord): void {
    const persisted = this.storeHandle?.persistedOffset(partition) ?? -1;
    if (record.offset <= persisted) {
      this.local.release(partition, record.id);
      this.host.settledChangelog(1);
      return;
    }
    let waiting = this.echoes.get(partition);
    if (!waiting) {
      waiting = new Map();
      this.echoes.set(partition, waiting);
    }
    waiting.set(record.offset, record.id);
  }

  private releaseEchoes(partition: number, applied: Message[]): void {
    const waiting = this.echoes.get(partition);
    if (!waiting || waiting.size === 0) return;
    let released = 0;
    for (const message of applied) {
      const id = waiting.get(message.offset);
      if (id === undefined) continue;
      waiting.delete(message.offset);
      this.local.release(partition, id);
      released++;
    }
    if (released > 0) this.host.settledChangelog(released);
  }
}

/** The last record of each key, in offset order (records come in offset order). */
function latestPerKey(records: AckedRecord[]): AckedRecord[] {
  if (records.length < 2) return records;
  const last = new Map<string, AckedRecord>();
  for (const record of records) {
    last.delete(record.id);
    last.set(record.id, record);
  }
  return last.size === records.length ? records : [...last.values()];
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function asError(error: unknown, context: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`${context}: ${message}`, { cause: error });
}
