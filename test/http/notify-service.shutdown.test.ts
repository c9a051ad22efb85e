import { describe, expect, it } from 'vitest';
import { loadServerConfig } from '../../src/app/config.js';
import { createContainer } from '../../src/app/container.js';
import { startNotifyService } from '../../src/app/notify-service.js';
import type { ManagementEndpointProps } from '../../src/domain/model/management-endpoint.js';
import { RecordConnectionUseCase } from '../../src/domain/use-cases/record-connection.use-case.js';
import type { ConnectionMessenger, DeleteConnectionResult, GetConnectionResult, PostResult } from '../../src/ports/connection.messenger.js';
import { coreConfig, serverConfig, TEST_API_KEY } from '../support/core-config.js';
import { MemoryLogger } from '../support/silent-logger.js';

/** Delivers to `fast` at once; a post to anything else never answers (an endpoint that hangs). */
class HalfHangingMessenger implements ConnectionMessenger {
  hanging = 0;

  async post(_endpoint: ManagementEndpointProps, connectionId: string): Promise<PostResult> {
    if (connectionId === 'fast') return { status: 'delivered' };
    this.hanging += 1;
    return new Promise<PostResult>(() => undefined);
  }

  async getConnection(): Promise<GetConnectionResult> {
    return { status: 'gone' };
  }

  async deleteConnection(): Promise<DeleteConnectionResult> {
    return { status: 'gone' };
  }
}

describe('notify service shutdown with posts still in flight', () => {
  it('should answer an in-flight notify with what is known (delivered, the rest SHUTDOWN) instead of resetting it', async () => {
    const messenger = new HalfHangingMessenger();
    const container = createContainer(coreConfig({ notifyDeadlineMs: 60_000 }), { messenger, logger: new MemoryLogger() });
    const record = container.resolve(RecordConnectionUseCase);
    for (const connectionId of ['fast', 'slow']) {
      await record.execute({
        connectionId,
        userId: 'alice',
        apiId: 'apia1',
        domainName: 'apia1.execute-api.us-east-1.amazonaws.com',
        stage: 'dev',
        connectedAt: Date.now() - 60_000,
      });
    }
    const service = await startNotifyService(serverConfig({ shutdownTimeoutMs: 1_500 }), container);

    const inFlight = fetch(`${service.url}/notify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'alice', message: 'late' }),
    });
    await expect.poll(() => messenger.hanging).toBe(1);
    const closed = service.close();

    const res = await inFlight;
    expect(res.status).toBe(200);
    const report = (await res.json()) as { delivered: number; failed: number; connections: Array<{ connectionId: string; status: string; error?: { code: string } }> };
    expect(report).toMatchObject({ delivered: 1, failed: 1 });
    expect(report.connections.find((c) => c.connectionId === 'slow')).toMatchObject({ status: 'failed', error: { code: 'SHUTDOWN' } });
    await closed;
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
  });
});

describe('shutdown and deadline reach every send, not only /notify', () => {
  async function stackWith(config: Parameters<typeof coreConfig>[0]) {
    const messenger = new HalfHangingMessenger();
    const container = createContainer(coreConfig(config), { messenger, logger: new MemoryLogger() });
    const record = container.resolve(RecordConnectionUseCase);
    for (const connectionId of ['fast', 'slow']) {
      await record.execute({
        connectionId,
        userId: 'alice',
        apiId: 'apia1',
        domainName: 'apia1.execute-api.us-east-1.amazonaws.com',
        stage: 'dev',
        connectedAt: Date.now() - 60_000,
      });
    }
    return { messenger, container };
  }
  const post = (url: string, path: string, body: unknown) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('should answer an in-flight broadcast with what is known and "stopped": "SHUTDOWN"', async () => {
    const { messenger, container } = await stackWith({ notifyDeadlineMs: 60_000 });
    const service = await startNotifyService(serverConfig({ shutdownTimeoutMs: 1_500 }), container);

    const inFlight = post(service.url, '/broadcast', { message: 'late' });
    await expect.poll(() => messenger.hanging).toBe(1);
    const closed = service.close();

    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ delivered: 1, failed: 1, stopped: 'SHUTDOWN', failures: [{ connectionId: 'slow', code: 'SHUTDOWN' }] });
    await closed;
  });

  it('should end a group send and a send to one connection at NOTIFY_DEADLINE_MS', async () => {
    const { container } = await stackWith({ notifyDeadlineMs: 300 });
    const service = await startNotifyService(serverConfig({ shutdownTimeoutMs: 1_500 }), container);
    try {
      const joined = await fetch(`${service.url}/groups/g/users/alice`, { method: 'PUT', headers: { authorization: `Bearer ${TEST_API_KEY}` } });
      expect(joined.status).toBe(204);
      const group = await post(service.url, '/groups/g/messages', { message: 'x' });
      expect(group.status).toBe(200);
      expect(await group.json()).toMatchObject({ delivered: 1, failed: 1, stopped: 'DEADLINE_EXCEEDED', failures: [{ connectionId: 'slow', code: 'DEADLINE_EXCEEDED' }] });

      const one = await post(service.url, '/connections/slow/messages', { message: 'x' });
      expect(one.status).toBe(200);
      expect(await one.json()).toMatchObject({ connectionId: 'slow', status: 'failed', error: { code: 'DEADLINE_EXCEEDED' } });
    } finally {
      await service.close();
    }
  });
});

describe('notify deadline and connect grace configuration', () => {
  it('should default NOTIFY_DEADLINE_MS to 10 s and CONNECT_GRACE_MS to 3 s, and read them', () => {
    expect(loadServerConfig({ NOTIFY_API_KEYS: TEST_API_KEY })).toMatchObject({ notifyDeadlineMs: 10_000, connectGraceMs: 3_000 });
    expect(loadServerConfig({ NOTIFY_API_KEYS: TEST_API_KEY, NOTIFY_DEADLINE_MS: '2500', CONNECT_GRACE_MS: '0' })).toMatchObject({
      notifyDeadlineMs: 2_500,
      connectGraceMs: 0,
    });
  });

  it('should refuse a deadline or a grace out of range, naming the variable', () => {
    expect(() => loadServerConfig({ NOTIFY_API_KEYS: TEST_API_KEY, NOTIFY_DEADLINE_MS: '0' })).toThrow(/NOTIFY_DEADLINE_MS must be a whole number from 100/);
    expect(() => loadServerConfig({ NOTIFY_API_KEYS: TEST_API_KEY, CONNECT_GRACE_MS: 'soon' })).toThrow(/CONNECT_GRACE_MS must be a whole number/);
  });
});
