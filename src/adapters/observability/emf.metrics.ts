import { Metrics as PowertoolsMetrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CounterName, HistogramName, MetricLabels, Metrics } from '../../ports/metrics.js';
import { COUNTERS, HISTOGRAMS, declaredLabels, type MetricDefinition } from './metric-catalogue.js';

/**
 * The metrics port as CloudWatch Embedded Metric Format lines (through `@aws-lambda-powertools/metrics`): counters
 * are summed and histogram values kept in memory, then `flush()` writes one JSON line per label set to stdout,
 * which CloudWatch Logs turns into metrics. Lambda handlers flush after each event; the REST service, when asked,
 * on a timer. Histograms keep their values (at most 100 per line, the EMF limit, before a line is written), so
 * CloudWatch computes p50 and p99 itself.
 */
export interface EmfMetricsOptions {
  namespace: string;
  /** The `service` dimension of every metric (default `socketpost`). */
  service?: string;
}

interface Pending {
  definition: MetricDefinition;
  labels: Record<string, string>;
  /** Counters: one running sum. Histograms: every value. */
  values: number[];
  histogram: boolean;
}

const MAX_VALUES_PER_LINE = 100;

/**
 * Powertools' own warnings, minus the one about a label in two dimension sets (every `outcome` of `Deliveries`
 * is, on purpose: the failed count is published by outcome and by outcome + code).
 */
const quietLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (...args: unknown[]) => {
    if (!String(args[0]).startsWith('EMF key')) console.error(...args);
  },
  error: (...args: unknown[]) => console.error(...args),
};

export class EmfMetrics implements Metrics {
  private readonly namespace: string;
  private readonly service: string;
  private pending = new Map<string, Pending>();

  constructor(options: EmfMetricsOptions) {
    this.namespace = options.namespace;
    this.service = options.service ?? 'socketpost';
  }

  count(name: CounterName, labels?: MetricLabels, value = 1): void {
    if (!(value > 0)) return;
    const entry = this.entry(COUNTERS[name], labels, false);
    entry.values[0] = (entry.values[0] ?? 0) + value;
  }

  observe(name: HistogramName, value: number, labels?: MetricLabels): void {
    if (!Number.isFinite(value)) return;
    const entry = this.entry(HISTOGRAMS[name], labels, true);
    entry.values.push(value);
    if (entry.values.length >= MAX_VALUES_PER_LINE) this.write([entry]).values = [];
  }

  /** Writes every pending metric (one EMF line per metric and label set) and forgets them. */
  flush(): void {
    const pending = [...this.pending.values()];
    this.pending = new Map();
    for (const entry of pending) if (entry.values.length > 0) this.write([entry]);
  }

  /** Flushes every `intervalMs` until the returned function is called (which flushes one last time). */
  flushEvery(intervalMs: number): () => void {
    const timer = setInterval(() => this.flush(), intervalMs);
    timer.unref();
    return () => {
      clearInterval(timer);
      this.flush();
    };
  }

  private entry(definition: MetricDefinition, labels: MetricLabels | undefined, histogram: boolean): Pending {
    const kept = declaredLabels(definition, labels);
    let key = definition.cloudWatch;
    for (const name of definition.labels) key += `\u0000${kept[name] ?? ''}`;
    let entry = this.pending.get(key);
    if (!entry) {
      entry = { definition, labels: kept, values: [], histogram };
      this.pending.set(key, entry);
    }
    return entry;
  }

  private write(entries: Pending[]): Pending {
    const first = entries[0] as Pending;
    const { definition, labels } = first;
    const metrics = new PowertoolsMetrics({ namespace: this.namespace, serviceName: this.service, logger: quietLogger });
    // Each dimension set whose labels are all present; the service alone when none is.
    let sets = 0;
    for (const set of definition.dimensionSets) {
      if (set.length === 0 || !set.every((name) => labels[name] !== undefined)) continue;
      metrics.addDimensions(Object.fromEntries(set.map((name) => [name, labels[name] as string])));
      sets += 1;
    }
    if (sets === 0 || definition.dimensionSets.some((set) => set.length === 0)) metrics.addDimensions({});
    const unit = definition.unit === 'Milliseconds' ? MetricUnit.Milliseconds : MetricUnit.Count;
    for (const entry of entries) for (const value of entry.values) metrics.addMetric(definition.cloudWatch, unit, value);
    metrics.publishStoredMetrics();
    return first;
  }
}
