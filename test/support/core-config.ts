import type { CoreConfig, ServerConfig } from '../../src/app/config.js';

export const TEST_API_KEY = 'test-key-0123456789abcdef';

export function coreConfig(overrides: Partial<CoreConfig> = {}): CoreConfig {
  return {
    storage: 'memory',
    tableName: 'socketpost-test',
    region: 'us-east-1',
    tableRegion: 'us-east-1',
    logLevel: 'silent',
    connectionTtlGraceSeconds: 600,
    notifyConcurrency: 32,
    notifyMaxAttempts: 3,
    notifyDeadlineMs: 10_000,
    connectGraceMs: 3_000,
    messenger: 'signed-http',
    recoveryWindowSeconds: 120,
    ...overrides,
  };
}

export function serverConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    ...coreConfig(),
    host: '127.0.0.1',
    port: 0,
    apiKeys: [TEST_API_KEY],
    bodyLimitBytes: 1_048_576,
    shutdownTimeoutMs: 5_000,
    requestTimeoutMs: 30_000,
    keepAliveTimeoutMs: 72_000,
    rateLimitPerMinute: 6_000,
    ...overrides,
  };
}
