import { describe, expect, it } from 'vitest';
import { InMemoryConnectionRepository } from '../../src/adapters/memory/in-memory-connection.repository.js';
import { SystemClock } from '../../src/adapters/system/system.clock.js';
import type { Connection } from '../../src/domain/model/connection.js';
import { ConnectionSender } from '../../src/domain/services/connection-sender.js';
import { OutgoingMessage } from '../../src/domain/services/outgoing-message.js';
import { StopController } from '../../src/domain/shared/stop-signal.js';
import { NotifyUserUseCase } from '../../src/domain/use-cases/notify-user.use-case.js';
import { NotifyUsersUseCase } from '../../src/domain/use-cases/notify-users.use-case.js';
import type { ConnectionMessenger, PostResult } from '../../src/ports/connection.messenger.js';
import { parityFixture } from '../support/parity-fixture.js';
import { MemoryLogger } from '../support/silent-logger.js';

const busy = { status: 'throttled', message: '429' } as const;
/** Backoff that would wait far past a 1 s deadline: only the deadline can end the loop in time. */
const slowRetries = { deadlineMs: 1_000, backoff: { maxAttempts: 5, baseDelayMs: 800, maxDelayMs: 60_000 }, random: () => 0.99 };

/** A group `g` with alice as a member, and a broadcast audience: one socket `c1` of alice on apia1/dev. */
async function oneSocket(f: ReturnType<typeof parityFixture>, connectedAt: number) {
  await f.connect({ connectionId: 'c1', userId: 'alice', connectedAt });
  await f.addUserToGroup.execute('g', 'alice');
}

/** Makes every post hang (never answers), recording it and calling `onPost`. */
function hangPosts(f: ReturnType<typeof parityFixture>, onPost: () => void = () => undefined) {
  f.messenger.post = async (endpoint, connectionId, data) => {
    f.messenger.posts.push({ url: endpoint.url, region: endpoint.region, connectionId, text: new TextDecoder().decode(data) });
    onPost();
    return new Promise<PostResult>(() => undefined);
  };
}

const sends = {
  'a group send': (f: ReturnType<typeof parityFixture>, stop?: StopController) => f.sendToGroup.execute({ group: 'g', message: 'x' }, stop?.signal),
  'a broadcast': (f: ReturnType<typeof parityFixture>, stop?: StopController) => f.broadcast.execute({ message: 'x' }, stop?.signal),
};

