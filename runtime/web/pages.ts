import {
  PAGE_METHODS,
  type PageMethods,
  type PageOptions,
  type RouteSpec,
  type WebHandler,
} from './types.js';

/** Routes collected before the server starts (pages, blueprints, built-ins). */
export class RouteTable {
  private readonly routes: RouteSpec[] = [];
  private frozen = false;

  add(path: string, handler: WebHandler | PageMethods, options: PageOptions = {}): void {
    if (this.frozen) throw new Error(`web: page ${path} must be added before the web server starts`);
    if (!path.startsWith('/'))
      throw new Error(`web: a page path starts with '/', got ${JSON.stringify(path)}`);
    const methods: PageMethods = typeof handler === 'function' ? { get: handler } : handler;
    const given = Object.keys(methods);
    const unknown = given.filter((method) => !(PAGE_METHODS as readonly string[]).includes(method));
    if (unknown.length > 0) {
      throw new Error(
        `web: page ${path}: unknown method(s) ${unknown.join(', ')}; use ${PAGE_METHODS.join(', ')}`,
      );
    }
    if (given.length === 0) throw new Error(`web: page ${path} has no handler`);
    for (const method of PAGE_METHODS) {
      const fn = methods[method];
      if (!fn) continue;
      if (typeof fn !== 'function')
        throw new Error(`web: page ${path}: the ${method} handler is not a function`);
      if (this.routes.some((route) => route.path === path && route.method === method)) {
        throw new Error(`web: ${method.toUpperCase()} ${path} is declared twice`);
      }
      this.routes.push({ method, path, handler: fn, options });
    }
  }

  freeze(): RouteSpec[] {
    this.frozen = true;
    return [...this.routes];
  }

  all(): readonly RouteSpec[] {
    return this.routes;
  }
}

/** Routes grouped under a prefix (Faust's blueprints): `bp.page('/x', ...)` serves `<prefix>/x`. */
export class Blueprint {
  constructor(
    readonly prefix: string,
    private readonly table: RouteTable,
  ) {
    if (!prefix.startsWith('/') || prefix.endsWith('/')) {
      throw new Error(
        `web: a blueprint prefix starts with '/' and does not end with one, got ${JSON.stringify(prefix)}`,
      );
    }
  }

  page(path: string, handler: WebHandler | PageMethods, options?: PageOptions): this {
    this.table.add(path === '/' ? this.prefix : `${this.prefix}${path}`, handler, options);
    return this;
  }

  /** A blueprint under this one's prefix. */
  blueprint(prefix: string): Blueprint {
    return new Blueprint(`${this.prefix}${prefix}`, this.table);
  }
}
