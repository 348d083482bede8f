import type { Agent } from '../agents/agent.js';
import type { App } from '../app/app.js';
import { Topic } from '../channels/topic.js';
import type { Message } from '../transport/types.js';
import { type AppTestContext, openAppTestContext } from './app-context.js';
import type {
  CommittedOffset,
  DeadLetter,
  PutBytesOptions,
  PutOptions,
  SentRecord,
  TestContextOptions,
  YieldRecord,
} from './types.js';

/** The test context of an agent, for declarations: `let ctx: TestContextOf<typeof checkout>`. */
export type TestContextOf<A> = A extends Agent<infer K, infer V, infer Y> ? AgentTestContext<K, V, Y> : never;

/**
 * Starts the agent's app on a private in-process broker (what `agent.testContext()` does) and
 * returns a context focused on the agent: put() writes to its source and returns what it yielded.
 */
export async function openAgentTestContext<K, V, Y>(
  agent: Agent<K, V, Y>,
  app: App,
  options?: TestContextOptions,
): Promise<AgentTestContext<K, V, Y>> {
  if (typeof app?.getAgent !== 'function' || app.getAgent(agent.name) !== agent) {
    throw new Error(`agent ${agent.name} was not made by app.agent(): it has no app to test it in`);
  }
  return new AgentTestContext(await openAppTestContext(app, options), agent);
}

/**
 * An app test context focused on one agent. The whole app runs (the agent's sinks and the
 * agents they feed included); `put()` writes to this agent's source and resolves with the
 * values this agent yielded while the app processed it. Get one with `agent.testContext()`.
 */
export class AgentTestContext<K, V, Y> {
  /** @internal Use agent.testContext() or openAgentTestContext(). */
  constructor(
    /** The app's test context: put to other topics, read any topic. */
    readonly app: AppTestContext,
    readonly agent: Agent<K, V, Y>,
  ) {}

  /**
   * Sends `value` to the agent and waits until the app has processed everything queued so far;
   * resolves with what the agent yielded meanwhile ([] with `wait: false`, or for an agent
   * that does not yield).
   */
  async put(value: V, options?: PutOptions<K>): Promise<Y[]> {
    return this.own((await this.app.put(this.agent, value, options)).yielded);
  }

  /** Writes raw bytes to the agent's source topic (to see them dead-lettered); as put(). */
  async putBytes(value: Buffer | string | null, options?: PutBytesOptions): Promise<Y[]> {
    return this.own((await this.app.putBytes(this.sourceTopic('putBytes'), value, options)).yielded);
  }

  /** Everything the agent yielded so far, in order (Faust's `results`). */
  get results(): Y[] {
    return this.app.yielded(this.agent);
  }

  /** The records on a topic, decoded, in the order they were sent. */
  sent<K2, V2>(topic: Topic<K2, V2>): SentRecord<K2, V2>[];
  sent(topic: string): SentRecord[];
  sent(topic: Topic<unknown, unknown> | string): SentRecord[] {
    return typeof topic === 'string' ? this.app.sent(topic) : this.app.sent(topic);
  }

  sentRaw(topic: Topic<unknown, unknown> | string): Message[] {
    return this.app.sentRaw(topic);
  }

  /** The dead-lettered records of the agent's source topic (or of another topic). */
  deadLetters(): DeadLetter<K, V>[];
  deadLetters<K2, V2>(topic: Topic<K2, V2>): DeadLetter<K2, V2>[];
  deadLetters(topic: string): DeadLetter[];
  deadLetters(topic?: Topic<unknown, unknown> | string): DeadLetter[] {
    const target = topic ?? this.sourceTopic('deadLetters');
    return typeof target === 'string' ? this.app.deadLetters(target) : this.app.deadLetters(target);
  }

  /** The app's committed offsets of the agent's source topic (or of another topic). */
  committed(topic?: Topic<unknown, unknown> | string): CommittedOffset[] {
    return this.app.committed(topic ?? this.sourceTopic('committed'));
  }

  settle(): Promise<void> {
    return this.app.settle();
  }

  /** One cleanup tick now: windowed tables close and expire windows (see AppTestContext.tick()). */
  tick(): Promise<void> {
    return this.app.tick();
  }

  /** Moves event time forward to `timestampMs` in every partition, then ticks (see AppTestContext). */
  advanceEventTime(timestampMs: number): Promise<void> {
    return this.app.advanceEventTime(timestampMs);
  }

  stop(): Promise<void> {
    return this.app.stop();
  }

  private own(yielded: YieldRecord[]): Y[] {
    return yielded.filter((record) => record.agent === this.agent.name).map((record) => record.value as Y);
  }

  private sourceTopic(what: string): Topic<K, V> {
    const source = this.agent.source;
    if (!(source instanceof Topic)) {
      throw new Error(`${what}: agent ${this.agent.name} reads channel ${source.name}, not a topic`);
    }
    return source;
  }
}
