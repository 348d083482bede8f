/**
 * What to do when the broker answers a fetch with OFFSET_OUT_OF_RANGE.
 *
 * kafkajs 2.2.4 (ConsumerGroup.recoverFromOffsetOutOfRange) logs "Offset out of range, resetting to
 * default offset" without any offset and COMMITS the symbolic -2/-1 to the group, so the partition's
 * real committed offset is gone, for every member and every restart after. We replace that method
 * (see kafkajs.ts): the fetch position is checked against the partition's low and high watermarks,
 * reset per consumerAutoOffsetReset without committing anything (the runtime commits real offsets
 * once it processed from there), or, with `none`, the partition stops with an error naming the
 * offsets. A fetch offset the broker refused although it lies within [low, high] is retried.
 */

export type OutOfRangePolicy = 'earliest' | 'latest' | 'none';

export interface OutOfRangeFacts {
  topic: string;
  partition: number;
  /** The offset the refused fetch asked for. */
  fetchOffset: number;
  /** The group's committed offset kafkajs held (undefined or negative: none). */
  committedOffset: number | undefined;
  /** The partition's log start offset and high watermark, asked for after the refusal. */
  low: number;
  high: number;
}

export type OutOfRangeDecision =
  | { action: 'retry'; message: string }
  | { action: 'reset'; offset: number; message: string }
  | { action: 'stop'; message: string };

export function describeOutOfRange(facts: OutOfRangeFacts): string {
  const committed =
    facts.committedOffset === undefined || facts.committedOffset < 0 ? 'none' : String(facts.committedOffset);
  return (
    `${facts.topic}[${facts.partition}]: fetch offset ${facts.fetchOffset} is out of range ` +
    `(low ${facts.low}, high ${facts.high}, committed ${committed})`
  );
}

export function decideOutOfRange(facts: OutOfRangeFacts, policy: OutOfRangePolicy): OutOfRangeDecision {
  const what = describeOutOfRange(facts);
  if (facts.fetchOffset >= facts.low && facts.fetchOffset <= facts.high) {
    return { action: 'retry', message: `${what}; it is within the partition's range now: fetching it again` };
  }
  if (policy === 'none') {
    return {
      action: 'stop',
      message:
        `${what}; consumerAutoOffsetReset is "none": the partition stops. Fix: move the group's offset ` +
        `into [${facts.low}, ${facts.high}] (kafka-consumer-groups --reset-offsets) or set ` +
        'consumerAutoOffsetReset to earliest or latest, and restart',
    };
  }
  const offset = policy === 'earliest' ? facts.low : facts.high;
  return {
    action: 'reset',
    offset,
    message: `${what}; consumerAutoOffsetReset ${policy}: resetting to ${offset}`,
  };
}

/** A consumer's view of its out-of-range handling, registered per group id (see kafkajs.ts). */
export interface OutOfRangeListener {
  /** The member id kafkajs joined with, to tell apart two consumers of one group in one process. */
  memberId(): string | undefined;
  policy: OutOfRangePolicy;
  /** Called after the decision was applied (log it, stop the partition). */
  decided(facts: OutOfRangeFacts, decision: OutOfRangeDecision): void;
}

const listeners = new Map<string, Set<OutOfRangeListener>>();

export function listenForOutOfRange(groupId: string, listener: OutOfRangeListener): () => void {
  let set = listeners.get(groupId);
  if (!set) {
    set = new Set();
    listeners.set(groupId, set);
  }
  set.add(listener);
  return () => {
    set.delete(listener);
    if (set.size === 0 && listeners.get(groupId) === set) listeners.delete(groupId);
  };
}

export function outOfRangeListener(groupId: string, memberId: string): OutOfRangeListener | undefined {
  const set = listeners.get(groupId);
  if (!set || set.size === 0) return undefined;
  for (const listener of set) if (listener.memberId() === memberId) return listener;
  return set.size === 1 ? [...set][0] : undefined;
}
