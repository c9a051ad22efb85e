import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadServerConfig } from '../../src/app/config.js';
import { createContainer } from '../../src/app/container.js';
import { RecordConnectionUseCase } from '../../src/domain/use-cases/record-connection.use-case.js';
import { startNotifyService } from '../../src/app/notify-service.js';
import { coreConfig, serverConfig, TEST_API_KEY } from '../support/core-config.js';
import { ScriptedMessenger } from '../support/scripted-messenger.js';
import { MemoryLogger } from '../support/silent-logger.js';

const cwd = join(import.meta.dirname, '../..');

describe('notify service lifecycle', () => {
  it('should finish an in-flight notify when closing, and refuse new connections after', async () => {
    const messenger = new ScriptedMessenger();
    messenger.latencyMs = 300;
    const container = createContainer(coreConfig(), { messenger, logger: new MemoryLogger() });
    const c = await container.resolve(RecordConnectionUseCase).execute({
      connectionId: 'c1',
      userId: 'alice',
      apiId: 'apia1',
      domainName: 'apia1.execute-api.us-east-1.amazonaws.com',
      stage: 'dev',
    });
    messenger.open('c1', { url: c.endpoint.url, region: c.endpoint.region });
    const service = await startNotifyService(serverConfig(), container);

    const inFlight = fetch(`${service.url}/notify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ userId: 'alice', message: 'late' }),
    });
    await expect.poll(() => messenger.inFlight).toBe(1);
    const closed = service.close();

    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ delivered: 1 });
    await closed;
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
  });

  it('should exit 0 on SIGTERM when run as the server entry', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/server.ts'], {
      cwd,
      env: { ...process.env, STORAGE: 'memory', NOTIFY_API_KEYS: TEST_API_KEY, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await expect.poll(() => out, { timeout: 30_000 }).toContain('listening');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('shutting down');
  }, 60_000);

  it('should refuse to start with one message listing every bad variable, and exit 1', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/server.ts'], {
      cwd,
      env: { PATH: process.env.PATH, STORAGE: 'sqlite', PORT: 'eighty', NOTIFY_API_KEYS: 'short' },
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(err).toMatch(/STORAGE must be one of[\s\S]*NOTIFY_API_KEYS: every key must be at least 16[\s\S]*PORT must be a whole number/);
    expect(err).not.toMatch(/at .*\.ts:\d+/);
  }, 60_000);
});

describe('server configuration', () => {
  it('should apply the documented defaults', () => {
    expect(loadServerConfig({ NOTIFY_API_KEYS: `${TEST_API_KEY}, second-key-abcdefghijkl` })).toEqual({
      storage: 'dynamodb',
      tableName: 'socketpost',
      region: 'us-east-1',
      tableRegion: 'us-east-1',
      logLevel: 'info',
      connectionTtlGraceSeconds: 600,
      notifyConcurrency: 32,
      notifyMaxAttempts: 3,
      notifyDeadlineMs: 10_000,
      connectGraceMs: 3_000,
      messenger: 'signed-http',
      recoveryWindowSeconds: 120,
      host: '0.0.0.0',
      port: 3000,
      apiKeys: [TEST_API_KEY, 'second-key-abcdefghijkl'],
      bodyLimitBytes: 1_048_576,
      shutdownTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 72_000,
      rateLimitPerMinute: 6_000,
      metrics: 'on',
      metricsNamespace: 'socketpost',
      metricsEmfIntervalSeconds: 0,
    });
  });

  it('should require API keys and name the variable', () => {
    const error = (() => {
      try {
        loadServerConfig({});
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(['NOTIFY_API_KEYS is required: one or more comma-separated API keys']);
  });

  it('should read the table in TABLE_REGION when it differs from the region the service runs in', () => {
    expect(loadServerConfig({ NOTIFY_API_KEYS: TEST_API_KEY, AWS_REGION: 'eu-west-1', TABLE_REGION: 'us-east-1' })).toMatchObject({
      region: 'eu-west-1',
      tableRegion: 'us-east-1',
    });
    expect(() => loadServerConfig({ NOTIFY_API_KEYS: TEST_API_KEY, TABLE_REGION: 'nowhere' })).toThrow(/TABLE_REGION/);
  });

  it('should refuse a DynamoDB endpoint that is not an http URL', () => {
    expect(() => loadServerConfig({ NOTIFY_API_KEYS: TEST_API_KEY, DYNAMODB_ENDPOINT: 'localhost:8000' })).toThrow(/DYNAMODB_ENDPOINT/);
  });
});
