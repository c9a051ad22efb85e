import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IdempotencyStore } from '../../src/ports/idempotency.store.js';

const NOW = Date.now();
const times = (nowMs: number) => ({ nowMs, lockedUntilMs: nowMs + 60_000, expiresAtMs: nowMs + 86_400_000 });

/** The behaviour every IdempotencyStore must have; each test uses keys of its own. */
export function describeIdempotencyStoreContract(name: string, factory: () => IdempotencyStore | Promise<IdempotencyStore>): void {
  describe(`${name} (IdempotencyStore contract)`, () => {
    let store: IdempotencyStore;

    beforeAll(async () => {
      store = await factory();
    });

    it('should let one claim of a key win and tell the others it is in progress, then completed with the answer', async () => {
      const key = randomUUID();
      const claims = await Promise.all(Array.from({ length: 5 }, () => store.claim(key, 'fp-1', times(NOW))));
      expect(claims.filter((c) => c.status === 'claimed')).toHaveLength(1);
      expect(claims.filter((c) => c.status === 'in_progress')).toEqual(Array(4).fill({ status: 'in_progress', fingerprint: 'fp-1' }));

      await store.complete(key, '{"delivered":1}');

      expect(await store.claim(key, 'fp-2', times(NOW + 1_000))).toEqual({ status: 'completed', fingerprint: 'fp-1', response: '{"delivered":1}' });
    });

    it('should free a released key for the next claim', async () => {
      const key = randomUUID();
      expect(await store.claim(key, 'fp', times(NOW))).toEqual({ status: 'claimed' });
      await store.release(key);
      expect(await store.claim(key, 'fp', times(NOW))).toEqual({ status: 'claimed' });
    });

    it('should free a key whose holder stopped renewing (lock passed) and a completed key after it expired', async () => {
      const stuck = randomUUID();
      await store.claim(stuck, 'fp', times(NOW));
      expect(await store.claim(stuck, 'fp', times(NOW + 61_000))).toEqual({ status: 'claimed' });

      const old = randomUUID();
      await store.claim(old, 'fp', times(NOW));
      await store.complete(old, '{}');
      expect((await store.claim(old, 'fp', times(NOW + 3_600_000))).status).toBe('completed');
      expect(await store.claim(old, 'fp', times(NOW + 86_402_000))).toEqual({ status: 'claimed' });
    });
  });
}
