import { describe, expect, it } from 'vitest';
import { ConfigError, loadAuthorizerConfig } from '../../src/app/config.js';

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
