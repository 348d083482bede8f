/**
 * The Kafka topics an agent's events come from: its topic, or the topics of the join it reads (a
 * stream-table join's topic, both topics of a windowed join). A channel has none.
 */
import type { AgentSource, JoinSide } from './types.js';

interface JoinSides {
  readonly type?: string;
  readonly left?: JoinSide;
  readonly right?: JoinSide;
}

export function sourceTopics(
  source: AgentSource | undefined,
  joins: Readonly<Record<string, JoinSides>>,
): string[] {
  if (source === undefined || 'channel' in source) return [];
  if ('topic' in source) return [source.topic];
  const join = Object.hasOwn(joins, source.join) ? joins[source.join] : undefined;
  if (join?.type !== 'stream-table' && join?.type !== 'windowed') return [];
  return [join.left, join.right].flatMap((side) =>
    side !== undefined && 'topic' in side ? [side.topic] : [],
  );
}
