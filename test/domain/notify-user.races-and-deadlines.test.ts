import { describe, expect, it } from 'vitest';
import { InMemoryConnectionRepository } from '../../src/adapters/memory/in-memory-connection.repository.js';
import { SystemClock } from '../../src/adapters/system/system.clock.js';
import type { Connection } from '../../src/domain/model/connection.js';
import { StopController } from '../../src/domain/shared/stop-signal.js';
import { NotifyUserUseCase, type NotifyUserOptions } from '../../src/domain/use-cases/notify-user.use-case.js';
import type { ConnectionMessenger, PostResult } from '../../src/ports/connection.messenger.js';
import { domainFixture } from '../support/domain-fixture.js';
import { MemoryLogger } from '../support/silent-logger.js';

describe('NotifyUserUseCase and the $connect race (410 before the handshake finishes)', () => {
  it('should keep a just-connected socket that answers 410, retry it, and deliver once it opens', async () => {
    const f = domainFixture({ connectGraceMs: 3_000, notYetOpenRetryMs: 100 });
    await f.connect({ connectionId: 'young', userId: 'alice' });
    f.messenger.script('young', { status: 'gone' }, { status: 'gone' });

    const report = await f.notifyUser.execute({ userId: 'alice', message: 'hello' });

    expect(report).toMatchObject({ delivered: 1, gone: 0, failed: 0 });
    expect(report.connections[0]).toEqual({ connectionId: 'young', status: 'delivered', attempts: 3 });
    expect(f.clock.sleeps).toEqual([100, 200]);
    expect(await f.connections.findById('young')).toBeDefined();
  });

  it('should prune a just-connected socket only once it still answers 410 after the grace', async () => {
    const f = domainFixture({ connectGraceMs: 1_000, notYetOpenRetryMs: 100 });
    const connectedAt = f.clock.now();
    // Recorded but never opened: every post answers 410.
    await f.recordConnection.execute({ connectionId: 'never-opened', userId: 'alice', apiId: 'apia1', domainName: 'apia1.execute-api.us-east-1.amazonaws.com', stage: 'dev' });

    const report = await f.notifyUser.execute({ userId: 'alice', message: 'hello' });

    expect(report.connections[0]).toMatchObject({ connectionId: 'never-opened', status: 'gone' });
    expect(f.clock.now() - connectedAt).toBe(1_000);
    // 100 + 200 + 400 reach 700 ms; the last wait stops at the grace (300 ms), then one last post.
    expect(f.clock.sleeps).toEqual([100, 200, 400, 300]);
    expect(report.connections[0]?.attempts).toBe(5);
    expect(await f.connections.findById('never-opened')).toBeUndefined();
  });

  it('should report gone at once, without waiting for the grace, a young socket whose $disconnect already removed its record', async () => {
    const f = domainFixture({ connectGraceMs: 3_000 });
    await f.connect({ connectionId: 'brief', userId: 'alice' });
    const post = f.messenger.post.bind(f.messenger);
    f.messenger.post = async (endpoint, connectionId, data) => {
      // The client closed right after opening: $disconnect removes the record while the post answers 410.
      await f.connections.remove(connectionId);
      await post(endpoint, connectionId, data);
      return { status: 'gone' };
    };
    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });
    expect(report.connections[0]).toEqual({ connectionId: 'brief', status: 'gone', attempts: 1 });
    expect(f.clock.sleeps).toEqual([]);
  });

  it('should prune at once a socket older than the grace that answers 410', async () => {
    const f = domainFixture({ connectGraceMs: 3_000 });
    await f.recordConnection.execute({
      connectionId: 'old',
      userId: 'alice',
      apiId: 'apia1',
      domainName: 'apia1.execute-api.us-east-1.amazonaws.com',
      stage: 'dev',
      connectedAt: f.clock.now() - 3_000,
    });
    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });
    expect(report.connections[0]).toEqual({ connectionId: 'old', status: 'gone', attempts: 1 });
    expect(f.clock.sleeps).toEqual([]);
  });

  it('should bound the wait by one grace from the first 410 when connectedAt lies in the future (clock skew)', async () => {
    const f = domainFixture({ connectGraceMs: 500, notYetOpenRetryMs: 100 });
    await f.recordConnection.execute({
      connectionId: 'skewed',
      userId: 'alice',
      apiId: 'apia1',
      domainName: 'apia1.execute-api.us-east-1.amazonaws.com',
      stage: 'dev',
      connectedAt: f.clock.now() + 60_000,
    });
    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });
    expect(report.connections[0]?.status).toBe('gone');
    expect(f.clock.sleeps.reduce((a, b) => a + b, 0)).toBe(500);
  });

  it('should report NOT_YET_OPEN and keep the record when the deadline passes while the socket still answers 410', async () => {
    const { notify, repository } = realTime({ connectGraceMs: 60_000, notYetOpenRetryMs: 20, deadlineMs: 250 }, async () => ({ status: 'gone' }));
    await repository.save(connection('opening', Date.now()));

    const report = await notify.execute({ userId: 'alice', message: 'x' });

    expect(report).toMatchObject({ delivered: 0, gone: 0, failed: 1 });
    expect(report.connections[0]).toMatchObject({ status: 'failed', error: { code: 'NOT_YET_OPEN' } });
    expect(report.connections[0]?.error?.message).toMatch(/\$connect was still finishing.*send this one again/);
    expect(await repository.findById('opening')).toBeDefined();
  });
});

