import { describe, expect, it } from 'vitest';
import { InvalidEndpointError, ValidationError } from '../../src/domain/errors/domain.error.js';
import { ListConnectionsUseCase } from '../../src/domain/use-cases/list-connections.use-case.js';
import { RemoveConnectionUseCase } from '../../src/domain/use-cases/remove-connection.use-case.js';
import { domainFixture } from '../support/domain-fixture.js';

const home = { apiId: 'apia1', domainName: 'apia1.execute-api.us-east-1.amazonaws.com', stage: 'dev' };

describe('RegisterEndpointUseCase', () => {
  it('should write an API + stage once and answer later connects from its in-process cache', async () => {
    const f = domainFixture();
    await f.registerEndpoint.execute(home);
    await f.registerEndpoint.execute(home);
    await f.registerEndpoint.execute({ ...home, stage: 'prod' });
    expect(f.registry.writes).toBe(2);
    expect((await f.registry.list()).map((e) => e.url).sort()).toEqual([
      'https://apia1.execute-api.us-east-1.amazonaws.com/dev',
      'https://apia1.execute-api.us-east-1.amazonaws.com/prod',
    ]);
  });

  it('should write again when the same API + stage is reached through another domain', async () => {
    const f = domainFixture();
    await f.registerEndpoint.execute(home);
    await f.registerEndpoint.execute({ ...home, domainName: 'ws.example.com' });
    expect(f.registry.writes).toBe(2);
    expect((await f.registry.find('apia1', 'dev'))?.domainName).toBe('ws.example.com');
  });

  it('should not cache an endpoint whose write failed', async () => {
    const f = domainFixture();
    const register = f.registry.register.bind(f.registry);
    f.registry.register = async () => {
      throw new Error('down');
    };
    await expect(f.registerEndpoint.execute(home)).rejects.toThrow('down');
    f.registry.register = register;
    await f.registerEndpoint.execute(home);
    expect(await f.registry.find('apia1', 'dev')).toBeDefined();
  });
});

describe('RecordConnectionUseCase', () => {
  it('should store the connection with its endpoint, identity and a TTL of connectedAt + 2 h + grace', async () => {
    const f = domainFixture();
    const connectedAt = Date.UTC(2026, 10, 25, 10, 0, 0);
    const stored = await f.recordConnection.execute({
      ...home,
      connectionId: 'L0SM9cOFvHcCIhw=',
      userId: 'alice',
      connectedAt,
      sourceIp: '203.0.113.7',
      userAgent: 'ws-test',
    });
    expect(stored).toEqual({
      connectionId: 'L0SM9cOFvHcCIhw=',
      userId: 'alice',
      endpoint: { ...home, url: 'https://apia1.execute-api.us-east-1.amazonaws.com/dev', region: 'us-east-1' },
      connectedAt,
      expiresAt: connectedAt / 1000 + 7200 + 600,
      sourceIp: '203.0.113.7',
      userAgent: 'ws-test',
    });
    expect(await f.connections.findById('L0SM9cOFvHcCIhw=')).toEqual(stored);
    expect(await f.registry.find('apia1', 'dev')).toBeDefined();
  });

  it("should use the clock's time when the event carries no connectedAt", async () => {
    const f = domainFixture();
    const stored = await f.recordConnection.execute({ ...home, connectionId: 'c1', userId: 'alice' });
    expect(stored.connectedAt).toBe(f.clock.now());
  });

  it('should refuse a bad connection id, user id or endpoint and store nothing', async () => {
    const f = domainFixture();
    await expect(f.recordConnection.execute({ ...home, connectionId: '', userId: 'alice' })).rejects.toBeInstanceOf(ValidationError);
    await expect(f.recordConnection.execute({ ...home, connectionId: 'a b', userId: 'alice' })).rejects.toBeInstanceOf(ValidationError);
    await expect(f.recordConnection.execute({ ...home, connectionId: 'c1', userId: '' })).rejects.toBeInstanceOf(ValidationError);
    await expect(f.recordConnection.execute({ ...home, stage: '../x', connectionId: 'c1', userId: 'alice' })).rejects.toBeInstanceOf(
      InvalidEndpointError,
    );
    expect(await f.connections.findByUser('alice')).toEqual([]);
  });
});

describe('RemoveConnectionUseCase', () => {
  it('should remove a connection and say whose it was, then do nothing the second time', async () => {
    const f = domainFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    const remove = new RemoveConnectionUseCase(f.connections);
    expect(await remove.execute('c1')).toEqual({ removed: true, userId: 'alice' });
    expect(await remove.execute('c1')).toEqual({ removed: false });
    expect(await f.connections.findByUser('alice')).toEqual([]);
  });

  it('should treat an empty connection id as nothing to remove', async () => {
    const f = domainFixture();
    expect(await new RemoveConnectionUseCase(f.connections).execute('')).toEqual({ removed: false });
  });
});

describe('ListConnectionsUseCase', () => {
  it("should list a user's live connections oldest first and leave out expired ones", async () => {
    const f = domainFixture();
    await f.connect({ connectionId: 'expired', userId: 'alice', connectedAt: f.clock.now() - 3 * 3600_000 });
    await f.connect({ connectionId: 'newer', userId: 'alice', connectedAt: f.clock.now() - 1_000, stage: 'prod' });
    await f.connect({ connectionId: 'older', userId: 'alice', connectedAt: f.clock.now() - 60_000 });
    await f.connect({ connectionId: 'bobs', userId: 'bob' });
    const list = await new ListConnectionsUseCase(f.connections, f.clock).execute('alice');
    expect(list.map((c) => c.connectionId)).toEqual(['older', 'newer']);
  });

  it('should refuse an invalid user id', async () => {
    const f = domainFixture();
    await expect(new ListConnectionsUseCase(f.connections, f.clock).execute('x'.repeat(200))).rejects.toBeInstanceOf(ValidationError);
  });
});
