import { describe, expect, it } from 'vitest';
import { failedCall, failedManagementCall, retryAfterMsOf } from '../../src/adapters/api-gateway/management-api.outcome.js';

describe('management API outcome mapping', () => {
  it('should treat a call without an HTTP answer as retryable unless the adapter says trying again cannot help', () => {
    expect(failedCall({ message: 'ECONNRESET' })).toEqual({ status: 'error', message: 'ECONNRESET', retryable: true });
    expect(failedCall({ message: 'no credentials', retryable: false })).toEqual({ status: 'error', message: 'no credentials', retryable: false });
    expect(failedManagementCall({ message: 'ECONNRESET' })).toEqual({ status: 'error', message: 'ECONNRESET', retryable: true });
  });

  it('should read Retry-After as delta-seconds or as an HTTP date from now, never negative', () => {
    const now = Date.UTC(2026, 10, 26, 12, 0, 0);
    expect(retryAfterMsOf('2', now)).toBe(2_000);
    expect(retryAfterMsOf(['4', '9'], now)).toBe(4_000);
    expect(retryAfterMsOf(new Date(now + 5_000).toUTCString(), now)).toBe(5_000);
    expect(retryAfterMsOf(new Date(now - 5_000).toUTCString(), now)).toBe(0);
    expect(retryAfterMsOf('30', now)).toBe(30_000);
    expect(retryAfterMsOf(' 3 ', now)).toBe(3_000);
    expect(retryAfterMsOf('in a while', now)).toBeUndefined();
    expect(retryAfterMsOf('5 seconds', now)).toBeUndefined();
    expect(retryAfterMsOf('x5', now)).toBeUndefined();
    expect(retryAfterMsOf(undefined, now)).toBeUndefined();
  });
});
