/** Agents: isolated partitions that can work, and sinks that agree on what the agent yields. */
import { quoteList } from '../issues.js';
import type { Loose } from '../read.js';
import type { AgentDef, SinkRef } from '../types.js';
import { type CheckContext, entryPointer } from './context.js';

function checkIsolatedPartitions(context: CheckContext, name: string, agent: Loose<AgentDef>): void {
  if (agent.isolatedPartitions !== true) return;
  if (agent.concurrency !== undefined && agent.concurrency > 1) {
    context.issues.add({
      code: 'FG4022',
      pointer: entryPointer('agents', name, 'concurrency'),
      message: `concurrency is ${agent.concurrency} with isolatedPartitions: an isolated agent runs one actor per partition already`,
      fix: 'remove "concurrency" (or set it to 1), or drop "isolatedPartitions"',
    });
  }
  if (agent.source !== undefined && 'channel' in agent.source) {
    context.issues.add({
      code: 'FG4022',
      pointer: entryPointer('agents', name, 'isolatedPartitions'),
      message: `isolatedPartitions needs a topic source, but the agent reads channel ${JSON.stringify(agent.source.channel)}, which has no partitions`,
      fix: 'read a topic, or drop "isolatedPartitions"',
    });
  }
}

/** The value type a sink takes; undefined when it takes anything (or is not declared). */
function sinkValueType(context: CheckContext, sink: SinkRef): string | undefined {
  const { topics, channels, agents } = context.topology;
  if ('topic' in sink) return topics[sink.topic]?.valueType;
  if ('channel' in sink) return channels[sink.channel]?.valueType;
  const source = agents[sink.agent]?.source;
  if (source === undefined) return undefined;
  if ('channel' in source) return channels[source.channel]?.valueType;
  // Sending to an agent that reads a join sends to the join's left topic.
  const topic = 'topic' in source ? source.topic : leftTopicOf(context, source.join);
  return topic === undefined ? undefined : topics[topic]?.valueType;
}

function leftTopicOf(context: CheckContext, join: string): string | undefined {
  const left = context.topology.joins[join]?.left;
  return left !== undefined && 'topic' in left ? left.topic : undefined;
}

function describeSink(sink: SinkRef): string {
  const [kind, target] = Object.entries(sink)[0] as [string, string];
  return `${kind} ${target}`;
}

function checkSinkTypes(context: CheckContext, name: string, agent: Loose<AgentDef>): void {
  const typed = (agent.sinks ?? [])
    .map((sink) => ({ sink, type: sinkValueType(context, sink) }))
    .filter(
      (entry): entry is { sink: SinkRef; type: string } => entry.type !== undefined && entry.type !== 'json',
    );
  const types = [...new Set(typed.map((entry) => entry.type))];
  if (types.length <= 1) return;
  context.issues.add({
    code: 'FG4023',
    pointer: entryPointer('agents', name, 'sinks'),
    message: `the sinks take different value types: ${typed.map((entry) => `${describeSink(entry.sink)} takes ${entry.type}`).join(', ')}`,
    fix: `send to sinks of one value type (${quoteList(types)}), or send the others from the agent's code through "sendsTo"`,
  });
}

export function checkAgents(context: CheckContext): void {
  for (const [name, agent] of Object.entries(context.topology.agents)) {
    checkIsolatedPartitions(context, name, agent);
    checkSinkTypes(context, name, agent);
  }
}
