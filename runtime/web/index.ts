/** The worker's web server: pages, blueprints, key-owned routes, health, router, tables, stats, metrics, dashboard. */
export { DASHBOARD_HTML } from './dashboard.js';
export { type ErrorBody, HttpProblem, ResponseSchemaError, Unavailable } from './errors.js';
export { type KeyRouteContext, type RoutableTable, tablePartition } from './key-routes.js';
export { WorkerMetrics } from './metrics.js';
export { OwnershipState } from './ownership.js';
export { Blueprint } from './pages.js';
export { DEFAULT_BODY_LIMIT, FORWARD_TIMEOUT_MS, type WebAddress, WebServer } from './server.js';
export {
  FORWARDED_HEADER,
  type KeySource,
  PAGE_METHODS,
  type PageMethod,
  type PageMethods,
  type PageOptions,
  type PageSchema,
  SERVED_BY_HEADER,
  type WebHandler,
  type WebReply,
  type WebRequest,
} from './types.js';
export type { TableView, WorkerStatus, WorkerView } from './worker-view.js';
