import { describe, expect, it } from 'vitest';
import { MessageTooLargeError, ValidationError } from '../../src/domain/errors/domain.error.js';
import { MAX_MESSAGE_BYTES } from '../../src/domain/model/limits.js';
import { encodeMessage, NotifyUserUseCase } from '../../src/domain/use-cases/notify-user.use-case.js';
import { domainFixture } from '../support/domain-fixture.js';

const throttled = { status: 'throttled', message: 'LimitExceededException' } as const;
const tooLarge = { status: 'too_large', message: 'PayloadTooLargeException from POST …' } as const;

describe('NotifyUserUseCase outcomes after retries', () => {
  it('should report THROTTLED after every attempt was throttled, with the number of attempts', async () => {
    const f = domainFixture({ backoff: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 } });
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    f.messenger.script('c1', throttled, throttled, throttled, throttled);

    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });

    expect(report).toMatchObject({ delivered: 0, gone: 0, failed: 1 });
    expect(report.connections).toEqual([
      {
        connectionId: 'c1',
        status: 'failed',
        attempts: 3,
        error: { code: 'THROTTLED', message: 'throttled after 3 attempts: LimitExceededException' },
      },
    ]);
    expect(f.messenger.posts).toHaveLength(3);
    expect(f.clock.sleeps).toEqual([50, 100]);
    expect(await f.connections.findById('c1')).toBeDefined();
  });

  it('should report PAYLOAD_TOO_LARGE at once, without retrying, and keep the connection', async () => {
    const f = domainFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    f.messenger.script('c1', tooLarge, tooLarge);

    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });

    expect(report).toMatchObject({ delivered: 0, gone: 0, failed: 1 });
    expect(report.connections).toEqual([
      { connectionId: 'c1', status: 'failed', attempts: 1, error: { code: 'PAYLOAD_TOO_LARGE', message: tooLarge.message } },
    ]);
    expect(f.messenger.posts).toHaveLength(1);
    expect(f.clock.sleeps).toEqual([]);
    expect(await f.connections.findById('c1')).toBeDefined();
  });

  it('should report PAYLOAD_TOO_LARGE when a retried throttle ends in a 413', async () => {
    const f = domainFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    f.messenger.script('c1', throttled, tooLarge);

    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });

    expect(report.connections[0]).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('should prune a connection that answers 410 after a retried throttle, counting both attempts', async () => {
    const f = domainFixture();
    // Opened a minute ago: past the connect grace, so its 410 means it is gone.
    await f.connect({ connectionId: 'c1', userId: 'alice', connectedAt: f.clock.now() - 60_000 });
    f.messenger.script('c1', throttled, { status: 'gone' });

    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });

    expect(report.connections).toEqual([{ connectionId: 'c1', status: 'gone', attempts: 2 }]);
    expect(await f.connections.findById('c1')).toBeUndefined();
  });

  it('should report UPSTREAM_ERROR with the attempts and the last error, and log it', async () => {
    const f = domainFixture({ backoff: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 100 } });
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    const boom = (n: number) => ({ status: 'error', message: `HTTP 50${n}`, retryable: true }) as const;
    f.messenger.script('c1', boom(0), boom(2));

    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });

    expect(report.connections[0]).toEqual({
      connectionId: 'c1',
      status: 'failed',
      attempts: 2,
      error: { code: 'UPSTREAM_ERROR', message: 'failed after 2 attempts: HTTP 502' },
    });
    expect(f.logger.lines).toContainEqual({
      level: 'warn',
      message: 'post failed',
      fields: { connectionId: 'c1', endpoint: 'https://apia1.execute-api.us-east-1.amazonaws.com/dev', error: 'HTTP 502' },
    });
  });

  it('should make a single attempt when maxAttempts is 1', async () => {
    const f = domainFixture({ backoff: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 100 } });
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    f.messenger.script('c1', throttled, throttled);

    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });

    expect(report.connections[0]).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'THROTTLED' } });
    expect(f.clock.sleeps).toEqual([]);
  });

  it('should log a forbidden post with its endpoint and region', async () => {
    const f = domainFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    f.messenger.script('c1', { status: 'forbidden', message: 'ForbiddenException' });

    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });

    expect(report.connections[0]?.error?.message).toBe(
      '403 Forbidden posting to https://apia1.execute-api.us-east-1.amazonaws.com/dev/@connections (signed for us-east-1); ' +
        'the connection was recorded on apiId=apia1 stage=dev domainName=apia1.execute-api.us-east-1.amazonaws.com ' +
        'region=us-east-1: check execute-api:ManageConnections on that API and stage. AWS said: ForbiddenException',
    );
    expect(f.logger.lines).toContainEqual({
      level: 'warn',
      message: 'post forbidden',
      fields: { connectionId: 'c1', endpoint: 'https://apia1.execute-api.us-east-1.amazonaws.com/dev', region: 'us-east-1' },
    });
  });

  it('should count each outcome and log one summary line with the encoded size', async () => {
    const f = domainFixture();
    for (const id of ['ok1', 'ok2', 'dead', 'denied', 'busy']) await f.connect({ connectionId: id, userId: 'alice', connectedAt: f.clock.now() - 60_000 });
    f.messenger.script('dead', { status: 'gone' });
    f.messenger.script('denied', { status: 'forbidden', message: 'no' });
    f.messenger.script('busy', throttled, throttled, throttled);

    const report = await f.notifyUser.execute({ userId: 'alice', message: 'héllo' });

    expect(report).toMatchObject({ userId: 'alice', delivered: 2, gone: 1, failed: 2 });
    expect(report.connections.map((c) => c.connectionId)).toEqual(['ok1', 'ok2', 'dead', 'denied', 'busy']);
    expect(f.logger.lines.filter((l) => l.message === 'notify finished')).toEqual([
      { level: 'debug', message: 'notify finished', fields: { userId: 'alice', bytes: 6, delivered: 2, gone: 1, failed: 2 } },
    ]);
  });

  it('should log why a gone connection could not be removed', async () => {
    const f = domainFixture();
    await f.connect({ connectionId: 'dead', userId: 'alice', connectedAt: f.clock.now() - 60_000 });
    f.messenger.script('dead', { status: 'gone' });
    f.connections.remove = async () => {
      throw new Error('storage down');
    };

    await f.notifyUser.execute({ userId: 'alice', message: 'x' });

    expect(f.logger.lines).toContainEqual({
      level: 'warn',
      message: 'could not remove a gone connection',
      fields: { connectionId: 'dead', error: 'storage down' },
    });
  });

  it('should log a removal failure that is not an Error as text', async () => {
    const f = domainFixture();
    await f.connect({ connectionId: 'dead', userId: 'alice', connectedAt: f.clock.now() - 60_000 });
    f.messenger.script('dead', { status: 'gone' });
    f.connections.remove = async () => {
      throw 'plain string';
    };

    await f.notifyUser.execute({ userId: 'alice', message: 'x' });

    expect(f.logger.lines.find((l) => l.message === 'could not remove a gone connection')?.fields).toEqual({
      connectionId: 'dead',
      error: 'plain string',
    });
  });

  it('should keep a connection that expires exactly now out of the posts', async () => {
    const f = domainFixture();
    const c = await f.connect({ connectionId: 'edge', userId: 'alice' });
    f.clock.advance(c.expiresAt * 1000 - f.clock.now());

    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });

    expect(report.connections).toEqual([{ connectionId: 'edge', status: 'gone', attempts: 0 }]);
    expect(f.messenger.posts).toHaveLength(0);
  });

  it('should still post to a connection one millisecond before it expires', async () => {
    const f = domainFixture();
    const c = await f.connect({ connectionId: 'edge', userId: 'alice' });
    f.clock.advance(c.expiresAt * 1000 - f.clock.now() - 1);

    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });

    expect(report.connections).toEqual([{ connectionId: 'edge', status: 'delivered', attempts: 1 }]);
  });

  it.each([
    [{ concurrency: 0 }, 'concurrency'],
    [{ backoff: { maxAttempts: 0, baseDelayMs: 1, maxDelayMs: 1 } }, 'maxAttempts'],
  ])('should refuse the options %o (%s below 1)', (options, name) => {
    const f = domainFixture();
    expect(() => new NotifyUserUseCase(f.connections, f.messenger, f.clock, f.logger, options)).toThrow(RangeError);
    expect(() => new NotifyUserUseCase(f.connections, f.messenger, f.clock, f.logger, options)).toThrow(name);
  });

  it('should accept a concurrency and maxAttempts of 1', () => {
    const f = domainFixture();
    const options = { concurrency: 1, backoff: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } };
    expect(() => new NotifyUserUseCase(f.connections, f.messenger, f.clock, f.logger, options)).not.toThrow();
  });
});

