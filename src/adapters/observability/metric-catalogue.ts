import type { CounterName, HistogramName, MetricLabels, Metrics } from '../../ports/metrics.js';

/**
 * Every metric socketpost records, declared once: its Prometheus name and help, its CloudWatch (EMF) name and
 * unit, and its labels. Labels are bounded; a label not declared here is dropped by both adapters.
 */
export interface MetricDefinition {
  /** Prometheus name (`socketpost_…`, `_total` for counters, `_seconds` for times). */
  prometheus: string;
  help: string;
  /** CloudWatch metric name in the EMF namespace. */
  cloudWatch: string;
  unit: 'Count' | 'Milliseconds';
  labels: readonly string[];
  /**
   * CloudWatch dimension sets (each a subset of `labels`); a set is used when every one of its labels is present.
   * Fewer dimensions aggregate: `Deliveries` by `outcome` alone, and failed ones by `outcome` + `code` too.
   */
  dimensionSets: readonly (readonly string[])[];
}

export interface HistogramDefinition extends MetricDefinition {
  /** Prometheus buckets, in the Prometheus unit (seconds for times). */
  buckets: readonly number[];
  /** Multiplies a recorded value into the Prometheus unit (0.001: milliseconds to seconds). */
  prometheusScale: number;
}

export const COUNTERS: Readonly<Record<CounterName, MetricDefinition>> = {
  deliveries: {
    prometheus: 'socketpost_deliveries_total',
    help: 'Sockets a send reached (delivered), found closed (gone) or could not reach (failed, by code).',
    cloudWatch: 'Deliveries',
    unit: 'Count',
    labels: ['route', 'outcome', 'code'],
    dimensionSets: [['outcome'], ['outcome', 'code']],
  },
  post_retries: {
    prometheus: 'socketpost_post_retries_total',
    help: 'Posts sent again, by stage: after a 429, a 5xx or a network error, or a 410 while the socket was still connecting.',
    cloudWatch: 'PostRetries',
    unit: 'Count',
    labels: ['stage'],
    dimensionSets: [[]],
  },
  posts: {
    prometheus: 'socketpost_posts_total',
    help: 'Posts to @connections, by stage and by what API Gateway answered.',
    cloudWatch: 'Posts',
    unit: 'Count',
    labels: ['stage', 'result'],
    dimensionSets: [['result'], ['stage', 'result']],
  },
  connects: {
    prometheus: 'socketpost_connects_total',
    help: '$connect events, by stage and outcome (accepted, refused, error).',
    cloudWatch: 'Connects',
    unit: 'Count',
    labels: ['stage', 'outcome'],
    dimensionSets: [['outcome'], ['stage', 'outcome']],
  },
  disconnects: {
    prometheus: 'socketpost_disconnects_total',
    help: '$disconnect events, by stage.',
    cloudWatch: 'Disconnects',
    unit: 'Count',
    labels: ['stage'],
    dimensionSets: [[], ['stage']],
  },
  authorizer_refusals: {
    prometheus: 'socketpost_authorizer_refusals_total',
    help: 'Handshakes the authorizer refused, by reason.',
    cloudWatch: 'AuthorizerRefusals',
    unit: 'Count',
    labels: ['reason'],
    dimensionSets: [[], ['reason']],
  },
  storage_errors: {
    prometheus: 'socketpost_storage_errors_total',
    help: 'Storage calls that failed, by store and operation.',
    cloudWatch: 'StorageErrors',
    unit: 'Count',
    labels: ['store', 'operation'],
    dimensionSets: [[], ['store', 'operation']],
  },
};

export const HISTOGRAMS: Readonly<Record<HistogramName, HistogramDefinition>> = {
  notify_latency_ms: {
    prometheus: 'socketpost_notify_duration_seconds',
    help: 'Time a send request took, from receipt to answer.',
    cloudWatch: 'NotifyLatency',
    unit: 'Milliseconds',
    labels: ['route'],
    dimensionSets: [[]],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    prometheusScale: 0.001,
  },
  post_latency_ms: {
    prometheus: 'socketpost_post_duration_seconds',
    help: 'Time one post to @connections took, by stage and result.',
    cloudWatch: 'PostLatency',
    unit: 'Milliseconds',
    labels: ['stage', 'result'],
    dimensionSets: [[]],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    prometheusScale: 0.001,
  },
  fanout_size: {
    prometheus: 'socketpost_fanout_size',
    help: 'Sockets one send addressed.',
    cloudWatch: 'FanOutSize',
    unit: 'Count',
    labels: ['route'],
    dimensionSets: [[]],
    buckets: [0, 1, 2, 5, 10, 100, 1_000, 10_000, 100_000],
    prometheusScale: 1,
  },
};

/** Label values are cut to this length: a bounded label never needs more, and a bug cannot blow a series up. */
export const MAX_LABEL_LENGTH = 64;

/** The declared labels of `labels`, each value cut to MAX_LABEL_LENGTH; undefined and empty values are left out. */
export function declaredLabels(definition: MetricDefinition, labels: MetricLabels | undefined): Record<string, string> {
  const kept: Record<string, string> = {};
  if (!labels) return kept;
  for (const name of definition.labels) {
    const value = labels[name];
    if (typeof value === 'string' && value.length > 0) kept[name] = value.length > MAX_LABEL_LENGTH ? value.slice(0, MAX_LABEL_LENGTH) : value;
  }
  return kept;
}

/** Records nothing: `METRICS=off`. */
export const NO_METRICS: Metrics = {
  count: () => undefined,
  observe: () => undefined,
};

/** Records into every one of `targets` (the REST service with both Prometheus and EMF). */
export function teeMetrics(...targets: Metrics[]): Metrics {
  if (targets.length === 1) return targets[0] as Metrics;
  return {
    count: (name, labels, value) => {
      for (const target of targets) target.count(name, labels, value);
    },
    observe: (name, value, labels) => {
      for (const target of targets) target.observe(name, value, labels);
    },
  };
}
