import { Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import type { CounterName, HistogramName, MetricLabels, Metrics } from '../../ports/metrics.js';
import { COUNTERS, HISTOGRAMS } from './metric-catalogue.js';
import { FastCounter, FastHistogram } from './prometheus-series.js';

/**
 * The metrics port over prom-client: one registry per instance (never the global one, so tests and several
 * services in one process stay apart), with Node's default process metrics, served as Prometheus text by
 * `GET /metrics`. socketpost's own counters and histograms are registered in it as FastCounter and FastHistogram
 * (prometheus-series.ts): prom-client builds, validates and hashes a label string on every `inc` and `observe`,
 * which, recorded for every post and every send, cost a tenth of a notify's CPU on the REST bench.
 */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly counters = new Map<CounterName, FastCounter>();
  private readonly histograms = new Map<HistogramName, FastHistogram>();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'socketpost_' });
    for (const [name, definition] of Object.entries(COUNTERS) as [CounterName, (typeof COUNTERS)[CounterName]][]) {
      const counter = new FastCounter(definition);
      this.registry.registerMetric(counter as unknown as Metric);
      this.counters.set(name, counter);
    }
    for (const [name, definition] of Object.entries(HISTOGRAMS) as [HistogramName, (typeof HISTOGRAMS)[HistogramName]][]) {
      const histogram = new FastHistogram(definition);
      this.registry.registerMetric(histogram as unknown as Metric);
      this.histograms.set(name, histogram);
    }
  }

  count(name: CounterName, labels?: MetricLabels, value = 1): void {
    const counter = this.counters.get(name);
    if (counter && value > 0) counter.inc(labels, value);
  }

  observe(name: HistogramName, value: number, labels?: MetricLabels): void {
    const histogram = this.histograms.get(name);
    const definition = HISTOGRAMS[name];
    if (histogram && Number.isFinite(value)) histogram.observe(labels, value * definition.prometheusScale);
  }

  /** The Prometheus text exposition of every metric. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