describe.each(Object.entries(sends))('%s on the shared send path', (_name, send) => {
  it('should keep a just-connected socket that answers 410, retry it, and deliver once it opens', async () => {
    const f = parityFixture(3, { connectGraceMs: 3_000, notYetOpenRetryMs: 100 });
    await oneSocket(f, f.clock.now());
    f.messenger.script('c1', { status: 'gone' }, { status: 'gone' });

    const report = await send(f);

    expect(report).toMatchObject({ delivered: 1, gone: 0, failed: 0 });
    expect(report.stopped).toBeUndefined();
    expect(f.clock.sleeps).toEqual([100, 200]);
    expect(await f.connections.findById('c1')).toBeDefined();
  });

  it('should still prune a socket older than the grace that answers 410, with its group memberships', async () => {
    const f = parityFixture(3, { connectGraceMs: 3_000 });
    await oneSocket(f, f.clock.now() - 3_000);
    await f.groups.addConnection('h', (await f.connections.findById('c1'))!);
    f.messenger.script('c1', { status: 'gone' });

    expect(await send(f)).toMatchObject({ delivered: 0, gone: 1, failed: 0 });
    expect(await f.connections.findById('c1')).toBeUndefined();
    expect((await f.groups.listConnections('h', { limit: 10 })).items).toEqual([]);
  });

  it('should report NOT_YET_OPEN and keep the record when the deadline passes while the socket still answers 410', async () => {
    const f = parityFixture(3, { connectGraceMs: 60_000, notYetOpenRetryMs: 100, deadlineMs: 1_000 });
    await oneSocket(f, f.clock.now());
    f.messenger.script('c1', ...Array.from({ length: 50 }, () => ({ status: 'gone' }) as const));

    const report = await send(f);

    expect(report).toMatchObject({ delivered: 0, gone: 0, failed: 1, stopped: 'DEADLINE_EXCEEDED' });
    expect(report.failures[0]).toMatchObject({ connectionId: 'c1', code: 'NOT_YET_OPEN' });
    expect(await f.connections.findById('c1')).toBeDefined();
  });

  it('should end a retry loop at the deadline (NOTIFY_DEADLINE_MS) instead of sleeping through the backoff', async () => {
    const f = parityFixture(3, slowRetries);
    await oneSocket(f, f.clock.now() - 60_000);
    f.messenger.script('c1', busy, busy, busy, busy, busy);
    const started = f.clock.now();

    const report = await send(f);

    expect(report).toMatchObject({ delivered: 0, failed: 1, stopped: 'DEADLINE_EXCEEDED' });
    expect(report.failures[0]).toMatchObject({ connectionId: 'c1', code: 'DEADLINE_EXCEEDED' });
    expect(report.failures[0]?.message).toMatch(/deadline \(1000 ms\) passed after 2 attempt/);
    expect(f.clock.now() - started).toBe(1_000);
    expect(f.messenger.posts).toHaveLength(2);
    expect(f.clock.pendingTimers).toBe(0);
  });

  it('should cancel its deadline timer and report no stop when it finishes in time', async () => {
    const f = parityFixture(3, { deadlineMs: 1_000 });
    await oneSocket(f, f.clock.now());
    const report = await send(f);
    expect(report).toMatchObject({ delivered: 1 });
    expect(report).not.toHaveProperty('stopped');
    expect(f.clock.pendingTimers).toBe(0);
  });

  it('should answer at once with SHUTDOWN when the service stops while a post hangs', async () => {
    const f = parityFixture(3, { deadlineMs: 60_000 });
    await oneSocket(f, f.clock.now() - 60_000);
    const shutdown = new StopController();
    hangPosts(f, () => queueMicrotask(() => shutdown.stop('SHUTDOWN')));

    const report = await send(f, shutdown);

    expect(report).toMatchObject({ delivered: 0, failed: 1, stopped: 'SHUTDOWN' });
    expect(report.failures[0]).toMatchObject({ connectionId: 'c1', code: 'SHUTDOWN' });
    expect(report.failures[0]?.message).toMatch(/shut down after 1 attempt/);
  });

  it('should post nothing when the service is already shutting down', async () => {
    const f = parityFixture();
    await oneSocket(f, f.clock.now() - 60_000);
    const shutdown = new StopController();
    shutdown.stop('SHUTDOWN');

    const report = await send(f, shutdown);

    expect(f.messenger.posts).toEqual([]);
    expect(report).toMatchObject({ delivered: 0, stopped: 'SHUTDOWN' });
  });
});

describe('a group send stopped part way', () => {
  it('should read no further page once stopped, and say the send stopped', async () => {
    const f = parityFixture(2, { deadlineMs: 60_000 });
    for (let i = 0; i < 10; i += 1) {
      await f.connect({ connectionId: `c${i}`, userId: `user${i}`, connectedAt: f.clock.now() - 60_000 });
      await f.addUserToGroup.execute('g', `user${i}`);
    }
    const shutdown = new StopController();
    let posted = 0;
    hangPosts(f, () => {
      posted += 1;
      if (posted === 2) queueMicrotask(() => shutdown.stop('SHUTDOWN'));
    });

    const report = await f.sendToGroup.execute({ group: 'g', message: 'x' }, shutdown.signal);

    // The first page (2 members) was posted to; the pages after it were never sent to.
    expect(f.messenger.posts).toHaveLength(2);
    expect(report).toMatchObject({ delivered: 0, failed: 2, stopped: 'SHUTDOWN' });
  });
});

