/**
 * The agents an app declares: an Agent (runtime/agents) plus what needs the whole app, its test
 * driver. The driver (faustgen/testing) is loaded when testContext() is first called, so a worker
 * never loads the test kit.
 */
import { Agent } from '../agents/agent.js';
import type { AgentTestContext, openAgentTestContext, TestContextOptions } from '../testing/index.js';

type DrivenApp = Parameters<typeof openAgentTestContext>[1];

export class AppAgent<K = unknown, V = unknown, Y = unknown> extends Agent<K, V, Y> {
  /**
   * A broker-free test driver focused on this agent (faustgen/testing): starts its app on a
   * private in-process broker; `await ctx.put(value)` resolves with what the agent yielded.
   */
  async testContext(options?: TestContextOptions): Promise<AgentTestContext<K, V, Y>> {
    const { openAgentTestContext } = await import('../testing/index.js');
    return openAgentTestContext(this, this.host.app as DrivenApp, options);
  }
}
