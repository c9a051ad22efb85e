import { describe, expect, it } from 'vitest';
import { InMemoryIdempotencyStore } from '../../src/adapters/memory/in-memory-idempotency.store.js';
import { ValidationError } from '../../src/domain/errors/domain.error.js';
import { IdempotencyKeyReusedError } from '../../src/domain/errors/parity.errors.js';
import { IDEMPOTENCY_LOCK_MS, IDEMPOTENCY_TTL_MS, RunIdempotentlyUseCase } from '../../src/domain/use-cases/run-idempotently.use-case.js';
import type { IdempotencyClaim } from '../../src/ports/idempotency.store.js';
import { ManualClock } from '../support/manual-clock.js';

/** The in-memory store, recording every claim. */
class RecordingStore extends InMemoryIdempotencyStore {
  readonly claims: Array<{ key: string; options: { nowMs: number; lockedUntilMs: number; expiresAtMs: number } }> = [];

  override async claim(key: string, fingerprint: string, options: { nowMs: number; lockedUntilMs: number; expiresAtMs: number }): Promise<IdempotencyClaim> {
    this.claims.push({ key, options });
    return super.claim(key, fingerprint, options);
  }
}

function fixture() {
  const store = new RecordingStore();
  const clock = new ManualClock();
  return { store, clock, run: new RunIdempotentlyUseCase(store, clock) };
}

describe('RunIdempotentlyUseCase keys', () => {
  it.each([[''], ['has space'], ['k'.repeat(256)], ['é'], [42]])('should refuse Idempotency-Key %j with a VALIDATION_ERROR that says what a key is, running nothing', async (key) => {
    const f = fixture();
    let ran = false;
    const running = f.run.execute({ key: key as string, fingerprint: 'fp' }, async () => (ran = true));
    await expect(running).rejects.toBeInstanceOf(ValidationError);
    await expect(running).rejects.toMatchObject({
      field: 'Idempotency-Key',
      message: 'Idempotency-Key: must be 1–255 printable ASCII characters (a UUID is a good choice)',
    });
    expect(ran).toBe(false);
    expect(f.store.claims).toEqual([]);
  });

  it('should accept a key of 255 printable characters', async () => {
    const f = fixture();
    expect(await f.run.execute({ key: '~'.repeat(255), fingerprint: 'fp' }, async () => 1)).toEqual({ replayed: false, value: 1 });
  });

  it('should keep the keys of different callers apart, and claim the key itself when there is no caller', async () => {
    const f = fixture();
    expect(await f.run.execute({ key: 'k', fingerprint: 'a', caller: 'svc-a' }, async () => 'a')).toEqual({ replayed: false, value: 'a' });
    expect(await f.run.execute({ key: 'k', fingerprint: 'b', caller: 'svc-b' }, async () => 'b')).toEqual({ replayed: false, value: 'b' });
    expect(await f.run.execute({ key: 'k', fingerprint: 'c' }, async () => 'c')).toEqual({ replayed: false, value: 'c' });
    await expect(f.run.execute({ key: 'k', fingerprint: 'other', caller: 'svc-a' }, async () => 'x')).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    expect(f.store.claims.map((c) => c.key)).toEqual(['svc-a#k', 'svc-b#k', 'k', 'svc-a#k']);
  });

  it('should remember a key for 24 hours and hold it for a minute while its request runs', async () => {
    const f = fixture();
    await f.run.execute({ key: 'k', fingerprint: 'fp' }, async () => 1);
    const now = f.clock.now();
    expect(IDEMPOTENCY_TTL_MS).toBe(86_400_000);
    expect(f.store.claims[0]?.options).toEqual({ nowMs: now, lockedUntilMs: now + IDEMPOTENCY_LOCK_MS, expiresAtMs: now + 86_400_000 });
  });
});
