import { StreamBuffer } from '../streams/buffer.js';
import { Stream } from '../streams/stream.js';
import type { EventSource, OutgoingRecord, SendTarget, StreamSourceFactory } from '../streams/types.js';
import type { StreamHost } from '../streams/types.js';
import { Event } from '../streams/event.js';

export interface ChannelOptions {
  /** Values queued before send() waits for room (stream_buffer_maxsize by default). */
  maxsize?: number;
}

let channelCounter = 0;

/**
 * An in-memory channel: the same interface as a topic (send, stream) over a local queue.
 * Nothing is persisted or committed; a full channel makes send() wait.
 */
export class Channel<K = unknown, V = unknown> implements SendTarget<K, V>, StreamSourceFactory {
  readonly name: string;
  private readonly buffer: StreamBuffer<Event<K, V>>;
  private offset = 0;
  private room: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(
    private readonly host: StreamHost,
    options: ChannelOptions & { name?: string; defaultMaxsize: number },
  ) {
    this.name = options.name ?? `channel-${++channelCounter}`;
    this.buffer = new StreamBuffer<Event<K, V>>(options.maxsize ?? options.defaultMaxsize, {
      onDrained: () => {
        this.room?.resolve();
        this.room = undefined;
      },
    });
  }

  get size(): number {
    return this.buffer.size;
  }

  /** Queues a value; waits while the channel is full. */
  async send(record: OutgoingRecord<K, V>): Promise<{ offset: number }> {
    while (this.buffer.size >= this.buffer.maxsize) {
      if (!this.room) {
        let resolve!: () => void;
        const promise = new Promise<void>((r) => {
          resolve = r;
        });
        this.room = { promise, resolve };
      }
      await this.room.promise;
    }
    const offset = this.offset++;
    this.buffer.push(
      new Event<K, V>(
        record.key as K,
        record.value,
        {
          topic: this.name,
          partition: 0,
          offset,
          key: null,
          value: null,
          timestamp: record.timestamp ?? Date.now(),
          headers: record.headers ?? {},
        },
        null,
      ),
    );
    return { offset };
  }

  stream(): Stream<K, V> {
    return new Stream<K, V>(this.openSource(), this.host);
  }

  /** A reader of the channel; close() ends its pending and later reads (the channel stays open). */
  openSource(): EventSource<K, V> {
    const buffer = this.buffer;
    let closed = false;
    let pending: { cancel(): void } | undefined;
    return {
      name: this.name,
      next: async () => {
        if (closed) return undefined;
        const read = buffer.cancellableShift();
        pending = read;
        try {
          return await read.promise;
        } finally {
          pending = undefined;
        }
      },
      close: () => {
        closed = true;
        pending?.cancel();
      },
    };
  }

  /** Ends the channel: streams finish once it is empty. */
  close(): void {
    this.buffer.close();
  }
}
