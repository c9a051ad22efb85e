import { Registry, type Metric } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastCounter, FastHistogram } from '../../src/adapters/observability/prometheus-series.js';
import { MAX_LABEL_LENGTH, type HistogramDefinition, type MetricDefinition } from '../../src/adapters/observability/metric-catalogue.js';

const counterDefinition: MetricDefinition = {
  prometheus: 'test_sends_total',
  help: 'Sends.',
  cloudWatch: 'Sends',
  unit: 'Count',
  labels: ['stage', 'result'],
  dimensionSets: [[]],
};
const histogramDefinition: HistogramDefinition = {
  prometheus: 'test_wait_seconds',
  help: 'Waits.',
  cloudWatch: 'Wait',
  unit: 'Milliseconds',
  labels: ['stage'],
  dimensionSets: [[]],
  buckets: [0.5, 0.1, 1],
  prometheusScale: 0.001,
};

async function textOf(...metrics: (FastCounter | FastHistogram)[]): Promise<string[]> {
  const registry = new Registry();
  for (const metric of metrics) registry.registerMetric(metric as unknown as Metric);
  return (await registry.metrics()).split('\n').filter((line) => line.length > 0 && !line.startsWith('#'));
}

describe('FastCounter', () => {
  it('should add into one series for equal labels passed in different objects', async () => {
    const counter = new FastCounter(counterDefinition);
    counter.inc({ stage: 'dev', result: 'delivered' }, 1);
    counter.inc({ result: 'delivered', stage: 'dev' }, 2);
    counter.inc({ stage: 'prod', result: 'gone' }, 1);
    expect(await textOf(counter)).toEqual(['test_sends_total{stage="dev",result="delivered"} 3', 'test_sends_total{stage="prod",result="gone"} 1']);
  });

  it('should keep only the declared labels, cut to the maximum length, and print no series never counted', async () => {
    const counter = new FastCounter(counterDefinition);
    expect(await textOf(counter)).toEqual([]);
    counter.inc({ stage: 'x'.repeat(MAX_LABEL_LENGTH + 10), result: 'delivered', userId: 'alice' }, 1);
    expect(await textOf(counter)).toEqual([`test_sends_total{stage="${'x'.repeat(MAX_LABEL_LENGTH)}",result="delivered"} 1`]);
  });

  it('should count labels without any declared one, and undefined labels, in the unlabelled series', async () => {
    const counter = new FastCounter(counterDefinition);
    counter.inc(undefined, 2);
    counter.inc({ other: 'x' }, 3);
    expect(await textOf(counter)).toEqual(['test_sends_total 5']);
  });

  it('should start from nothing after a reset, the unlabelled series included', async () => {
    const counter = new FastCounter(counterDefinition);
    const labels = { stage: 'dev', result: 'delivered' };
    counter.inc(labels, 4);
    counter.inc(undefined, 2);
    counter.reset();
    counter.inc(labels, 1);
    expect(await textOf(counter)).toEqual(['test_sends_total{stage="dev",result="delivered"} 1']);
  });
});

describe('FastHistogram', () => {
  it('should print cumulative buckets in ascending order, +Inf, sum and count, a value on a bound counting in that bucket', async () => {
    const histogram = new FastHistogram(histogramDefinition);
    const labels = { stage: 'dev' };
    for (const value of [0.05, 0.1, 0.7, 1, 3]) histogram.observe(labels, value);
    expect(await textOf(histogram)).toEqual([
      'test_wait_seconds_bucket{stage="dev",le="0.1"} 2',
      'test_wait_seconds_bucket{stage="dev",le="0.5"} 2',
      'test_wait_seconds_bucket{stage="dev",le="1"} 4',
      'test_wait_seconds_bucket{stage="dev",le="+Inf"} 5',
      'test_wait_seconds_sum{stage="dev"} 4.85',
      'test_wait_seconds_count{stage="dev"} 5',
    ]);
  });

  it('should keep series apart by label values and print none for a label set never observed', async () => {
    const histogram = new FastHistogram(histogramDefinition);
    histogram.observe({ stage: 'dev' }, 0.2);
    histogram.observe({ stage: 'prod' }, 2);
    const lines = await textOf(histogram);
    expect(lines.filter((l) => l.startsWith('test_wait_seconds_count'))).toEqual(['test_wait_seconds_count{stage="dev"} 1', 'test_wait_seconds_count{stage="prod"} 1']);
    expect(lines.some((l) => l.startsWith('test_wait_seconds_count{') === false && l.startsWith('test_wait_seconds_count'))).toBe(false);
  });
});
