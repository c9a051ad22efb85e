import { ValidationError } from '../errors/domain.error.js';
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError } from '../errors/parity.errors.js';
import { summarizeForReplay } from '../model/replay-summary.js';
import type { Clock } from '../../ports/clock.js';
import type { IdempotencyStore } from '../../ports/idempotency.store.js';

export interface IdempotentRequest {
  /** The `Idempotency-Key` header: 1–255 printable ASCII characters. */
  key: string;
  /** A digest of what the request asks (method, route, body): the same key with another fingerprint is refused. */
  fingerprint: string;
  /**
   * Who sends (an opaque id, e.g. a digest of the caller's API key; never a secret): keys are scoped by it, so
   * two callers who pick the same key never see each other's answers. Without it the key is shared.
   */
  caller?: string;
}

/**
 * `summary` on a replay whose first answer was too large to store whole: `value` then has every total but only
 * the failed connections (at most 100), see summarizeForReplay.
 */
export type IdempotentOutcome<T> = { replayed: false; value: T } | { replayed: true; value: T; summary?: true };

/** A key is remembered this long after its request finished. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A request holding a key that runs longer than this (or whose process died) frees it. */
export const IDEMPOTENCY_LOCK_MS = 60_000;

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Runs a send at most once per `Idempotency-Key` (of one caller) within 24 h: a repeat with the same request gets the first
 * answer without sending anything; the same key with another request is refused (IDEMPOTENCY_KEY_REUSED);
 * a repeat while the first still runs is refused (IDEMPOTENCY_KEY_IN_USE), so that two requests never both send.
 */
export class RunIdempotentlyUseCase {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly clock: Clock,
  ) {}

  async execute<T>(request: IdempotentRequest, run: () => Promise<T>): Promise<IdempotentOutcome<T>> {
    if (typeof request.key !== 'string' || !KEY.test(request.key)) {
      throw new ValidationError('Idempotency-Key', 'must be 1–255 printable ASCII characters (a UUID is a good choice)');
    }
    const key = request.caller === undefined ? request.key : `${request.caller}#${request.key}`;
    const now = this.clock.now();
    const claim = await this.store.claim(key, request.fingerprint, {
      nowMs: now,
      lockedUntilMs: now + IDEMPOTENCY_LOCK_MS,
      expiresAtMs: now + IDEMPOTENCY_TTL_MS,
    });
    if (claim.status !== 'claimed') {
      if (claim.fingerprint !== request.fingerprint) throw new IdempotencyKeyReusedError();
      if (claim.status === 'in_progress') throw new IdempotencyKeyInUseError();
      return { replayed: true, value: JSON.parse(claim.response) as T, ...(claim.summary ? { summary: true as const } : {}) };
    }

    let value: T;
    try {
      value = await run();
    } catch (error) {
      // Refused before sending (bad input, storage down): the caller may fix it and retry with the same key.
      await this.store.release(key).catch(() => undefined);
      throw error;
    }
    await this.remember(key, value);
    return { replayed: false, value };
  }

  /**
   * Stores the answer for replays; one too large to store whole (over DynamoDB's 400 KB item even compressed)
   * is stored as its summary (totals and at most 100 failures), or as its totals alone if even that is too large.
   */
  private async remember(key: string, value: unknown): Promise<void> {
    if ((await this.store.complete(key, JSON.stringify(value))) === 'stored') return;
    for (const keep of [undefined, 0]) {
      if ((await this.store.complete(key, JSON.stringify(summarizeForReplay(value, keep)), { summary: true })) === 'stored') return;
    }
    // Nothing fits (no answer of this service is that large): free the key rather than hold it forever.
    await this.store.release(key);
  }
}
