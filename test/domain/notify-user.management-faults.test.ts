import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiGatewayConnectionMessenger } from '../../src/adapters/api-gateway/api-gateway-connection.messenger.js';
import { SignedHttpConnectionMessenger } from '../../src/adapters/api-gateway/signed-http-connection.messenger.js';
import type { ConnectionMessenger } from '../../src/ports/connection.messenger.js';
import { InMemoryConnectionRepository } from '../../src/adapters/memory/in-memory-connection.repository.js';
import { SystemClock } from '../../src/adapters/system/system.clock.js';
import { ManagementEndpoint } from '../../src/domain/model/management-endpoint.js';
import { NotifyUserUseCase, type NotifyUserOptions } from '../../src/domain/use-cases/notify-user.use-case.js';
import { startFakeManagementApi, type FakeManagementApi } from '../support/fake-management-api.js';
import { refusedPort, startBlackHole, type BlackHole } from '../support/loopback-sinks.js';
import { MemoryLogger } from '../support/silent-logger.js';

/**
 * Faults injected for real: signed HTTP posts over loopback to an endpoint that answers 500 or 429, answers
 * too slowly, accepts and never answers, or refuses connections. Every notify ends with bounded attempts and
 * `failed`, never a hang (the test's own timeout would catch one).
 */
const credentials = { accessKeyId: 'AKIDFAULTTEST', secretAccessKey: 'fault-test-secret' };
let api: FakeManagementApi;
let hole: BlackHole;

beforeAll(async () => {
  api = await startFakeManagementApi({ stages: ['dev'] });
  hole = await startBlackHole();
});

afterEach(() => api.reset());

afterAll(async () => {
  await Promise.all([api.close(), hole.close()]);
});

// A short per-request timeout, as a slow endpoint should not hold a notify for the default 5 s.
const messengers: Array<[string, () => ConnectionMessenger & { close(): unknown }]> = [
  ['the SDK messenger', () => new ApiGatewayConnectionMessenger({ credentials, requestTimeoutMs: 300 })],
  ['the signed-HTTP messenger', () => new SignedHttpConnectionMessenger({ credentials, requestTimeoutMs: 300 })],
];

async function notifyThrough(messenger: ConnectionMessenger, domainName: string, options: Partial<NotifyUserOptions> = {}) {
  const repository = new InMemoryConnectionRepository();
  const connectedAt = Date.now() - 60_000;
  const endpoint = ManagementEndpoint.fromRequestContext({ apiId: 'abc123', domainName, stage: 'dev' }, 'eu-west-1').toJSON();
  await repository.save({ connectionId: 'c1', userId: 'alice', endpoint, connectedAt, expiresAt: Math.floor(connectedAt / 1000) + 7_800 });
  const notify = new NotifyUserUseCase(repository, messenger, new SystemClock(), new MemoryLogger(), {
    backoff: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
    deadlineMs: 10_000,
    ...options,
  });
  const report = await notify.execute({ userId: 'alice', message: 'x' });
  return { report, delivery: report.connections[0], repository };
}

describe.each(messengers)('NotifyUserUseCase with %s against a management endpoint that fails for real', (_name, create) => {
  let messenger: ConnectionMessenger & { close(): unknown };
  beforeAll(() => {
    messenger = create();
  });
  afterAll(async () => {
    await messenger.close();
  });

  it('should retry a 500 a bounded number of times, then report UPSTREAM_ERROR and keep the record', async () => {
    api.setDefaultBehaviour({ status: 500 });
    const { delivery, repository } = await notifyThrough(messenger, `127.0.0.1:${api.port}`);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'UPSTREAM_ERROR' } });
    expect(api.requestsFor('c1')).toHaveLength(3);
    expect(await repository.findById('c1')).toBeDefined();
  });

  it('should retry a 429 a bounded number of times, then report THROTTLED', async () => {
    api.setDefaultBehaviour({ status: 429 });
    const { delivery } = await notifyThrough(messenger, `127.0.0.1:${api.port}`);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'THROTTLED' } });
    expect(api.requestsFor('c1')).toHaveLength(3);
  });

  it('should deliver when the endpoint recovers within the attempts', async () => {
    api.setDefaultBehaviour({ status: 200, failFirst: { times: 2, status: 503 } });
    const { delivery } = await notifyThrough(messenger, `127.0.0.1:${api.port}`);
    expect(delivery).toEqual({ connectionId: 'c1', status: 'delivered', attempts: 3 });
  });

  it('should report PAYLOAD_TOO_LARGE from a real 413 without retrying', async () => {
    api.setDefaultBehaviour({ status: 413 });
    const { delivery } = await notifyThrough(messenger, `127.0.0.1:${api.port}`);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('should time out each post to an endpoint slower than the request timeout, then report UPSTREAM_ERROR', async () => {
    api.setDefaultBehaviour({ status: 200, delayMs: 5_000 });
    const { delivery } = await notifyThrough(messenger, `127.0.0.1:${api.port}`);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'UPSTREAM_ERROR' } });
    expect(delivery?.error?.message).toMatch(/timeout|timed out/i);
  });

  it('should time out each post to an endpoint that accepts and never answers', async () => {
    const before = hole.accepted;
    const { delivery } = await notifyThrough(messenger, `127.0.0.1:${hole.port}`);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'UPSTREAM_ERROR' } });
    expect(hole.accepted).toBeGreaterThan(before);
  });

  it('should stop at the notify deadline when the request timeout alone would take longer', async () => {
    const { delivery } = await notifyThrough(messenger, `127.0.0.1:${hole.port}`, {
      deadlineMs: 400,
      backoff: { maxAttempts: 10, baseDelayMs: 20, maxDelayMs: 100 },
    });
    expect(delivery).toMatchObject({ status: 'failed', error: { code: 'DEADLINE_EXCEEDED' } });
    expect(delivery?.attempts).toBeLessThan(10);
  });

  it('should retry a refused connection a bounded number of times, then report UPSTREAM_ERROR naming it', async () => {
    const port = await refusedPort();
    const { delivery } = await notifyThrough(messenger, `127.0.0.1:${port}`);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'UPSTREAM_ERROR' } });
    expect(delivery?.error?.message).toContain('ECONNREFUSED');
  });
});
