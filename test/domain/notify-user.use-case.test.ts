import { describe, expect, it } from 'vitest';
import { MessageTooLargeError, ValidationError } from '../../src/domain/errors/domain.error.js';
import { MAX_MESSAGE_BYTES } from '../../src/domain/model/limits.js';
import { ManagementEndpoint } from '../../src/domain/model/management-endpoint.js';
import { domainFixture } from '../support/domain-fixture.js';

describe('NotifyUserUseCase', () => {
  it("should deliver to a socket opened on stage dev of API A although the sender's own stage is $default (the seed's 403)", async () => {
    const f = domainFixture();
    await f.connect({ connectionId: 'c-dev=', userId: 'alice', apiId: 'apia1', stage: 'dev' });
    // The sender is a Lambda of another stack, on stage $default: its own endpoint is the wrong one.
    const senders = ManagementEndpoint.fromRequestContext(
      { apiId: 'apib2', domainName: 'apib2.execute-api.us-east-1.amazonaws.com', stage: '$default' },
      'us-east-1',
    );
    expect(await f.messenger.post(senders.toJSON(), 'c-dev=', new Uint8Array([1]))).toEqual({ status: 'forbidden', message: 'Forbidden' });

    const report = await f.notifyUser.execute({ userId: 'alice', message: 'hello' });

    expect(report).toMatchObject({ userId: 'alice', delivered: 1, gone: 0, failed: 0 });
    expect(f.messenger.posts.at(-1)).toMatchObject({ url: 'https://apia1.execute-api.us-east-1.amazonaws.com/dev', connectionId: 'c-dev=' });
  });

  it('should post a custom-domain connection through its execute-api URL', async () => {
    const f = domainFixture({}, 'eu-central-1');
    await f.connect({ connectionId: 'c1', userId: 'alice', apiId: 'apia1', domainName: 'ws.example.com', stage: 'prod' });
    const report = await f.notifyUser.execute({ userId: 'alice', message: 'hi' });
    expect(report.delivered).toBe(1);
    expect(f.messenger.posts[0]).toMatchObject({ url: 'https://apia1.execute-api.eu-central-1.amazonaws.com/prod', region: 'eu-central-1' });
  });

  it('should sign a post to an eu-west-1 connection for eu-west-1 while the service runs in us-east-1', async () => {
    const f = domainFixture({}, 'us-east-1');
    await f.connect({ connectionId: 'c1', userId: 'alice', apiId: 'apia1', domainName: 'apia1.execute-api.eu-west-1.amazonaws.com' });
    await f.notifyUser.execute({ userId: 'alice', message: 'hi' });
    expect(f.messenger.posts[0]?.region).toBe('eu-west-1');
  });

  it('should deliver to every connection of a user, each through its own endpoint, and to no one else', async () => {
    const f = domainFixture();
    await f.connect({ connectionId: 'a-dev', userId: 'alice', stage: 'dev' });
    await f.connect({ connectionId: 'a-prod', userId: 'alice', stage: 'prod' });
    await f.connect({ connectionId: 'b-dev', userId: 'bob', stage: 'dev' });
    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });
    expect(report.delivered).toBe(2);
    expect(f.messenger.posts.map((p) => `${p.connectionId}@${p.url}`).sort()).toEqual([
      'a-dev@https://apia1.execute-api.us-east-1.amazonaws.com/dev',
      'a-prod@https://apia1.execute-api.us-east-1.amazonaws.com/prod',
    ]);
  });

  it('should send a string as-is and an object as JSON', async () => {
    const f = domainFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    await f.notifyUser.execute({ userId: 'alice', message: '{not json' });
    await f.notifyUser.execute({ userId: 'alice', message: { type: 'order', id: 7, tags: ['ü'] } });
    expect(f.messenger.posts.map((p) => p.text)).toEqual(['{not json', '{"type":"order","id":7,"tags":["ü"]}']);
  });

  it('should prune a connection that answers 410 and report it gone', async () => {
    const f = domainFixture();
    await f.connect({ connectionId: 'live', userId: 'alice' });
    // Opened a minute ago: well past the connect grace, so its 410 means it is gone.
    await f.recordConnection.execute({
      connectionId: 'dead',
      userId: 'alice',
      apiId: 'apia1',
      domainName: 'apia1.execute-api.us-east-1.amazonaws.com',
      stage: 'dev',
      connectedAt: f.clock.now() - 60_000,
    });
    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });
    expect(report).toMatchObject({ delivered: 1, gone: 1, failed: 0 });
    expect(report.connections.find((c) => c.connectionId === 'dead')).toEqual({ connectionId: 'dead', status: 'gone', attempts: 1 });
    expect((await f.connections.findByUser('alice')).map((c) => c.connectionId)).toEqual(['live']);
  });

  it('should report a 403 as failed with a diagnostic naming the endpoint used and the recorded apiId, stage and region', async () => {
    const f = domainFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice', apiId: 'apia1', stage: 'dev' });
    f.messenger.script('c1', { status: 'forbidden', message: 'Forbidden' });
    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });
    const [delivery] = report.connections;
    expect(delivery?.status).toBe('failed');
    expect(delivery?.attempts).toBe(1);
    expect(delivery?.error?.code).toBe('FORBIDDEN');
    expect(delivery?.error?.message).toContain('https://apia1.execute-api.us-east-1.amazonaws.com/dev');
    expect(delivery?.error?.message).toMatch(/apiId=apia1 stage=dev .*region=us-east-1/);
    expect(await f.connections.findById('c1')).toBeDefined();
  });

  it('should retry a throttled post with exponential backoff and jitter, then deliver', async () => {
    const f = domainFixture({ random: () => 0.5, backoff: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 10_000 } });
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    f.messenger.script('c1', { status: 'throttled', message: '429' }, { status: 'throttled', message: '429' });
    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });
    expect(report.connections[0]).toEqual({ connectionId: 'c1', status: 'delivered', attempts: 3 });
    expect(f.clock.sleeps).toEqual([50, 100]);
  });

  it('should give up after the configured attempts on 5xx and report the failure', async () => {
    const f = domainFixture({ backoff: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 } });
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    const boom = { status: 'error', message: '503 Service Unavailable', retryable: true } as const;
    f.messenger.script('c1', boom, boom, boom, boom);
    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });
    expect(report.connections[0]).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'UPSTREAM_ERROR' } });
    expect(f.messenger.posts).toHaveLength(3);
    expect(f.clock.sleeps).toHaveLength(2);
  });

  it('should not retry an error that is not retryable', async () => {
    const f = domainFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    f.messenger.script('c1', { status: 'error', message: '400 BadRequest', retryable: false });
    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });
    expect(report.connections[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(f.messenger.posts).toHaveLength(1);
  });

  it('should refuse a message over 131,072 bytes before any post', async () => {
    const f = domainFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    // 43,691 three-byte characters = 131,073 bytes although only 43,691 UTF-16 units.
    await expect(f.notifyUser.execute({ userId: 'alice', message: '€'.repeat(43_691) })).rejects.toBeInstanceOf(MessageTooLargeError);
    expect(f.messenger.posts).toHaveLength(0);
  });

  it('should accept a message of exactly 131,072 bytes', async () => {
    const f = domainFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    const report = await f.notifyUser.execute({ userId: 'alice', message: 'a'.repeat(MAX_MESSAGE_BYTES) });
    expect(report.delivered).toBe(1);
  });

  it.each([
    [{ userId: '', message: 'x' }, 'userId'],
    [{ userId: 'u'.repeat(129), message: 'x' }, 'userId'],
    [{ userId: 'alice', message: '' }, 'message'],
    [{ userId: 'alice', message: 42 as unknown as string }, 'message'],
  ])('should refuse %o with a validation error on %s', async (command, field) => {
    const f = domainFixture();
    const error = await f.notifyUser.execute(command).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
  });

  it('should keep at most the configured number of posts in flight', async () => {
    const f = domainFixture({ concurrency: 4 });
    f.messenger.latencyMs = 5;
    for (let i = 0; i < 20; i++) await f.connect({ connectionId: `c${i}`, userId: 'alice' });
    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });
    expect(report.delivered).toBe(20);
    expect(f.messenger.maxInFlight).toBe(4);
  });

  it('should prune a connection past its maximum duration without posting to it', async () => {
    const f = domainFixture();
    await f.connect({ connectionId: 'old', userId: 'alice' });
    f.clock.advance(3 * 60 * 60 * 1000);
    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });
    expect(report.connections).toEqual([{ connectionId: 'old', status: 'gone', attempts: 0 }]);
    expect(f.messenger.posts).toHaveLength(0);
    expect(await f.connections.findById('old')).toBeUndefined();
  });

  it('should report zero deliveries for a user without connections', async () => {
    const f = domainFixture();
    expect(await f.notifyUser.execute({ userId: 'nobody', message: 'x' })).toEqual({
      userId: 'nobody',
      delivered: 0,
      gone: 0,
      failed: 0,
      connections: [],
    });
  });

  it('should still report gone when removing the dead connection fails, and log it', async () => {
    const f = domainFixture();
    await f.recordConnection.execute({ connectionId: 'dead', userId: 'alice', apiId: 'apia1', domainName: 'apia1.execute-api.us-east-1.amazonaws.com', stage: 'dev' });
    f.connections.remove = async () => {
      throw new Error('storage down');
    };
    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });
    expect(report.gone).toBe(1);
    expect(f.logger.lines.some((l) => l.level === 'warn' && l.message.includes('could not remove'))).toBe(true);
  });
});
