import type { IdempotencyClaim, IdempotencyCompletion, IdempotencyStore } from '../../ports/idempotency.store.js';
import { packAnswer, unpackAnswer } from '../system/stored-answer.js';

interface Entry {
  fingerprint: string;
  /** The answer as the DynamoDB store keeps it (gzip), so that both refuse the same answers as too large. */
  answer?: Uint8Array;
  summary?: boolean;
  lockedUntilMs: number;
  expiresAtMs: number;
}

/** Process-local idempotency keys (one process: tests and `STORAGE=memory`); expired keys are dropped on access. */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  async claim(key: string, fingerprint: string, options: { nowMs: number; lockedUntilMs: number; expiresAtMs: number }): Promise<IdempotencyClaim> {
    const held = this.entries.get(key);
    const free =
      !held || held.expiresAtMs < options.nowMs || (held.answer === undefined && held.lockedUntilMs < options.nowMs);
    if (free) {
      this.entries.set(key, { fingerprint, lockedUntilMs: options.lockedUntilMs, expiresAtMs: options.expiresAtMs });
      return { status: 'claimed' };
    }
    if (held.answer === undefined) return { status: 'in_progress', fingerprint: held.fingerprint };
    return { status: 'completed', fingerprint: held.fingerprint, response: unpackAnswer(held.answer), ...(held.summary ? { summary: true as const } : {}) };
  }

  async complete(key: string, response: string, options: { summary?: boolean } = {}): Promise<IdempotencyCompletion> {
    const answer = packAnswer(response);
    if (!answer) return 'too_large';
    const held = this.entries.get(key);
    if (held) {
      held.answer = answer;
      held.summary = options.summary === true;
    }
    return 'stored';
  }

  async release(key: string): Promise<void> {
    this.entries.delete(key);
  }
}
