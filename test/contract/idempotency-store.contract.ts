import { randomBytes, randomUUID } from 'node:crypto';
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

    it('should keep an answer far over 400 KB (stored compressed) and give it back intact', async () => {
      const key = randomUUID();
      const big = JSON.stringify({ delivered: 20_000, connections: Array.from({ length: 20_000 }, (_, i) => ({ connectionId: `conn-${i}`, status: 'delivered', attempts: 1 })) });
      expect(big.length).toBeGreaterThan(1_000_000);
      await store.claim(key, 'fp', times(NOW));
      expect(await store.complete(key, big)).toBe('stored');
      expect(await store.claim(key, 'fp', times(NOW + 1_000))).toEqual({ status: 'completed', fingerprint: 'fp', response: big });
    });

    it('should refuse an answer that would not fit even compressed, keep the key held, then keep a summary marked as one', async () => {
      const key = randomUUID();
      const noise = JSON.stringify({ noise: randomBytes(600_000).toString('base64') });
      await store.claim(key, 'fp', times(NOW));
      expect(await store.complete(key, noise)).toBe('too_large');
      expect(await store.claim(key, 'fp', times(NOW + 1_000))).toEqual({ status: 'in_progress', fingerprint: 'fp' });

      expect(await store.complete(key, '{"delivered":1}', { summary: true })).toBe('stored');
      expect(await store.claim(key, 'fp', times(NOW + 2_000))).toEqual({ status: 'completed', fingerprint: 'fp', response: '{"delivered":1}', summary: true });
    });
  });
}
