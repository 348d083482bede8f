/** Types for parse-prometheus-text-format (the package ships none); used by the web tests. */
declare module 'parse-prometheus-text-format' {
  export interface PrometheusMetric {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    quantiles?: Record<string, string>;
    count?: string;
    sum?: string;
  }
  export interface PrometheusFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'SUMMARY' | 'HISTOGRAM' | 'UNTYPED';
    metrics: PrometheusMetric[];
  }
  /** Parses exposition text; throws on text that is not valid Prometheus text format. */
  export default function parse(text: string): PrometheusFamily[];
}
