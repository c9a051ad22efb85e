import type { StopSignal } from '../domain/shared/stop-signal.js';

/** Time, injectable so tests can run retries, deadlines and expiry without waiting. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Waits `ms`; returns early (and frees its timer) as soon as `stop` stops, when given. */
  sleep(ms: number, stop?: StopSignal<string>): Promise<void>;
  /** Calls `callback` once, `ms` from now. Returns a function that cancels it (and frees its timer). */
  schedule(ms: number, callback: () => void): () => void;
}

export const CLOCK = Symbol.for('socketpost.Clock');
