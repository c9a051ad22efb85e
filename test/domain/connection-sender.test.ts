import { describe, expect, it } from 'vitest';
import { InMemoryConnectionRepository } from '../../src/adapters/memory/in-memory-connection.repository.js';
import type { Connection } from '../../src/domain/model/connection.js';
import { ConnectionSender, type SendPolicy } from '../../src/domain/services/connection-sender.js';
import { OutgoingMessage } from '../../src/domain/services/outgoing-message.js';
import { StopController } from '../../src/domain/shared/stop-signal.js';
import type { ConnectionRepository } from '../../src/ports/connection.repository.js';
import type { PostResult } from '../../src/ports/connection.messenger.js';
import { ManualClock } from '../support/manual-clock.js';
import { ScriptedMessenger } from '../support/scripted-messenger.js';
import { MemoryLogger } from '../support/silent-logger.js';

/**
 * ConnectionSender on its own: what each outcome reports to the caller (codes and the messages that say what
 * to do), the options it refuses, and the waits of a connection that is not open yet.
 */

const home = { url: 'https://apia1.execute-api.eu-west-1.amazonaws.com/dev', region: 'eu-west-1' };
const message = OutgoingMessage.of('hello');

function setup(policy: Partial<SendPolicy> = {}, connections: ConnectionRepository = new InMemoryConnectionRepository()) {
  const clock = new ManualClock();
  const messenger = new ScriptedMessenger();
  const logger = new MemoryLogger();
  const sender = new ConnectionSender(connections, messenger, clock, logger, undefined, { random: () => 0.5, ...policy });
  const connection = (connectionId = 'c1', ageMs = 60_000): Connection => ({
    connectionId,
    userId: 'alice',
    endpoint: { apiId: 'apia1', domainName: 'apia1.execute-api.eu-west-1.amazonaws.com', stage: 'dev', ...home },
    connectedAt: clock.now() - ageMs,
    expiresAt: Math.floor(clock.now() / 1000) + 3_600,
  });
  const running = () => new StopController();
  return { clock, messenger, logger, sender, connection, connections, running };
}

describe('ConnectionSender options', () => {
  it.each([
    ['maxAttempts under 1', { backoff: { maxAttempts: 0, baseDelayMs: 10, maxDelayMs: 100 } }, 'maxAttempts must be at least 1'],
    ['a deadline of 0', { deadlineMs: 0 }, 'deadlineMs and notYetOpenRetryMs must be positive, connectGraceMs at least 0'],
    ['a negative connect grace', { connectGraceMs: -1 }, 'deadlineMs and notYetOpenRetryMs must be positive, connectGraceMs at least 0'],
    ['a not-yet-open wait of 0', { notYetOpenRetryMs: 0 }, 'deadlineMs and notYetOpenRetryMs must be positive, connectGraceMs at least 0'],
  ])('should refuse %s with a RangeError that says what is allowed', (_label, policy, text) => {
    expect(() => setup(policy as Partial<SendPolicy>)).toThrow(RangeError);
    expect(() => setup(policy as Partial<SendPolicy>)).toThrow(text);
  });

  it('should accept one attempt, no connect grace and the smallest waits', () => {
    expect(() => setup({ backoff: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 }, connectGraceMs: 0, deadlineMs: 1, notYetOpenRetryMs: 1 })).not.toThrow();
  });

  it('should schedule no deadline for an infinite one, and cancel the deadline when the send ends', () => {
    const infinite = setup({ deadlineMs: Number.POSITIVE_INFINITY });
    infinite.sender.start().end();
    expect(infinite.clock.pendingTimers).toBe(0);

    const timed = setup({ deadlineMs: 500 });
    const run = timed.sender.start();
    expect(timed.clock.pendingTimers).toBe(1);
    run.end();
    expect(timed.clock.pendingTimers).toBe(0);
    timed.clock.advance(1_000);
    expect(run.signal.reason).toBeUndefined();
  });

  it('should stop its run with DEADLINE_EXCEEDED when the deadline passes, or with the reason of the signal it follows', () => {
    const s = setup({ deadlineMs: 500 });
    const run = s.sender.start();
    s.clock.advance(499);
    expect(run.signal.reason).toBeUndefined();
    s.clock.advance(1);
    expect(run.signal.reason).toBe('DEADLINE_EXCEEDED');

    const shutdown = new StopController();
    const followed = s.sender.start(shutdown.signal);
    shutdown.stop('SHUTDOWN');
    expect(followed.signal.reason).toBe('SHUTDOWN');
  });
});

