/** Sensors: the Monitor (counts, rates, latencies, lag), Prometheus exposition, and the HTTP client. */
export { constructExtension } from './extension.js';
export {
  DEFAULT_HTTP_TIMEOUT_MS,
  HttpClient,
  type HttpClientOptions,
  HttpError,
  HttpJsonError,
  type HttpRequestOptions,
  HttpStatusError,
  HttpTimeoutError,
} from './http-client.js';
export {
  type AgentStats,
  Monitor,
  type MonitorOptions,
  type MonitorSnapshot,
  type PartitionStats,
  type TableStats,
} from './monitor.js';
export { PROMETHEUS_CONTENT_TYPE, type PrometheusOptions, prometheusText } from './prometheus.js';
export { type Sensor, Sensors } from '../core/sensor.js';
export { type Clock, LatencyHistory, type LatencySummary, nearestRank, RateMeter } from './stats.js';
