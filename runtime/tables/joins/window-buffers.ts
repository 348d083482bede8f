/**
 * The buffered events of a windowed stream-stream join, per partition: in memory for the join's
 * lookups (by side and key, and by expiry), and in a changelogged table so that a restart or a
 * rebalance loses nothing. The table is the truth; the memory is rebuilt from it whenever the
 * partition (re)arrives. The partition's stream time is the highest timestamp buffered: every
 * event that moved it is buffered, and the latest is the last to expire.
 *
 * Table rows: key `[side, key (base64 of its bytes), timestamp, offset]`, value
 * `{ m: 1 when it has joined, v: base64 of the value bytes }`.
 */
import type { Serde } from '../../channels/serde.js';
import type { Table } from '../table.js';
import { ExpiryQueue } from './expiry-queue.js';

export type Side = 0 | 1;

export type BufferKey = [side: 'L' | 'R', key: string, timestamp: number, offset: number];
export interface BufferRow {
  m: 0 | 1;
  v: string;
}

export interface Buffered {
  readonly side: Side;
  readonly keyId: string;
  readonly key: unknown;
  readonly value: unknown;
  readonly timestamp: number;
  readonly row: BufferKey;
  readonly valueBytes: string;
  matched: boolean;
}

export interface SideCodec {
  keySerde: Serde<unknown>;
  valueSerde: Serde<unknown>;
}

export class PartitionBuffers {
  streamTime = Number.NEGATIVE_INFINITY;
  private readonly byKey: [Map<string, Buffered[]>, Map<string, Buffered[]>] = [new Map(), new Map()];
  private readonly expiry = new ExpiryQueue<Buffered>();

  constructor(private readonly retentionMs: number) {}

  /** The buffered events of `side` with this key. */
  of(side: Side, keyId: string): readonly Buffered[] {
    return this.byKey[side].get(keyId) ?? [];
  }

  /** Buffers an entry; returns the one kept (a redelivered event's earlier copy, if any). */
  add(entry: Buffered): Buffered {
    const map = this.byKey[entry.side];
    const list = map.get(entry.keyId);
    if (list) {
      const same = list.find((e) => e.row[2] === entry.row[2] && e.row[3] === entry.row[3]);
      if (same) {
        same.matched ||= entry.matched;
        return same;
      }
      list.push(entry);
    } else map.set(entry.keyId, [entry]);
    if (entry.timestamp > this.streamTime) this.streamTime = entry.timestamp;
    this.expiry.push(entry.timestamp + this.retentionMs, entry);
    return entry;
  }

  /** Removes and returns the entries whose retention ended before the stream time. */
  expire(): Buffered[] {
    const gone = [...this.expiry.popBefore(this.streamTime)];
    for (const entry of gone) {
      const map = this.byKey[entry.side];
      const list = map.get(entry.keyId);
      if (!list) continue;
      const rest = list.filter((e) => e !== entry);
      if (rest.length === 0) map.delete(entry.keyId);
      else map.set(entry.keyId, rest);
    }
    return gone;
  }

  /** Rebuilds a partition's buffers from the rows of the table. */
  static load(
    table: Table<BufferKey, BufferRow>,
    partition: number,
    sides: readonly [SideCodec, SideCodec],
    retentionMs: number,
  ): PartitionBuffers {
    const buffers = new PartitionBuffers(retentionMs);
    for (const { partition: p, key, value } of table.localEntries()) {
      if (p !== partition) continue;
      const row = table.keySerde.deserialize(key);
      const side: Side = row[0] === 'L' ? 0 : 1;
      const codec = sides[side];
      buffers.add({
        side,
        keyId: row[1],
        key: codec.keySerde.deserialize(Buffer.from(row[1], 'base64')),
        value: codec.valueSerde.deserialize(Buffer.from(value.v, 'base64')),
        timestamp: row[2],
        row,
        valueBytes: value.v,
        matched: value.m === 1,
      });
    }
    return buffers;
  }
}
