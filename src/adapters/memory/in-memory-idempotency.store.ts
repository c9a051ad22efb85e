import type { IdempotencyClaim, IdempotencyStore } from '../../ports/idempotency.store.js';

interface Entry {
  fingerprint: string;
  response?: string;
  lockedUntilMs: number;
  expiresAtMs: number;
}

/** Process-local idempotency keys (one process: tests and `STORAGE=memory`); expired keys are dropped on access. */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  async claim(key: string, fingerprint: string, options: { nowMs: number; lockedUntilMs: number; expiresAtMs: number }): Promise<IdempotencyClaim> {
    const held = this.entries.get(key);
    const free =
      !held || held.expiresAtMs < options.nowMs || (held.response === undefined && held.lockedUntilMs < options.nowMs);
    if (free) {
      this.entries.set(key, { fingerprint, lockedUntilMs: options.lockedUntilMs, expiresAtMs: options.expiresAtMs });
      return { status: 'claimed' };
    }
    return held.response === undefined
      ? { status: 'in_progress', fingerprint: held.fingerprint }
      : { status: 'completed', fingerprint: held.fingerprint, response: held.response };
  }

  async complete(key: string, response: string): Promise<void> {
    const held = this.entries.get(key);
    if (held) held.response = response;
  }

  async release(key: string): Promise<void> {
    this.entries.delete(key);
  }
}
