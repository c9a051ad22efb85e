import type { MetricLabels } from '../../ports/metrics.js';

/**
 * One labels object per distinct label set, built on first use and reused, so a hot path that records a metric
 * allocates none. Label values are bounded by design (stages, routes, outcomes, codes), but a cache must not grow
 * with unexpected input: past `maxEntries` sets, labels are built per call and not kept.
 *
 * Use: `cache.get(key) ?? cache.keep(key, { stage, result })` (the literal is only built on a miss).
 */
export class BoundedLabelCache {
  private readonly sets = new Map<string, MetricLabels>();

  constructor(private readonly maxEntries = 1_000) {}

  get(key: string): MetricLabels | undefined {
    return this.sets.get(key);
  }

  /** Keeps `labels` under `key` while there is room, and returns them. */
  keep(key: string, labels: MetricLabels): MetricLabels {
    if (this.sets.size < this.maxEntries) this.sets.set(key, labels);
    return labels;
  }

  get size(): number {
    return this.sets.size;
  }
}
