import { setTimeout as sleep } from 'node:timers/promises';
import { Channel } from '../channels/channel.js';
import type { App } from '../app/app.js';
import type { MemoryBroker } from '../transport/memory/index.js';
import { nextTurn } from '../transport/memory/wakeup.js';

/** Turns checked back to back before checking every few milliseconds (a handler awaiting a timer). */
const EAGER_TURNS = 1000;
const POLL_MS = 2;

export interface WaitOptions {
  timeoutMs: number;
  /** Checked before every look: an error (the app crashed, the context stopped) is thrown at once. */
  failure: () => Error | undefined;
  /** Names what is waited for in the timeout error. */
  what: string;
}

/**
 * Looks at `busy` from fresh event-loop turns until it returns nothing. Back to back at first,
 * then every few milliseconds (a handler may be awaiting a timer); after `timeoutMs` it throws,
 * naming what is still busy.
 */
export async function waitUntil(
  busy: () => string[] | Promise<string[]>,
  options: WaitOptions,
): Promise<void> {
  const started = Date.now();
  for (let turn = 0; ; turn++) {
    if (turn < EAGER_TURNS) await nextTurn();
    else await sleep(POLL_MS);
    const error = options.failure();
    if (error) throw error;
    const reasons = await busy();
    if (reasons.length === 0) return;
    if (Date.now() - started > options.timeoutMs) {
      throw new Error(
        `test context of ${options.what}: still busy after ${options.timeoutMs} ms: ${reasons.join('; ')}`,
      );
    }
  }
}

/**
 * Decides when an app on a memory broker has processed everything it was given: the producer
 * has nothing unacknowledged, the broker's consumers have handed out every record, no stream
 * buffer or channel holds an event, and every agent actor waits for its next event with none in
 * hand (or has finished). Commits need no extra check: with brokerCommitEvery 1 an ack starts a
 * commit at once, and a commit waits only on the producer and in-process promises.
 *
 * The state is read in one synchronous pass, from a fresh event-loop turn, so that every
 * promise chain started by earlier work has run: whatever is still pending then waits on a
 * timer or on I/O, and shows up in that state (a queued or unacknowledged message, a busy actor).
 * Work the app does not await (a floating promise, a setTimeout in a sink) cannot be seen.
 */
export class Quiescence {
  constructor(
    private readonly app: App,
    private readonly broker: MemoryBroker,
  ) {}

  /** What is still busy, one phrase each; empty when the app is quiet. */
  async busy(): Promise<string[]> {
    // idle(0) checks the consumers synchronously, now, and reports through its promise.
    const consumers = this.broker.idle(0).then(
      () => undefined,
      () => 'the broker is still handing out records',
    );
    const reasons = this.busyNow();
    const consumer = await consumers;
    return consumer ? [consumer, ...reasons] : reasons;
  }

  /** Waits until busy() is empty; see waitUntil(). */
  settle(timeoutMs: number, failure: () => Error | undefined): Promise<void> {
    return waitUntil(() => this.busy(), { timeoutMs, failure, what: `app ${this.app.appId}` });
  }

  private busyNow(): string[] {
    const reasons: string[] = [];
    const { engine } = this.app;
    const pending = engine.producer.pending;
    if (pending > 0) reasons.push(`the producer has ${pending} message(s) not yet acknowledged`);
    for (const [topic, events] of engine.conductor.bufferedEvents()) {
      reasons.push(`${events} event(s) of topic ${topic} wait in stream buffers`);
    }
    for (const agent of this.app.agents()) {
      if (agent.source instanceof Channel && agent.source.size > 0) {
        reasons.push(
          `channel ${agent.source.name} of agent ${agent.name} holds ${agent.source.size} value(s)`,
        );
      }
      for (const actor of agent.actorActivity()) {
        if (actor.state !== 'busy') continue;
        const events = actor.inflight.map((e) => `${e.topic}[${e.partition}]@${e.offset}`).join(', ');
        reasons.push(
          events === ''
            ? `agent ${agent.name} actor ${actor.actor} is running (not waiting for an event)`
            : `agent ${agent.name} actor ${actor.actor} is processing ${events}`,
        );
      }
    }
    return reasons;
  }
}
