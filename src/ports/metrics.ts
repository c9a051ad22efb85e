/**
 * Counters and histograms, recorded by decorators around the ports and at the edges (routes, Lambda handlers),
 * never inside the domain. Labels are bounded: stage, outcome, code, route, reason, operation — never a user id
 * or a connection id. Every name is declared once, with its labels, in the adapters' metric catalogue.
 */
export type CounterName =
  /** Sockets a send reached or not: labels `route`, `outcome` (delivered, gone, failed) and, when failed, `code`. */
  | 'deliveries'
  /** Posts sent again after a 429, 5xx or network error: label `route`. */
  | 'post_retries'
  /** Every post to `@connections`: labels `stage`, `result` (delivered, gone, forbidden, throttled, too_large, error). */
  | 'posts'
  /** `$connect` events: labels `stage`, `outcome` (accepted, refused, error). */
  | 'connects'
  /** `$disconnect` events: label `stage`. */
  | 'disconnects'
  /** Handshakes the authorizer refused: label `reason` (a category, never the token's text). */
  | 'authorizer_refusals'
  /** Calls to storage that failed: labels `store`, `operation`. */
  | 'storage_errors';

export type HistogramName =
  /** Time a send request took, from receipt to answer (milliseconds): label `route`. */
  | 'notify_latency_ms'
  /** Time one post to `@connections` took (milliseconds): labels `stage`, `result`. */
  | 'post_latency_ms'
  /** Sockets one send addressed: label `route`. */
  | 'fanout_size';

export type MetricLabels = Readonly<Record<string, string>>;

export interface Metrics {
  /** Adds `value` (default 1) to a counter. */
  count(name: CounterName, labels?: MetricLabels, value?: number): void;
  /** Records one observation of a histogram. */
  observe(name: HistogramName, value: number, labels?: MetricLabels): void;
}

export const METRICS = Symbol.for('socketpost.Metrics');
