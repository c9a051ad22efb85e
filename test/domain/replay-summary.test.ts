import { describe, expect, it } from 'vitest';
import { summarizeForReplay } from '../../src/domain/model/replay-summary.js';
import { RunIdempotentlyUseCase } from '../../src/domain/use-cases/run-idempotently.use-case.js';
import type { IdempotencyClaim, IdempotencyStore } from '../../src/ports/idempotency.store.js';
import { ManualClock } from '../support/manual-clock.js';

const failed = (id: string) => ({ connectionId: id, status: 'failed', attempts: 1, error: { code: 'FORBIDDEN', message: 'no' } });
const delivered = (id: string) => ({ connectionId: id, status: 'delivered', attempts: 1 });

describe('summarizeForReplay', () => {
  it("should keep a user report's totals and only its failed connections", () => {
    const report = { userId: 'alice', delivered: 2, gone: 0, failed: 1, excluded: 1, connections: [delivered('a'), failed('b'), delivered('c')] };
    expect(summarizeForReplay(report)).toEqual({ userId: 'alice', delivered: 2, gone: 0, failed: 1, excluded: 1, connections: [failed('b')] });
  });

  it('should keep at most `keep` failures across every user of a many-users report', () => {
    const users = ['u1', 'u2'].map((userId) => ({ userId, delivered: 0, gone: 0, failed: 2, connections: [failed(`${userId}-1`), failed(`${userId}-2`)] }));
    const summary = summarizeForReplay({ delivered: 0, gone: 0, failed: 4, excluded: 0, users }, 3) as { users: Array<{ connections: unknown[]; failed: number }> };
    expect(summary.users.map((u) => u.connections.length)).toEqual([2, 1]);
    expect(summary.users.map((u) => u.failed)).toEqual([2, 2]);
  });

  it('should cut a fan-out report’s failures and say they were truncated; keep 0 leaves the totals alone', () => {
    const report = { group: 'g', delivered: 0, gone: 0, failed: 2, excluded: 0, failures: [{ connectionId: 'a' }, { connectionId: 'b' }], failuresTruncated: false };
    expect(summarizeForReplay(report, 1)).toEqual({ ...report, failures: [{ connectionId: 'a' }], failuresTruncated: true });
    expect(summarizeForReplay(report, 0)).toEqual({ ...report, failures: [], failuresTruncated: true });
  });
});

describe('RunIdempotentlyUseCase and an answer too large to store', () => {
  /** Accepts only answers of at most `limit` characters, like a store whose item limit is small. */
  function tinyStore(limit: number) {
    const entries = new Map<string, { fingerprint: string; response?: string; summary?: boolean }>();
    const completions: Array<{ length: number; summary: boolean }> = [];
    const store: IdempotencyStore = {
      claim: async (key, fingerprint): Promise<IdempotencyClaim> => {
        const held = entries.get(key);
        if (!held) {
          entries.set(key, { fingerprint });
          return { status: 'claimed' };
        }
        if (held.response === undefined) return { status: 'in_progress', fingerprint: held.fingerprint };
        return { status: 'completed', fingerprint: held.fingerprint, response: held.response, ...(held.summary ? { summary: true as const } : {}) };
      },
      complete: async (key, response, options) => {
        completions.push({ length: response.length, summary: options?.summary === true });
        if (response.length > limit) return 'too_large';
        Object.assign(entries.get(key) ?? {}, { response, summary: options?.summary === true });
        return 'stored';
      },
      release: async (key) => void entries.delete(key),
    };
    return { store, completions, entries };
  }

  it('should store the summary, then the totals alone, and free the key if nothing fits', async () => {
    const report = { userId: 'alice', delivered: 0, gone: 0, failed: 150, connections: Array.from({ length: 150 }, (_, i) => failed(`c${i}`)) };
    const totalsOnly = JSON.stringify(summarizeForReplay(report, 0)).length;

    const fits = tinyStore(totalsOnly);
    const run = new RunIdempotentlyUseCase(fits.store, new ManualClock());
    await run.execute({ key: 'k', fingerprint: 'fp' }, async () => report);
    expect(fits.completions.map((c) => c.summary)).toEqual([false, true, true]);
    expect(await run.execute({ key: 'k', fingerprint: 'fp' }, async () => report)).toMatchObject({ replayed: true, summary: true, value: { failed: 150, connections: [] } });

    const never = tinyStore(10);
    await new RunIdempotentlyUseCase(never.store, new ManualClock()).execute({ key: 'k', fingerprint: 'fp' }, async () => report);
    expect(never.entries.has('k')).toBe(false);
  });
});

describe('summarizeForReplay on answers of every shape', () => {
  it.each([[null], ['a text answer'], [42], [true], [[failed('a'), delivered('b')]]])('should give back %j as it is: only objects are summarized', (value) => {
    expect(summarizeForReplay(value, 0)).toEqual(value);
  });

  it('should keep the entries of a many-users report that are not reports as they are', () => {
    expect(summarizeForReplay({ users: [null, 'bob', { userId: 'carol', connections: [delivered('c')] }] })).toEqual({
      users: [null, 'bob', { userId: 'carol', connections: [] }],
    });
  });

  it('should skip connection entries that are null or not objects', () => {
    expect(summarizeForReplay({ connections: [null, 'x', failed('b'), delivered('c')] })).toEqual({ connections: [failed('b')] });
  });

  it('should keep every other list whole, whatever the budget', () => {
    const report = { excludedConnectionIds: ['a', 'b', 'c'], failures: [{ connectionId: 'f' }], failuresTruncated: false };
    expect(summarizeForReplay(report, 0)).toEqual({ excludedConnectionIds: ['a', 'b', 'c'], failures: [], failuresTruncated: true });
  });

  it('should keep failuresTruncated false when every failure fits, and true when the report was already truncated', () => {
    const fits = { failures: [{ connectionId: 'a' }, { connectionId: 'b' }], failuresTruncated: false, stopped: 'SHUTDOWN' };
    expect(summarizeForReplay(fits, 2)).toEqual(fits);
    const cutBefore = { failuresTruncated: true, failures: [{ connectionId: 'a' }], delivered: 3 };
    expect(summarizeForReplay(cutBefore, 5)).toEqual(cutBefore);
  });

  it('should keep the fields that come after the failures once it has cut them', () => {
    const report = { failed: 3, failures: [{ connectionId: 'a' }, { connectionId: 'b' }, { connectionId: 'c' }], failuresTruncated: false, group: 'g', stopped: 'DEADLINE_EXCEEDED' };
    expect(summarizeForReplay(report, 1)).toEqual({ failed: 3, failures: [{ connectionId: 'a' }], failuresTruncated: true, group: 'g', stopped: 'DEADLINE_EXCEEDED' });
  });
});