describe('encodeMessage', () => {
  it('should encode a string as UTF-8 as-is and an object or array as JSON', () => {
    const decode = (data: Uint8Array) => new TextDecoder().decode(data);
    expect(decode(encodeMessage('héllo'))).toBe('héllo');
    expect(encodeMessage('héllo').byteLength).toBe(6);
    expect(decode(encodeMessage({ a: [1, 'ü'] }))).toBe('{"a":[1,"ü"]}');
    expect(decode(encodeMessage([1, 2]))).toBe('[1,2]');
  });

  it.each([null, undefined, 42, true])('should refuse %s as a message', (message) => {
    expect(() => encodeMessage(message as never)).toThrow(ValidationError);
    expect(() => encodeMessage(message as never)).toThrow('message: must be a string or a JSON object');
  });

  it('should refuse an empty string', () => {
    expect(() => encodeMessage('')).toThrow('message: must not be empty');
  });

  it('should say how large a refused message is and what the limit is', () => {
    const error = (() => {
      try {
        encodeMessage('a'.repeat(MAX_MESSAGE_BYTES + 1));
      } catch (e) {
        return e;
      }
    })() as MessageTooLargeError;
    expect(error).toBeInstanceOf(MessageTooLargeError);
    expect(error.code).toBe('MESSAGE_TOO_LARGE');
    expect(error.sizeBytes).toBe(MAX_MESSAGE_BYTES + 1);
    expect(error.limitBytes).toBe(MAX_MESSAGE_BYTES);
    expect(error.message).toBe('message is 131073 bytes; API Gateway accepts at most 131072 bytes');
  });
});
