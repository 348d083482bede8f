import type { Logger } from '../core/logging/index.js';
import type { Clock } from './clock.js';
import { settlesWithin } from './settle.js';

/**
 * Something that starts and stops with the worker (Faust's `@app.service`): a plain object or a
 * class instance. Both methods are optional and receive the app.
 */
export interface AppService<A = unknown> {
  /** Shown in logs; a class instance's class name is used when there is none. */
  readonly name?: string;
  start?(app: A): unknown;
  stop?(app: A): unknown;
}

interface Declared<A> {
  service: AppService<A>;
  name: string;
}

/** Starts services in declaration order and stops the started ones in reverse order. */
export class ServiceGroup<A> {
  private readonly declared: Declared<A>[] = [];
  private readonly started: Declared<A>[] = [];

  add<S extends AppService<A>>(service: S): S {
    if (typeof service !== 'object' || service === null) {
      throw new Error(
        `app.service() takes an object with start(app) and/or stop(app), got ${typeof service}`,
      );
    }
    if (typeof service.start !== 'function' && typeof service.stop !== 'function') {
      throw new Error(`service ${serviceName(service, this.declared.length)} has neither start() nor stop()`);
    }
    if (this.declared.some((d) => d.service === service)) {
      throw new Error(`service ${serviceName(service, 0)} was already added`);
    }
    this.declared.push({ service, name: serviceName(service, this.declared.length) });
    return service;
  }

  names(): string[] {
    return this.declared.map((d) => d.name);
  }

  /**
   * Starts each service in turn, until `cancelled()` (the app is stopping); throws, naming the
   * service, on the first that fails.
   */
  async startAll(app: A, logger: Logger, cancelled: () => boolean): Promise<void> {
    for (const entry of this.declared) {
      if (cancelled()) return;
      try {
        await entry.service.start?.(app);
      } catch (error) {
        throw new Error(`service ${entry.name} failed to start: ${(error as Error).message}`, {
          cause: error,
        });
      }
      this.started.push(entry);
      logger.debug(`service ${entry.name} started`);
    }
  }

  /** Stops the started services, last started first; each gets at most `timeoutMs`. */
  async stopAll(app: A, logger: Logger, clock: Clock, timeoutMs: number): Promise<void> {
    while (this.started.length > 0) {
      const entry = this.started.pop()!;
      const stopping = Promise.resolve().then(() => entry.service.stop?.(app));
      stopping.catch((error: unknown) =>
        logger.error(`service ${entry.name} failed to stop: ${(error as Error).message}`, { err: error }),
      );
      if (!(await settlesWithin(stopping, timeoutMs, clock))) {
        logger.warn(`service ${entry.name} did not stop within ${timeoutMs / 1000}s; going on with shutdown`);
      }
    }
  }
}

function serviceName(service: AppService<never>, index: number): string {
  if (typeof service.name === 'string' && service.name !== '') return service.name;
  const className = Object.getPrototypeOf(service)?.constructor?.name;
  if (typeof className === 'string' && className !== '' && className !== 'Object') return className;
  return `service#${index + 1}`;
}