describe('ConnectionSender outcomes', () => {
  const answer = async (results: PostResult[], policy: Partial<SendPolicy> = {}) => {
    const s = setup({ backoff: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 }, ...policy });
    s.messenger.open('c1', home).script('c1', ...results);
    const delivery = await s.sender.send(s.connection(), message, s.running().signal);
    return { ...s, delivery };
  };

  it('should explain a 403 with the endpoint, the region and what was recorded, and log it', async () => {
    const { delivery, logger } = await answer([{ status: 'forbidden', message: 'Forbidden' }]);
    expect(delivery).toEqual({
      connectionId: 'c1',
      status: 'failed',
      attempts: 1,
      error: {
        code: 'FORBIDDEN',
        message:
          `403 Forbidden posting to ${home.url}/@connections (signed for eu-west-1); the connection was recorded on apiId=apia1 stage=dev ` +
          'domainName=apia1.execute-api.eu-west-1.amazonaws.com region=eu-west-1: check execute-api:ManageConnections on that API and stage. AWS said: Forbidden',
      },
    });
    expect(logger.lines).toContainEqual({ level: 'warn', message: 'post forbidden', fields: { connectionId: 'c1', endpoint: home.url, region: 'eu-west-1' } });
  });

  it('should say how many attempts a throttled or failing connection got', async () => {
    const throttled = await answer([
      { status: 'throttled', message: 'Rate exceeded' },
      { status: 'throttled', message: 'Rate exceeded' },
      { status: 'throttled', message: 'Rate exceeded' },
    ]);
    expect(throttled.delivery).toEqual({ connectionId: 'c1', status: 'failed', attempts: 3, error: { code: 'THROTTLED', message: 'throttled after 3 attempts: Rate exceeded' } });

    const upstream = await answer([
      { status: 'error', message: 'HTTP 502', retryable: true, httpStatus: 502 },
      { status: 'error', message: 'HTTP 502', retryable: true, httpStatus: 502 },
      { status: 'error', message: 'HTTP 500', retryable: true, httpStatus: 500 },
    ]);
    expect(upstream.delivery).toEqual({ connectionId: 'c1', status: 'failed', attempts: 3, error: { code: 'UPSTREAM_ERROR', message: 'failed after 3 attempts: HTTP 500' } });
    expect(upstream.logger.lines).toContainEqual({ level: 'warn', message: 'post failed', fields: { connectionId: 'c1', endpoint: home.url, error: 'HTTP 500' } });
  });

  it('should not retry an error that is not retryable, nor a payload too large', async () => {
    const final = await answer([{ status: 'error', message: 'HTTP 400', retryable: false, httpStatus: 400 }]);
    expect(final.delivery).toMatchObject({ attempts: 1, error: { code: 'UPSTREAM_ERROR', message: 'failed after 1 attempts: HTTP 400' } });
    const large = await answer([{ status: 'too_large', message: 'Request Entity Too Large' }]);
    expect(large.delivery).toEqual({ connectionId: 'c1', status: 'failed', attempts: 1, error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request Entity Too Large' } });
  });

  it('should wait the backoff between attempts and deliver on the last one', async () => {
    const { delivery, clock } = await answer([
      { status: 'throttled', message: '429' },
      { status: 'error', message: '503', retryable: true, httpStatus: 503 },
    ]);
    expect(delivery).toEqual({ connectionId: 'c1', status: 'delivered', attempts: 3 });
    expect(clock.sleeps).toHaveLength(2);
    expect(clock.sleeps.every((ms) => ms > 0)).toBe(true);
  });
});

describe('ConnectionSender and connections that are gone or not open yet', () => {
  it('should remove a connection past its maximum duration without posting to it', async () => {
    const s = setup();
    const expired = { ...s.connection(), expiresAt: Math.floor(s.clock.now() / 1000) };
    await s.connections.save(expired);
    expect(await s.sender.send(expired, message, s.running().signal)).toEqual({ connectionId: 'c1', status: 'gone', attempts: 0 });
    expect(s.messenger.posts).toEqual([]);
    expect(await s.connections.findById('c1')).toBeUndefined();
  });

  it('should still answer gone, and log why, when the gone connection cannot be removed', async () => {
    const failing = new InMemoryConnectionRepository();
    failing.remove = async () => {
      throw new Error('storage is down');
    };
    const s = setup({}, failing);
    expect(await s.sender.forget('c1', 2)).toEqual({ connectionId: 'c1', status: 'gone', attempts: 2 });
    expect(s.logger.lines).toContainEqual({ level: 'warn', message: 'could not remove a gone connection', fields: { connectionId: 'c1', error: 'storage is down' } });
  });

  it('should wait longer each time a young connection answers 410, at most a second and never past the grace', async () => {
    const s = setup({ connectGraceMs: 3_000, notYetOpenRetryMs: 100, deadlineMs: 60_000 });
    const young = s.connection('c1', 0);
    await s.connections.save(young);
    s.messenger.script('c1', ...Array.from({ length: 20 }, () => ({ status: 'gone' }) as const));
    const delivery = await s.sender.send(young, message, s.running().signal);

    expect(s.clock.sleeps).toEqual([100, 200, 400, 800, 1_000, 500]);
    expect(delivery).toEqual({ connectionId: 'c1', status: 'gone', attempts: 7 });
    expect(await s.connections.findById('c1')).toBeUndefined();
  });

  it("should count the grace from the first 410 when the connection's clock is ahead", async () => {
    const s = setup({ connectGraceMs: 1_000, notYetOpenRetryMs: 400, deadlineMs: 60_000 });
    const ahead = s.connection('c1', -10_000);
    await s.connections.save(ahead);
    s.messenger.script('c1', ...Array.from({ length: 10 }, () => ({ status: 'gone' }) as const));
    const delivery = await s.sender.send(ahead, message, s.running().signal);
    expect(s.clock.sleeps).toEqual([400, 600]);
    expect(delivery).toMatchObject({ status: 'gone', attempts: 3 });
  });

  it('should keep retrying a young connection when storage cannot say whether it is still recorded', async () => {
    const flaky = new InMemoryConnectionRepository();
    flaky.findById = async () => {
      throw new Error('storage is down');
    };
    const s = setup({ connectGraceMs: 3_000, notYetOpenRetryMs: 100 }, flaky);
    s.messenger.open('c1', home).script('c1', { status: 'gone' });
    expect(await s.sender.send(s.connection('c1', 0), message, s.running().signal)).toEqual({ connectionId: 'c1', status: 'delivered', attempts: 2 });
  });
});

describe('ConnectionSender retry notices', () => {
  it('should tell onRetry the stage of every post it sends again, after a throttle, a retryable failure or an early 410', async () => {
    const retried: string[] = [];
    const s = setup({ backoff: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 }, onRetry: (stage) => retried.push(stage), deadlineMs: 60_000 });
    s.messenger.open('c1', home).script('c1', { status: 'throttled', message: 'slow' }, { status: 'error', message: '502', retryable: true }, { status: 'delivered' });
    expect(await s.sender.send(s.connection(), message, s.running().signal)).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(retried).toEqual(['dev', 'dev']);

    const young = s.connection('c2', 0);
    await s.connections.save(young);
    s.messenger.open('c2', home).script('c2', { status: 'gone' }, { status: 'delivered' });
    expect(await s.sender.send(young, message, s.running().signal)).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(retried).toEqual(['dev', 'dev', 'dev']);
  });

  it('should not tell onRetry of a first post, of a failure that is not retried, or of a retry the stop cut off', async () => {
    const retried: string[] = [];
    const s = setup({ backoff: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 }, onRetry: (stage) => retried.push(stage) });
    s.messenger.open('c1', home).script('c1', { status: 'delivered' });
    await s.sender.send(s.connection(), message, s.running().signal);
    s.messenger.script('c1', { status: 'forbidden', message: 'Forbidden' });
    await s.sender.send(s.connection(), message, s.running().signal);
    s.messenger.script('c1', { status: 'error', message: '400', retryable: false });
    await s.sender.send(s.connection(), message, s.running().signal);
    expect(retried).toEqual([]);

    const run = s.running();
    s.messenger.script('c1', { status: 'throttled', message: 'slow' }, { status: 'delivered' });
    s.clock.schedule(1, () => run.stop('SHUTDOWN')); // during the backoff wait
    expect(await s.sender.send(s.connection(), message, run.signal)).toMatchObject({ status: 'failed', error: { code: 'SHUTDOWN' } });
    expect(retried).toEqual([]);
  });
});

