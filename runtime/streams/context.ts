import { AsyncLocalStorage } from 'node:async_hooks';
import type { Event } from './event.js';
import type { StreamState } from './types.js';

/** What runs in an actor's asynchronous context: which agent, and the stream state it iterates. */
export interface ActorScope {
  agent: string;
  state: StreamState;
  /** When the current event started processing (performance.now()), for blocking warnings. */
  since: number;
}

const scopes = new AsyncLocalStorage<ActorScope>();

export function runInActor<T>(scope: ActorScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

export function currentActor(): ActorScope | undefined {
  return scopes.getStore();
}

/** The event the calling agent is processing, if called from inside an agent. */
export function currentEvent(): Event<unknown, unknown> | undefined {
  const inflight = scopes.getStore()?.state.inflight;
  return inflight?.[inflight.length - 1];
}

/**
 * Runs `fn` as if `event` were the event being processed, so that what it sends belongs to that
 * event (with exactly_once: to the transaction of the event's partition), e.g. its dead letter.
 */
export function runForEvent<T>(event: Event<unknown, unknown>, fn: () => T): T {
  const scope = scopes.getStore();
  return scopes.run(
    {
      agent: scope?.agent ?? '',
      since: scope?.since ?? performance.now(),
      state: { inflight: [event], acks: true, agent: scope?.state.agent },
    },
    fn,
  );
}
