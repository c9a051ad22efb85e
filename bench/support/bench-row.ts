/** One line of `bench/results.json`. A row without a comparison has `baseline: null`, `baselineValue: null`, `ratio: null`. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  baseline: string | null;
  baselineValue: number | null;
  /** value / baselineValue, both measured in the same run, interleaved round by round. */
  ratio: number | null;
}

export function row(name: string, value: number, unit: string, baseline?: { name: string; value: number }): BenchRow {
  return {
    name,
    value: round(value),
    unit,
    baseline: baseline?.name ?? null,
    baselineValue: baseline ? round(baseline.value) : null,
    // From the rounded figures the row shows, so that ratio = value / baselineValue holds for the row as written.
    ratio: baseline && round(baseline.value) !== 0 ? round(round(value) / round(baseline.value), 3) : null,
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/**
 * Runs `rounds` warm rounds (after one warm-up round) of every path, in an order that rotates each round so no
 * path always runs first; returns each path's samples (one per warm round).
 */
export async function interleaved<K extends string>(
  rounds: number,
  paths: Record<K, () => Promise<number>>,
  /** A pause after each path, so that what one path leaves behind (sockets closing, garbage) is not charged to the next. */
  settleMs = 0,
): Promise<Record<K, number[]>> {
  const names = Object.keys(paths) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round <= rounds; round += 1) {
    const order = names.map((_, i) => names[(i + round) % names.length]!);
    for (const name of order) {
      const value = await paths[name]();
      if (round > 0) samples[name].push(value);
      if (settleMs > 0) await settle(settleMs);
    }
  }
  return samples;
}

/**
 * Waits `ms`, so that what the previous path left behind (sockets closing) is done before the next starts. No forced
 * garbage collection here: a forced full GC (`gc()`) also throws away the compiled code, and measured on this
 * machine it made the next round of raw undici posts cost 4× the CPU (≈ 100 µs a post instead of ≈ 25 µs), the
 * cheapest path most: ratios taken after it were not the paths' steady ones.
 */
export async function settle(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Credentials the bench signs with (the sink does not verify them). */
export const BENCH_CREDENTIALS = { accessKeyId: 'AKIDBENCHEXAMPLE', secretAccessKey: 'bench-secret-access-key-0123456789' };
export const BENCH_API_KEY = 'bench-api-key-0123456789abcdef';
