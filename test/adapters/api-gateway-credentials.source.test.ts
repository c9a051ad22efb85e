import { describe, expect, it } from 'vitest';
import { RefreshingCredentialsSource } from '../../src/adapters/api-gateway/aws-credentials.source.js';
import type { AwsCredentials } from '../../src/adapters/api-gateway/sigv4.signer.js';

/** A provider that hands out KEY1, KEY2… each valid for `lifetimeMs` from the clock (forever when undefined). */
function issuing(clock: { now: number }, lifetimeMs?: number) {
  const provider = async (): Promise<AwsCredentials> => {
    provider.calls += 1;
    const credentials: AwsCredentials = { accessKeyId: `KEY${provider.calls}`, secretAccessKey: 's' };
    return lifetimeMs === undefined ? credentials : { ...credentials, expiration: new Date(clock.now + lifetimeMs) };
  };
  provider.calls = 0;
  return provider;
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('RefreshingCredentialsSource', () => {
  it('should fetch credentials without an expiry once and keep them', async () => {
    const clock = { now: 0 };
    const provider = issuing(clock);
    const source = new RefreshingCredentialsSource(provider, { now: () => clock.now });

    for (let i = 0; i < 3; i += 1) {
      expect((await source.get()).accessKeyId).toBe('KEY1');
      clock.now += 24 * 3_600_000;
      await flush();
    }
    expect(provider.calls).toBe(1);
  });

  it('should fetch the next credentials in the background once exactly refreshBeforeMs is left, not a millisecond earlier', async () => {
    const clock = { now: 0 };
    const provider = issuing(clock, 60_000);
    const source = new RefreshingCredentialsSource(provider, { now: () => clock.now, refreshBeforeMs: 10_000 });
    await source.get();

    clock.now = 49_999;
    expect((await source.get()).accessKeyId).toBe('KEY1');
    await flush();
    expect(provider.calls).toBe(1);

    clock.now = 50_000;
    expect((await source.get()).accessKeyId).toBe('KEY1');
    await flush();
    expect(provider.calls).toBe(2);
    expect((await source.get()).accessKeyId).toBe('KEY2');
  });

  it('should never sign with credentials at the instant they expire: the caller waits for new ones', async () => {
    const clock = { now: 0 };
    const provider = issuing(clock, 60_000);
    const source = new RefreshingCredentialsSource(provider, { now: () => clock.now, refreshBeforeMs: 0 });
    await source.get();

    clock.now = 59_999;
    expect((await source.get()).accessKeyId).toBe('KEY1');
    clock.now = 60_000;
    expect((await source.get()).accessKeyId).toBe('KEY2');
  });
});
