/** Time, injectable so tests can run retries and expiry without waiting. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const CLOCK = Symbol.for('socketpost.Clock');
