import { describe, expect, it } from 'vitest';
import { ConfigError, loadAuthorizerConfig, loadServerConfig } from '../../src/app/config.js';

const SECRET = { JWT_SECRET: 'local-dev-secret-0123456789abcdef0123' };

describe('authorizer configuration: token lifetime', () => {
  it('should cap tokens at 24 hours and tolerate 30 s of clock skew by default', () => {
    expect(loadAuthorizerConfig(SECRET)).toMatchObject({ maxTtlSeconds: 86_400, clockSkewSeconds: 30 });
  });

  it('should read JWT_MAX_TTL_SECONDS and JWT_CLOCK_SKEW_SECONDS', () => {
    expect(loadAuthorizerConfig({ ...SECRET, JWT_MAX_TTL_SECONDS: '3600', JWT_CLOCK_SKEW_SECONDS: '0' })).toMatchObject({
      maxTtlSeconds: 3600,
      clockSkewSeconds: 0,
    });
  });

  it('should list both bad values at once', () => {
    try {
      loadAuthorizerConfig({ ...SECRET, JWT_MAX_TTL_SECONDS: 'forever', JWT_CLOCK_SKEW_SECONDS: '-5' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.join('\n')).toMatch(/JWT_MAX_TTL_SECONDS[\s\S]*JWT_CLOCK_SKEW_SECONDS/);
    }
  });
});

describe('REST service configuration: timeouts and rate limit', () => {
  const KEYS = { NOTIFY_API_KEYS: 'test-key-0123456789abcdef' };

  it('should close slow requests after 30 s, idle keep-alive after 72 s, and allow 6,000 requests a minute per key by default', () => {
    expect(loadServerConfig(KEYS)).toMatchObject({ requestTimeoutMs: 30_000, keepAliveTimeoutMs: 72_000, rateLimitPerMinute: 6_000 });
  });

  it('should read REQUEST_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS and RATE_LIMIT_PER_MINUTE (0 = off), and refuse bad values', () => {
    expect(
      loadServerConfig({ ...KEYS, REQUEST_TIMEOUT_MS: '5000', KEEP_ALIVE_TIMEOUT_MS: '10000', RATE_LIMIT_PER_MINUTE: '0' }),
    ).toMatchObject({ requestTimeoutMs: 5_000, keepAliveTimeoutMs: 10_000, rateLimitPerMinute: 0 });
    expect(() => loadServerConfig({ ...KEYS, REQUEST_TIMEOUT_MS: '0' })).toThrow(/REQUEST_TIMEOUT_MS/);
    expect(() => loadServerConfig({ ...KEYS, RATE_LIMIT_PER_MINUTE: 'lots' })).toThrow(/RATE_LIMIT_PER_MINUTE/);
  });
});
