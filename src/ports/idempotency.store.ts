/** What the store knew about a key when a request claimed it. */
export type IdempotencyClaim =
  /** The key was free (or expired): the caller now holds it and must `complete` or `release` it. */
  | { status: 'claimed' }
  /**
   * A request with this key finished: its fingerprint and its stored answer; `summary` when what was stored is
   * a summary of an answer too large to keep whole.
   */
  | { status: 'completed'; fingerprint: string; response: string; summary?: true }
  /** A request with this key is still running. */
  | { status: 'in_progress'; fingerprint: string };

/** `stored`, or `too_large` when the answer's stored form would not fit (the key stays held: store a smaller one). */
export type IdempotencyCompletion = 'stored' | 'too_large';

/** Remembers the answers of requests sent with an `Idempotency-Key`. Writes are conditional (one claim wins). */
export interface IdempotencyStore {
  /**
   * Claims `key` for a request whose body hashes to `fingerprint`. `nowMs` decides expiry: a completed key
   * lives until `expiresAtMs`, an in-progress claim until `lockedUntilMs` (a crashed holder frees it then).
   */
  claim(key: string, fingerprint: string, options: { nowMs: number; lockedUntilMs: number; expiresAtMs: number }): Promise<IdempotencyClaim>;
  /**
   * Stores the answer of the request holding `key` (compressed: answers of several MB fit), `summary` when it is
   * a summary of a larger answer. Answers `too_large` when even compressed it would not fit.
   */
  complete(key: string, response: string, options?: { summary?: boolean }): Promise<IdempotencyCompletion>;
  /** Frees `key` (the request failed before sending anything): a retry may run. */
  release(key: string): Promise<void>;
}

export const IDEMPOTENCY_STORE = Symbol.for('socketpost.IdempotencyStore');
