import type { MetricLabels } from '../../ports/metrics.js';
import { declaredLabels, type MetricDefinition } from './metric-catalogue.js';

/** One labelled series as prom-client's registry prints it. */
interface SeriesValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** What prom-client's `Registry` asks of a metric: its name, help and type, and its values on each scrape. */
export interface RegistryMetric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly aggregator: 'sum';
  get(): { name: string; help: string; type: 'counter' | 'histogram'; values: SeriesValue[]; aggregator: 'sum' };
  reset(): void;
}

/**
 * The series of one metric, found by the labels object a caller passes: callers keep their labels objects (one per
 * stage and result, per route and outcome…), so the common record is a WeakMap hit and an addition, with no label
 * string built, validated or hashed (prom-client does all three on every `inc` and `observe`). A labels object seen
 * for the first time is reduced to its declared labels (values cut to MAX_LABEL_LENGTH) and keyed by their values,
 * so equal labels in different objects share a series.
 */
class SeriesIndex<S> {
  private byObject = new WeakMap<MetricLabels, S>();
  private readonly byKey = new Map<string, { labels: Record<string, string>; series: S }>();
  /** The series without labels, made on first use like the others. */
  private none: { labels: Record<string, string>; series: S } | undefined;

  constructor(
    private readonly definition: MetricDefinition,
    private readonly create: () => S,
  ) {}

  of(labels: MetricLabels | undefined): S {
    if (!labels) return this.unlabelled().series;
    let series = this.byObject.get(labels);
    if (series === undefined) {
      const declared = declaredLabels(this.definition, labels);
      const key = this.definition.labels.map((name) => declared[name] ?? '').join('\u0000');
      let entry = this.byKey.get(key);
      if (!entry) {
        if (Object.keys(declared).length === 0) entry = this.unlabelled();
        else this.byKey.set(key, (entry = { labels: declared, series: this.create() }));
      }
      series = entry.series;
      this.byObject.set(labels, series);
    }
    return series;
  }

  /** The series recorded so far (a series exists once something was recorded in it). */
  entries(): { labels: Record<string, string>; series: S }[] {
    return this.none ? [this.none, ...this.byKey.values()] : [...this.byKey.values()];
  }

  clear(): void {
    this.byObject = new WeakMap();
    this.byKey.clear();
    this.none = undefined;
  }

  private unlabelled(): { labels: Record<string, string>; series: S } {
    this.none ??= { labels: {}, series: this.create() };
    return this.none;
  }
}

/** A Prometheus counter whose increments cost an addition (see SeriesIndex); printed by prom-client's registry. */
export class FastCounter implements RegistryMetric {
  readonly type = 'counter' as const;
  readonly aggregator = 'sum' as const;
  readonly name: string;
  readonly help: string;
  private readonly index: SeriesIndex<{ value: number }>;

  constructor(definition: MetricDefinition) {
    this.name = definition.prometheus;
    this.help = definition.help;
    this.index = new SeriesIndex(definition, () => ({ value: 0 }));
  }

  inc(labels: MetricLabels | undefined, value: number): void {
    const series = this.index.of(labels);
    series.value += value;
  }

  get() {
    const values: SeriesValue[] = [];
    for (const { labels, series } of this.index.entries()) values.push({ labels: { ...labels }, value: series.value });
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.index.clear();
  }
}

interface HistogramSeries {
  /** Observations per bucket (not cumulative); the last slot counts those above every bound (+Inf). */
  counts: Float64Array;
  sum: number;
  count: number;
}

/** A Prometheus histogram whose observations cost a bucket search and three additions; printed by prom-client's registry. */
export class FastHistogram implements RegistryMetric {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  readonly name: string;
  readonly help: string;
  private readonly bounds: readonly number[];
  private readonly index: SeriesIndex<HistogramSeries>;

  constructor(definition: MetricDefinition & { buckets: readonly number[] }) {
    this.name = definition.prometheus;
    this.help = definition.help;
    this.bounds = [...definition.buckets].sort((a, b) => a - b);
    this.index = new SeriesIndex(definition, () => ({ counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 }));
  }

  observe(labels: MetricLabels | undefined, value: number): void {
    const series = this.index.of(labels);
    let bucket = 0;
    while (bucket < this.bounds.length && value > (this.bounds[bucket] as number)) bucket += 1;
    series.counts[bucket] = (series.counts[bucket] as number) + 1;
    series.sum += value;
    series.count += 1;
  }

  get() {
    const values: SeriesValue[] = [];
    for (const { labels, series } of this.index.entries()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += series.counts[i] as number;
        values.push({ labels: { ...labels, le: bound }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { ...labels, le: '+Inf' }, value: series.count, metricName: `${this.name}_bucket` });
      values.push({ labels: { ...labels }, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...labels }, value: series.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.index.clear();
  }
}
