import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CounterName, HistogramName, MetricLabels, Metrics } from '../../ports/metrics.js';
import { COUNTERS, HISTOGRAMS, declaredLabels } from './metric-catalogue.js';

/**
 * The metrics port over prom-client: one registry per instance (never the global one, so tests and several
 * services in one process stay apart), with Node's default process metrics, served as Prometheus text by
 * `GET /metrics`.
 */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly counters = new Map<CounterName, Counter>();
  private readonly histograms = new Map<HistogramName, Histogram>();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'socketpost_' });
    for (const [name, definition] of Object.entries(COUNTERS) as [CounterName, (typeof COUNTERS)[CounterName]][]) {
      this.counters.set(
        name,
        new Counter({ name: definition.prometheus, help: definition.help, labelNames: [...definition.labels], registers: [this.registry] }),
      );
    }
    for (const [name, definition] of Object.entries(HISTOGRAMS) as [HistogramName, (typeof HISTOGRAMS)[HistogramName]][]) {
      this.histograms.set(
        name,
        new Histogram({
          name: definition.prometheus,
          help: definition.help,
          labelNames: [...definition.labels],
          buckets: [...definition.buckets],
          registers: [this.registry],
        }),
      );
    }
  }

  count(name: CounterName, labels?: MetricLabels, value = 1): void {
    const counter = this.counters.get(name);
    if (counter && value > 0) counter.inc(declaredLabels(COUNTERS[name], labels), value);
  }

  observe(name: HistogramName, value: number, labels?: MetricLabels): void {
    const histogram = this.histograms.get(name);
    const definition = HISTOGRAMS[name];
    if (histogram && Number.isFinite(value)) histogram.observe(declaredLabels(definition, labels), value * definition.prometheusScale);
  }

  /** The Prometheus text exposition of every metric. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
