/** Exponential backoff with full jitter: each wait is drawn uniformly from [0, min(max, initial × factor^attempt)). */
export interface BackoffOptions {
  /** The cap of the first wait. Default 500 ms. */
  initialDelayMs?: number;
  /** No wait is longer than this. Default 30 s. */
  maxDelayMs?: number;
  /** How much the cap grows per failed attempt. Default 2. */
  factor?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { initialDelayMs: 500, maxDelayMs: 30_000, factor: 2 };

/** The cap of the wait before reconnect attempt `attempt` (0 for the first one after a drop). */
export function backoffCeiling(attempt: number, options: BackoffOptions = {}): number {
  const { initialDelayMs, maxDelayMs, factor } = { ...DEFAULT_BACKOFF, ...options };
  return Math.min(maxDelayMs, initialDelayMs * factor ** Math.max(0, attempt));
}

/** A wait in [0, backoffCeiling(attempt)), drawn with `random` (Math.random by default, injected by tests). */
export function fullJitterDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const draw = Math.min(Math.max(random(), 0), 1);
  return Math.floor(draw * backoffCeiling(attempt, options));
}
