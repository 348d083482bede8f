import type { Headers, Message } from '../types.js';

/** One stored record; `size` approximates its fetch size in bytes (key + value + headers). */
interface StoredRecord {
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: Headers;
  readonly size: number;
}

export interface AppendInput {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
  headers: Headers;
}

/**
 * The append-only log of one topic partition. Offsets start at 0 and the log is never truncated
 * (no retention, no compaction), so the low watermark is always 0.
 */
export class PartitionLog {
  private readonly records: StoredRecord[] = [];
  private readonly watchers = new Set<() => void>();

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** One past the last offset (Kafka's high watermark / log end offset). */
  get end(): number {
    return this.records.length;
  }

  /** Appends without waking readers; call notifyWatchers() once the whole request is in. */
  append(input: AppendInput): number {
    const offset = this.records.length;
    let size = byteLength(input.key) + byteLength(input.value);
    for (const [name, value] of Object.entries(input.headers)) size += name.length + value.length;
    this.records.push({ offset, ...input, size });
    return offset;
  }

  /**
   * Reads from `from` on: at most `maxRecords` messages (0 = no bound) and no more than `maxBytes`
   * (0 = no bound), but always at least one message when one exists, so a large record cannot
   * stall a partition. Each call returns fresh Message objects; key/value buffers are shared
   * with the log and other readers and must not be mutated.
   */
  read(from: number, maxRecords: number, maxBytes: number): Message[] {
    const stop = maxRecords > 0 ? Math.min(this.records.length, from + maxRecords) : this.records.length;
    const messages: Message[] = [];
    let bytes = 0;
    for (let offset = from; offset < stop; offset++) {
      const record = this.records[offset]!;
      bytes += record.size;
      if (maxBytes > 0 && bytes > maxBytes && messages.length > 0) break;
      messages.push({
        topic: this.topic,
        partition: this.partition,
        offset: record.offset,
        key: record.key,
        value: record.value,
        timestamp: record.timestamp,
        headers: { ...record.headers },
      });
    }
    return messages;
  }

  watch(onAppend: () => void): void {
    this.watchers.add(onAppend);
  }

  unwatch(onAppend: () => void): void {
    this.watchers.delete(onAppend);
  }

  notifyWatchers(): void {
    for (const onAppend of this.watchers) onAppend();
  }
}

function byteLength(buffer: Buffer | null): number {
  return buffer === null ? 0 : buffer.length;
}