describe('SendToConnectionUseCase on the shared send path', () => {
  it('should keep and retry a just-connected socket that answers 410 instead of answering CONNECTION_NOT_FOUND', async () => {
    const f = parityFixture(3, { connectGraceMs: 3_000, notYetOpenRetryMs: 100 });
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    f.messenger.script('c1', { status: 'gone' });
    expect(await f.sendToConnection.execute({ connectionId: 'c1', message: 'x' })).toEqual({ connectionId: 'c1', status: 'delivered', attempts: 2 });
  });

  it('should answer DEADLINE_EXCEEDED at the deadline and SHUTDOWN when the service stops', async () => {
    const f = parityFixture(3, slowRetries);
    await f.connect({ connectionId: 'c1', userId: 'alice', connectedAt: f.clock.now() - 60_000 });
    f.messenger.script('c1', busy, busy, busy, busy, busy);
    expect(await f.sendToConnection.execute({ connectionId: 'c1', message: 'x' })).toMatchObject({
      status: 'failed',
      attempts: 2,
      error: { code: 'DEADLINE_EXCEEDED' },
    });

    const shutdown = new StopController();
    shutdown.stop('SHUTDOWN');
    expect(await f.sendToConnection.execute({ connectionId: 'c1', message: 'x' }, shutdown.signal)).toMatchObject({
      status: 'failed',
      attempts: 0,
      error: { code: 'SHUTDOWN' },
    });
  });
});

describe('NotifyUsersUseCase on the shared send path', () => {
  it('should give the whole request one deadline: a user whose turn comes after it is not posted to', async () => {
    const repository = new InMemoryConnectionRepository();
    let posts = 0;
    const messenger: ConnectionMessenger = {
      post: () => {
        posts += 1;
        return new Promise<PostResult>(() => undefined);
      },
      getConnection: async () => ({ status: 'gone' }),
      deleteConnection: async () => ({ status: 'gone' }),
    };
    const userIds = ['u1', 'u2', 'u3', 'u4', 'u5'];
    for (const userId of userIds) await repository.save(connection(`${userId}-c`, userId));
    const notifyUser = new NotifyUserUseCase(repository, messenger, new SystemClock(), new MemoryLogger(), { deadlineMs: 200 });

    const report = await new NotifyUsersUseCase(notifyUser).execute({ userIds, message: 'x' });

    // Four users are notified at once; the fifth starts only after the shared deadline has passed.
    expect(posts).toBe(4);
    expect(report).toMatchObject({ delivered: 0, failed: 5 });
    expect(report.users[4]?.connections[0]).toMatchObject({ attempts: 0, error: { code: 'DEADLINE_EXCEEDED' } });
  });

  it('should use the sender it is given, so every use case shares one send path', async () => {
    const f = parityFixture();
    const notifyUser = new NotifyUserUseCase(f.connections, f.messenger, f.clock, f.logger, { concurrency: 2 }, f.sender);
    expect(notifyUser.sender).toBe(f.sender);
  });
});

describe('OutgoingMessage', () => {
  it('should give every connection the encoded message (the one place a per-connection framing goes)', async () => {
    const f = parityFixture();
    const c = await f.connect({ connectionId: 'c1', userId: 'alice' });
    const message = OutgoingMessage.of({ hello: 'world' });
    expect(new TextDecoder().decode(await message.bytesFor(c))).toBe('{"hello":"world"}');
    expect(message.byteLength).toBe(17);
    const sender = new ConnectionSender(f.connections, f.messenger, f.clock, f.logger);
    expect(await sender.send(c, message, new StopController().signal)).toEqual({ connectionId: 'c1', status: 'delivered', attempts: 1 });
    expect(f.messenger.posts[0]?.text).toBe('{"hello":"world"}');
  });
});

function connection(connectionId: string, userId: string): Connection {
  const connectedAt = Date.now() - 60_000;
  return {
    connectionId,
    userId,
    endpoint: {
      apiId: 'apia1',
      domainName: 'apia1.execute-api.us-east-1.amazonaws.com',
      stage: 'dev',
      region: 'us-east-1',
      url: 'https://apia1.execute-api.us-east-1.amazonaws.com/dev',
    },
    connectedAt,
    expiresAt: Math.floor(connectedAt / 1000) + 7_200,
  };
}
