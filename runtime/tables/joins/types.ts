/**
 * The kinds and typed results of joins (runtime/tables/joins). A side that found no match is
 * undefined: the result types say which sides a kind may leave out.
 */

/** Stream-table joins: inner drops events whose key is not in the table; left keeps them. */
export type StreamTableJoinKind = 'inner' | 'left';

/** Table-table and windowed stream-stream joins. */
export type JoinKind = 'inner' | 'left' | 'outer';

/** What a stream-table join yields per event: the event's value and the table's value of its key. */
export interface StreamTableJoined<V, T, J extends StreamTableJoinKind> {
  left: V;
  right: J extends 'inner' ? T : T | undefined;
}

/** A table-table join's value of a key (a JSON object: a missing side has no property). */
export type TableJoined<L, R, J extends JoinKind> = J extends 'inner'
  ? { left: L; right: R }
  : J extends 'left'
    ? { left: L; right?: R }
    : { left?: L; right?: R };

/**
 * One result of a windowed stream-stream join: two events of one key whose timestamps are at most
 * `within` apart, or (left and outer joins) an event that found no partner before its window closed.
 */
export interface WindowJoined<K, L, R, J extends JoinKind> {
  key: K;
  left: J extends 'outer' ? L | undefined : L;
  right: J extends 'inner' ? R : R | undefined;
  /** The left event's timestamp (ms); undefined when there is no left event. */
  leftTimestamp: J extends 'outer' ? number | undefined : number;
  rightTimestamp: J extends 'inner' ? number : number | undefined;
}

export interface StreamTableJoinOptions<J extends StreamTableJoinKind> {
  kind: J;
}

export interface TableJoinOptions<J extends JoinKind> {
  kind: J;
  /** The derived table's changelog partitions are the left table's; its store, like any table's. */
  store?: string;
  help?: string;
}

export interface WindowedJoinOptions<J extends JoinKind> {
  kind: J;
  /** Seconds: a left and a right event of one key join when their timestamps differ by at most this. */
  within: number;
  /**
   * Seconds an event may arrive behind the partition's stream time and still join (default 0).
   * Later events are dropped (counted, and passed to onLate).
   */
  grace?: number;
  /** Called for each event dropped as late (after the grace). */
  onLate?: (side: 'left' | 'right', key: unknown, timestamp: number) => void;
  /** Store URL of the buffers (default: the `store` setting). */
  store?: string;
}
