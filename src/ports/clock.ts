import type { StopSignal } from '../domain/shared/stop-signal.js';

/** Time, injectable so tests can run retries and expiry without waiting. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Waits `ms`; returns early (and frees its timer) as soon as `stop` stops, when given. */
  sleep(ms: number, stop?: StopSignal<string>): Promise<void>;
}

export const CLOCK = Symbol.for('socketpost.Clock');