describe('NotifyUserUseCase deadline (NOTIFY_DEADLINE_MS)', () => {
  it('should answer DEADLINE_EXCEEDED for a post that never answers, and for the posts not started yet', async () => {
    const { notify, repository } = realTime({ deadlineMs: 200, concurrency: 1 }, () => new Promise<PostResult>(() => undefined));
    await repository.save(connection('hangs', Date.now() - 60_000));
    await repository.save(connection('waits', Date.now() - 60_000));

    const report = await notify.execute({ userId: 'alice', message: 'x' });

    expect(report).toMatchObject({ delivered: 0, gone: 0, failed: 2 });
    const byId = new Map(report.connections.map((c) => [c.connectionId, c]));
    expect(byId.get('hangs')).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'DEADLINE_EXCEEDED' } });
    expect(byId.get('hangs')?.error?.message).toMatch(/deadline \(200 ms\) passed after 1 attempt.*may or may not have arrived/);
    expect(byId.get('waits')).toMatchObject({ status: 'failed', attempts: 0, error: { code: 'DEADLINE_EXCEEDED' } });
    expect(byId.get('waits')?.error?.message).toMatch(/nothing was sent/);
  });

  it('should cut a long backoff at the deadline instead of sleeping through it', async () => {
    const { notify, repository, posts } = realTime(
      { deadlineMs: 200, backoff: { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 }, random: () => 0.99 },
      async () => ({ status: 'throttled', message: '429' }),
    );
    await repository.save(connection('busy', Date.now() - 60_000));

    const report = await notify.execute({ userId: 'alice', message: 'x' });

    expect(report.connections[0]).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'DEADLINE_EXCEEDED' } });
    expect(posts()).toBe(1);
  });

  it('should keep what was delivered before the deadline', async () => {
    const { notify, repository } = realTime({ deadlineMs: 200 }, (connectionId) =>
      connectionId === 'fast' ? Promise.resolve({ status: 'delivered' }) : new Promise<PostResult>(() => undefined),
    );
    await repository.save(connection('fast', Date.now() - 60_000));
    await repository.save(connection('slow', Date.now() - 60_000));
    const report = await notify.execute({ userId: 'alice', message: 'x' });
    expect(report).toMatchObject({ delivered: 1, failed: 1 });
  });

  it('should end a retry loop exactly at the deadline, counted on the injected clock', async () => {
    const f = domainFixture({ deadlineMs: 1_000, backoff: { maxAttempts: 5, baseDelayMs: 800, maxDelayMs: 60_000 }, random: () => 0.99 });
    await f.connect({ connectionId: 'c1', userId: 'alice', connectedAt: f.clock.now() - 60_000 });
    const busy = { status: 'throttled', message: '429' } as const;
    f.messenger.script('c1', busy, busy, busy, busy, busy);
    const started = f.clock.now();

    const report = await f.notifyUser.execute({ userId: 'alice', message: 'x' });

    expect(report.connections[0]).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'DEADLINE_EXCEEDED' } });
    expect(f.clock.now() - started).toBe(1_000);
    expect(f.messenger.posts).toHaveLength(2);
  });

  it('should cancel its deadline timer when it finishes in time', async () => {
    const f = domainFixture({ deadlineMs: 1_000 });
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    await f.notifyUser.execute({ userId: 'alice', message: 'x' });
    expect(f.clock.pendingTimers).toBe(0);
  });

  it('should refuse a deadline that is not positive', () => {
    expect(() => realTime({ deadlineMs: 0 }, async () => ({ status: 'delivered' }))).toThrow(RangeError);
  });
});

