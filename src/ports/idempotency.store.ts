/** What the store knew about a key when a request claimed it. */
export type IdempotencyClaim =
  /** The key was free (or expired): the caller now holds it and must `complete` or `release` it. */
  | { status: 'claimed' }
  /** A request with this key finished: its fingerprint and its stored answer. */
  | { status: 'completed'; fingerprint: string; response: string }
  /** A request with this key is still running. */
  | { status: 'in_progress'; fingerprint: string };

/** Remembers the answers of requests sent with an `Idempotency-Key`. Writes are conditional (one claim wins). */
export interface IdempotencyStore {
  /**
   * Claims `key` for a request whose body hashes to `fingerprint`. `nowMs` decides expiry: a completed key
   * lives until `expiresAtMs`, an in-progress claim until `lockedUntilMs` (a crashed holder frees it then).
   */
  claim(key: string, fingerprint: string, options: { nowMs: number; lockedUntilMs: number; expiresAtMs: number }): Promise<IdempotencyClaim>;
  /** Stores the answer of the request holding `key`. */
  complete(key: string, response: string): Promise<void>;
  /** Frees `key` (the request failed before sending anything): a retry may run. */
  release(key: string): Promise<void>;
}

export const IDEMPOTENCY_STORE = Symbol.for('socketpost.IdempotencyStore');
