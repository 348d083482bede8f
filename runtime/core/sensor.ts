import type { CommitOffset, EventOrigin, MessageBatch, TopicPartition } from './types.js';

/**
 * Something told what happens inside a running worker (Faust's sensors). Every method is
 * optional; they are called synchronously on the hot path, so they must be quick and must not
 * throw (a sensor that throws is logged once per method and otherwise ignored).
 */
export interface Sensor {
  /** A fetched batch of the current generation reached the conductor (before the streams see it). */
  onMessagesIn?(batch: MessageBatch): void;
  /** A stream buffer of this topic filled up: fetching of the partition waits for room. */
  onTopicBufferFull?(topic: string, partition: number): void;
  /** An agent's actor took an event from its source (the handler is about to see it). */
  onEventIn?(agent: string, event: EventOrigin): void;
  /**
   * The actor is done with the event after `ms`: it asked for the next one, or its handler
   * returned or threw (the event was then dead-lettered).
   */
  onEventOut?(agent: string, event: EventOrigin, ms: number): void;
  /** A produced message was acknowledged by the broker `ms` after it was queued. */
  onSend?(topic: string, partition: number, ms: number): void;
  /** A produced message failed for good (the worker stops). */
  onSendError?(topic: string, partition: number, error: Error): void;
  /** Offsets were committed; `ms` includes waiting for the producer to flush what they cover. */
  onCommit?(offsets: readonly CommitOffset[], ms: number): void;
  /** A commit failed (its offsets are redone). */
  onCommitError?(offsets: readonly CommitOffset[], error: unknown): void;
  /** A rebalance completed: the whole new assignment; `ms` is the time the runtime took to take it. */
  onRebalance?(assignment: readonly TopicPartition[], generation: number, ms: number): void;
  /** A table key was read, written or deleted. */
  onTableGet?(table: string): void;
  onTableSet?(table: string): void;
  onTableDel?(table: string): void;
}

type SensorMethod = keyof Sensor;

/**
 * The app's sensors (Faust's SensorDelegate): hands every call on to each sensor. Call sites
 * check `active` first, so a worker without sensors pays one property read per hook.
 */
export class Sensors {
  private list: Sensor[] = [];
  private readonly reported = new WeakMap<Sensor, Set<SensorMethod>>();
  /** True while at least one sensor is attached. */
  active = false;

  /** `report` is told, once per sensor and method, that a sensor threw. */
  constructor(private readonly report: (message: string) => void = () => undefined) {}

  add(sensor: Sensor): void {
    if (this.list.includes(sensor)) return;
    this.list = [...this.list, sensor];
    this.active = true;
  }

  remove(sensor: Sensor): void {
    this.list = this.list.filter((s) => s !== sensor);
    this.active = this.list.length > 0;
  }

  has(sensor: Sensor): boolean {
    return this.list.includes(sensor);
  }

  [Symbol.iterator](): Iterator<Sensor> {
    return this.list[Symbol.iterator]();
  }

  onMessagesIn(batch: MessageBatch): void {
    for (const s of this.list) {
      if (!s.onMessagesIn) continue;
      try {
        s.onMessagesIn(batch);
      } catch (error) {
        this.failed(s, 'onMessagesIn', error);
      }
    }
  }

  onTopicBufferFull(topic: string, partition: number): void {
    for (const s of this.list) {
      if (!s.onTopicBufferFull) continue;
      try {
        s.onTopicBufferFull(topic, partition);
      } catch (error) {
        this.failed(s, 'onTopicBufferFull', error);
      }
    }
  }

  onEventIn(agent: string, event: EventOrigin): void {
    for (const s of this.list) {
      if (!s.onEventIn) continue;
      try {
        s.onEventIn(agent, event);
      } catch (error) {
        this.failed(s, 'onEventIn', error);
      }
    }
  }

  onEventOut(agent: string, event: EventOrigin, ms: number): void {
    for (const s of this.list) {
      if (!s.onEventOut) continue;
      try {
        s.onEventOut(agent, event, ms);
      } catch (error) {
        this.failed(s, 'onEventOut', error);
      }
    }
  }

  onSend(topic: string, partition: number, ms: number): void {
    for (const s of this.list) {
      if (!s.onSend) continue;
      try {
        s.onSend(topic, partition, ms);
      } catch (error) {
        this.failed(s, 'onSend', error);
      }
    }
  }

  onSendError(topic: string, partition: number, error: Error): void {
    for (const s of this.list) {
      if (!s.onSendError) continue;
      try {
        s.onSendError(topic, partition, error);
      } catch (error) {
        this.failed(s, 'onSendError', error);
      }
    }
  }

  onCommit(offsets: readonly CommitOffset[], ms: number): void {
    for (const s of this.list) {
      if (!s.onCommit) continue;
      try {
        s.onCommit(offsets, ms);
      } catch (error) {
        this.failed(s, 'onCommit', error);
      }
    }
  }

  onCommitError(offsets: readonly CommitOffset[], error: unknown): void {
    for (const s of this.list) {
      if (!s.onCommitError) continue;
      try {
        s.onCommitError(offsets, error);
      } catch (error) {
        this.failed(s, 'onCommitError', error);
      }
    }
  }

  onRebalance(assignment: readonly TopicPartition[], generation: number, ms: number): void {
    for (const s of this.list) {
      if (!s.onRebalance) continue;
      try {
        s.onRebalance(assignment, generation, ms);
      } catch (error) {
        this.failed(s, 'onRebalance', error);
      }
    }
  }

  onTableGet(table: string): void {
    for (const s of this.list) {
      if (!s.onTableGet) continue;
      try {
        s.onTableGet(table);
      } catch (error) {
        this.failed(s, 'onTableGet', error);
      }
    }
  }

  onTableSet(table: string): void {
    for (const s of this.list) {
      if (!s.onTableSet) continue;
      try {
        s.onTableSet(table);
      } catch (error) {
        this.failed(s, 'onTableSet', error);
      }
    }
  }

  onTableDel(table: string): void {
    for (const s of this.list) {
      if (!s.onTableDel) continue;
      try {
        s.onTableDel(table);
      } catch (error) {
        this.failed(s, 'onTableDel', error);
      }
    }
  }

  private failed(sensor: Sensor, method: SensorMethod, error: unknown): void {
    let methods = this.reported.get(sensor);
    if (!methods) {
      methods = new Set();
      this.reported.set(sensor, methods);
    }
    if (methods.has(method)) return;
    methods.add(method);
    const name = sensor.constructor?.name || 'sensor';
    const reason = error instanceof Error ? error.message : String(error);
    this.report(`sensor ${name}.${method} threw (its further errors there are not logged): ${reason}`);
  }
}