describe('NotifyUserUseCase stopped from outside (service shutdown)', () => {
  it('should answer at once with what is known: delivered stays delivered, the rest fails with SHUTDOWN', async () => {
    let release: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (release = resolve));
    const { notify, repository } = realTime({ deadlineMs: 60_000 }, (connectionId) => {
      if (connectionId === 'fast') return Promise.resolve({ status: 'delivered' });
      release();
      return new Promise<PostResult>(() => undefined);
    });
    await repository.save(connection('fast', Date.now() - 60_000));
    await repository.save(connection('slow', Date.now() - 60_000));
    const shutdown = new StopController();

    const pending = notify.execute({ userId: 'alice', message: 'x' }, shutdown.signal);
    await started;
    shutdown.stop('SHUTDOWN');
    const report = await pending;

    const byId = new Map(report.connections.map((c) => [c.connectionId, c]));
    expect(byId.get('fast')).toMatchObject({ status: 'delivered' });
    expect(byId.get('slow')).toMatchObject({ status: 'failed', error: { code: 'SHUTDOWN' } });
    expect(byId.get('slow')?.error?.message).toMatch(/shut down after 1 attempt/);
  });

  it('should post nothing when the service is already shutting down', async () => {
    const { notify, repository, posts } = realTime({}, async () => ({ status: 'delivered' }));
    await repository.save(connection('c1', Date.now() - 60_000));
    const shutdown = new StopController();
    shutdown.stop('SHUTDOWN');
    const report = await notify.execute({ userId: 'alice', message: 'x' }, shutdown.signal);
    expect(report.connections[0]).toMatchObject({ status: 'failed', attempts: 0, error: { code: 'SHUTDOWN' } });
    expect(posts()).toBe(0);
  });
});

/** The use case on the real clock, with a messenger answering through `answer`. */
function realTime(options: Partial<NotifyUserOptions>, answer: (connectionId: string) => Promise<PostResult>) {
  const repository = new InMemoryConnectionRepository();
  let count = 0;
  const messenger: ConnectionMessenger = {
    post: (_endpoint, connectionId) => {
      count += 1;
      return answer(connectionId);
    },
    getConnection: async () => ({ status: 'gone' }),
    deleteConnection: async () => ({ status: 'gone' }),
  };
  const notify = new NotifyUserUseCase(repository, messenger, new SystemClock(), new MemoryLogger(), { random: () => 0.5, ...options });
  return { notify, repository, posts: () => count };
}

function connection(connectionId: string, connectedAt: number): Connection {
  return {
    connectionId,
    userId: 'alice',
    endpoint: {
      apiId: 'apia1',
      stage: 'dev',
      domainName: 'apia1.execute-api.us-east-1.amazonaws.com',
      region: 'us-east-1',
      url: 'https://apia1.execute-api.us-east-1.amazonaws.com/dev',
    },
    connectedAt,
    expiresAt: Math.floor(connectedAt / 1000) + 7_200 + 600,
  };
}