describe('ConnectionSender when the send stops', () => {
  it('should say that nothing was sent when it stops before the first post, for a shutdown and for the deadline', async () => {
    const s = setup();
    const shutdown = new StopController();
    shutdown.stop('SHUTDOWN');
    expect(await s.sender.send(s.connection(), message, shutdown.signal)).toEqual({
      connectionId: 'c1',
      status: 'failed',
      attempts: 0,
      error: { code: 'SHUTDOWN', message: 'the service shut down before it was posted to (nothing was sent); send it again once the service is back' },
    });
    const late = new StopController();
    late.stop('DEADLINE_EXCEEDED');
    expect(await s.sender.send(s.connection(), message, late.signal)).toEqual({
      connectionId: 'c1',
      status: 'failed',
      attempts: 0,
      error: { code: 'DEADLINE_EXCEEDED', message: 'the notify deadline (10000 ms) passed before it was posted to (nothing was sent); send it again' },
    });
    expect(s.messenger.posts).toEqual([]);
  });

  it('should say that the last post may have arrived when it stops after a post', async () => {
    const s = setup({ backoff: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 100 } });
    const shutdown = new StopController();
    s.messenger.open('c1', home).script('c1', { status: 'throttled', message: '429' });
    const sleep = s.clock.sleep.bind(s.clock);
    s.clock.sleep = async (ms, stop) => {
      shutdown.stop('SHUTDOWN');
      return sleep(ms, stop);
    };
    expect(await s.sender.send(s.connection(), message, shutdown.signal)).toEqual({
      connectionId: 'c1',
      status: 'failed',
      attempts: 1,
      error: { code: 'SHUTDOWN', message: 'the service shut down after 1 attempt(s); the last post may or may not have arrived once the service is back' },
    });

    const deadline = new StopController();
    s.messenger.script('c1', { status: 'throttled', message: '429' });
    s.clock.sleep = async (ms, stop) => {
      deadline.stop('DEADLINE_EXCEEDED');
      return sleep(ms, stop);
    };
    expect(await s.sender.send(s.connection(), message, deadline.signal)).toMatchObject({
      attempts: 1,
      error: { code: 'DEADLINE_EXCEEDED', message: 'the notify deadline (10000 ms) passed after 1 attempt(s); the last post may or may not have arrived: send again only if duplicates are harmless' },
    });
  });

  it('should report NOT_YET_OPEN, with the age of the connection, when it stops while a young connection answers 410', async () => {
    const s = setup({ connectGraceMs: 3_000, notYetOpenRetryMs: 100 });
    const young = s.connection('c1', 250);
    await s.connections.save(young);
    const deadline = new StopController();
    s.messenger.script('c1', { status: 'gone' });
    const sleep = s.clock.sleep.bind(s.clock);
    s.clock.sleep = async (ms, stop) => {
      deadline.stop('DEADLINE_EXCEEDED');
      return sleep(ms, stop);
    };
    expect(await s.sender.send(young, message, deadline.signal)).toEqual({
      connectionId: 'c1',
      status: 'failed',
      attempts: 1,
      error: {
        code: 'NOT_YET_OPEN',
        message:
          'the connection answered 410 while its $connect was still finishing (opened 250 ms ago); its record is kept and later notifies will reach it once it is open: send this one again',
      },
    });
    expect(await s.connections.findById('c1')).toBeDefined();
  });
});
