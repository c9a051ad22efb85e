import { describe, expect, it } from 'vitest';
import { MessageTooLargeError, ValidationError } from '../../src/domain/errors/domain.error.js';
import {
  ConnectionCloseFailedError,
  ConnectionNotFoundError,
  IdempotencyKeyInUseError,
  IdempotencyKeyReusedError,
} from '../../src/domain/errors/parity.errors.js';
import { MAX_MESSAGE_BYTES } from '../../src/domain/model/limits.js';
import { IDEMPOTENCY_TTL_MS } from '../../src/domain/use-cases/run-idempotently.use-case.js';
import { parityFixture } from '../support/parity-fixture.js';

const big = 'x'.repeat(MAX_MESSAGE_BYTES + 1);
const ids = (n: number, prefix = 'u') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

describe('NotifyUsersUseCase', () => {
  it('should notify each user once, sum the totals and skip excluded sockets', async () => {
    const f = parityFixture();
    await f.connect({ connectionId: 'a1', userId: 'alice' });
    await f.connect({ connectionId: 'a2', userId: 'alice', stage: 'prod' });
    await f.connect({ connectionId: 'b1', userId: 'bob' });

    const report = await f.notifyUsers.execute({ userIds: ['alice', 'bob', 'alice'], message: 'hi', excludeConnectionIds: ['a2'] });

    expect(report).toMatchObject({ delivered: 2, gone: 0, failed: 0, excluded: 1 });
    expect(report.users.map((u) => u.userId)).toEqual(['alice', 'bob']);
    expect(f.messenger.posts.map((p) => p.connectionId).sort()).toEqual(['a1', 'b1']);
  });

  it('should refuse 101 user ids, and a message too large before posting anything', async () => {
    const f = parityFixture();
    await f.connect({ connectionId: 'a1', userId: 'alice' });
    await expect(f.notifyUsers.execute({ userIds: ids(101), message: 'hi' })).rejects.toMatchObject({ field: 'userIds' });
    await expect(f.notifyUsers.execute({ userIds: ['alice'], message: big })).rejects.toBeInstanceOf(MessageTooLargeError);
    expect(f.messenger.posts).toEqual([]);
  });
});

describe('SendToConnectionUseCase and CloseConnectionUseCase', () => {
  it('should deliver through the connection’s own endpoint, and answer CONNECTION_NOT_FOUND for an unknown one', async () => {
    const f = parityFixture();
    const c = await f.connect({ connectionId: 'c1', userId: 'alice', stage: 'prod' });
    expect(await f.sendToConnection.execute({ connectionId: 'c1', message: { a: 1 } })).toEqual({ connectionId: 'c1', status: 'delivered', attempts: 1 });
    expect(f.messenger.posts[0]).toMatchObject({ url: c.endpoint.url, text: '{"a":1}' });
    await expect(f.sendToConnection.execute({ connectionId: 'nope', message: 'x' })).rejects.toBeInstanceOf(ConnectionNotFoundError);
  });

  it('should remove the record and the group memberships of a connection that answers 410', async () => {
    const f = parityFixture();
    // Older than the connect grace: its 410 means gone, not "still opening".
    const c = await f.connect({ connectionId: 'c1', userId: 'alice', connectedAt: f.clock.now() - 60_000 });
    await f.groups.addConnection('room', c);
    f.messenger.script('c1', { status: 'gone' });

    await expect(f.sendToConnection.execute({ connectionId: 'c1', message: 'x' })).rejects.toBeInstanceOf(ConnectionNotFoundError);

    expect(await f.connections.findById('c1')).toBeUndefined();
    expect((await f.groups.listConnections('room', { limit: 10 })).items).toEqual([]);
  });

  it('should close a socket through its endpoint and forget it, and keep the record when the management API refuses', async () => {
    const f = parityFixture();
    const c = await f.connect({ connectionId: 'c1', userId: 'alice', stage: 'prod' });
    await f.connect({ connectionId: 'c2', userId: 'alice' });
    await f.groups.addConnection('room', c);

    await f.closeConnection.execute('c1');
    expect(f.messenger.calls).toEqual([{ method: 'DELETE', url: c.endpoint.url, connectionId: 'c1' }]);
    expect(await f.connections.findById('c1')).toBeUndefined();
    expect(await f.groups.removeConnectionFromAll('c1')).toEqual([]);
    await expect(f.closeConnection.execute('c1')).rejects.toBeInstanceOf(ConnectionNotFoundError);

    f.messenger.deleteScripts.set('c2', { status: 'forbidden', message: 'Forbidden' });
    await expect(f.closeConnection.execute('c2')).rejects.toBeInstanceOf(ConnectionCloseFailedError);
    expect(await f.connections.findById('c2')).toBeDefined();
  });

  it('should close every socket of a user and count the ones already gone', async () => {
    const f = parityFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    await f.connect({ connectionId: 'c2', userId: 'alice' });
    f.messenger.deleteScripts.set('c2', { status: 'gone' });
    expect(await f.closeUserConnections.execute('alice')).toEqual({ userId: 'alice', closed: 1, gone: 1, failed: 0, failures: [] });
    expect(await f.connections.findByUser('alice')).toEqual([]);
  });
});

describe('SendToGroupUseCase', () => {
  it('should reach every socket of every member and every socket that joined, once each, page by page', async () => {
    const f = parityFixture(2);
    const members = ids(7, 'member');
    for (const [i, userId] of members.entries()) {
      await f.connect({ connectionId: `${userId}-dev`, userId });
      if (i % 2 === 0) await f.connect({ connectionId: `${userId}-prod`, userId, stage: 'prod' });
      await f.addUserToGroup.execute('team.a', userId);
    }
    const joinedMemberSocket = (await f.connections.findById('member000-dev'))!;
    await f.groups.addConnection('team.a', joinedMemberSocket);
    const guest = await f.connect({ connectionId: 'guest-1', userId: 'guest' });
    await f.groups.addConnection('team.a', guest);
    await f.connect({ connectionId: 'outsider-1', userId: 'outsider' });

    const report = await f.sendToGroup.execute({ group: 'team.a', message: 'hi team', excludeConnectionIds: ['member001-dev'] });

    const sentTo = f.messenger.posts.map((p) => p.connectionId);
    expect(new Set(sentTo).size).toBe(sentTo.length);
    expect(sentTo).toContain('guest-1');
    expect(sentTo).toContain('member006-prod');
    expect(sentTo).not.toContain('outsider-1');
    expect(sentTo).not.toContain('member001-dev');
    // 7 dev + 4 prod sockets of members, minus the excluded one, plus the guest that joined itself.
    expect(report).toEqual({ group: 'team.a', delivered: 11, gone: 0, failed: 0, excluded: 1, failures: [], failuresTruncated: false });
  });

  it('should keep at most 100 failures while counting them all', async () => {
    const f = parityFixture(50);
    for (const userId of ids(120)) {
      await f.connect({ connectionId: `${userId}-c`, userId });
      f.messenger.script(`${userId}-c`, { status: 'forbidden', message: 'Forbidden' });
      await f.addUserToGroup.execute('big', userId);
    }
    const report = await f.sendToGroup.execute({ group: 'big', message: 'x' });
    expect(report).toMatchObject({ delivered: 0, failed: 120, failuresTruncated: true });
    expect(report.failures).toHaveLength(100);
    expect(report.failures[0]).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('should refuse a bad group name, 101 excluded ids and a message too large before posting anything', async () => {
    const f = parityFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    await f.addUserToGroup.execute('g', 'alice');
    await expect(f.sendToGroup.execute({ group: 'no spaces', message: 'x' })).rejects.toMatchObject({ field: 'group' });
    await expect(f.sendToGroup.execute({ group: 'g', message: 'x', excludeConnectionIds: ids(101) })).rejects.toMatchObject({
      field: 'excludeConnectionIds',
    });
    await expect(f.sendToGroup.execute({ group: 'g', message: big })).rejects.toBeInstanceOf(MessageTooLargeError);
    expect(f.messenger.posts).toEqual([]);
  });
});

describe('ListGroupConnectionsUseCase', () => {
  it('should list the sockets that joined, page by page, leaving out one past its maximum duration', async () => {
    const f = parityFixture();
    const old = await f.connect({ connectionId: 'a-old', userId: 'alice', connectedAt: f.clock.now() - 3 * 3_600_000 });
    await f.groups.addConnection('g', { ...old, expiresAt: Math.floor(f.clock.now() / 1000) - 1 });
    for (const id of ['b1', 'b2', 'b3']) await f.groups.addConnection('g', await f.connect({ connectionId: id, userId: 'bob' }));

    const first = await f.listGroupConnections.execute('g', { limit: 2 });
    expect(first.items.map((c) => c.connectionId)).toEqual(['b1']);
    const second = await f.listGroupConnections.execute('g', { limit: 2, ...(first.cursor ? { cursor: first.cursor } : {}) });
    expect(second.items.map((c) => c.connectionId)).toEqual(['b2', 'b3']);
    expect(second.cursor).toBeUndefined();
    await expect(f.listGroupConnections.execute('no spaces')).rejects.toMatchObject({ field: 'group' });
  });
});

describe('SocketGroupUseCase and RemoveConnectionUseCase', () => {
  it("should let a socket join only a group its token's groups claim allows, and leave it", async () => {
    const f = parityFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    expect(await f.socketGroup.execute({ connectionId: 'c1', action: 'join', group: 'secret', allowedGroups: ['public'] })).toMatchObject({
      type: 'error',
      code: 'FORBIDDEN_GROUP',
    });
    expect(await f.socketGroup.execute({ connectionId: 'c1', action: 'join', group: 'public', allowedGroups: ['public'] })).toEqual({ type: 'joined', group: 'public' });
    expect(await f.socketGroup.execute({ connectionId: 'c1', action: 'join', group: 'any', allowedGroups: ['*'] })).toEqual({ type: 'joined', group: 'any' });
    expect(await f.socketGroup.execute({ connectionId: 'c1', action: 'join', group: 'bad group', allowedGroups: ['*'] })).toMatchObject({ code: 'INVALID_GROUP' });
    expect(await f.socketGroup.execute({ connectionId: 'c1', action: 'leave', group: 'public', allowedGroups: [] })).toEqual({ type: 'left', group: 'public' });
    expect((await f.groups.listConnections('public', { limit: 5 })).items).toEqual([]);
    expect((await f.groups.listConnections('secret', { limit: 5 })).items).toEqual([]);

    await f.removeConnection.execute('c1');
    expect((await f.groups.listConnections('any', { limit: 5 })).items).toEqual([]);
  });
});

describe('BroadcastUseCase', () => {
  it('should reach every live connection of one stage once, or of every stage, reading the shards page by page', async () => {
    const f = parityFixture(2);
    for (const id of ids(15, 'd')) await f.connect({ connectionId: id, userId: `user-${id}` });
    for (const id of ids(5, 'p')) await f.connect({ connectionId: id, userId: `user-${id}`, stage: 'prod' });

    const dev = await f.broadcast.execute({ message: 'dev only', stage: 'dev', excludeConnectionIds: ['d003'] });
    expect(dev).toMatchObject({ stages: ['apia1/dev'], delivered: 14, excluded: 1, failed: 0 });
    expect(f.messenger.posts.map((p) => p.connectionId).sort()).toEqual(ids(15, 'd').filter((id) => id !== 'd003'));

    f.messenger.posts.length = 0;
    const all = await f.broadcast.execute({ message: 'everyone' });
    expect(all.stages.sort()).toEqual(['apia1/dev', 'apia1/prod']);
    expect(all.delivered).toBe(20);
    expect(new Set(f.messenger.posts.map((p) => p.connectionId)).size).toBe(20);
  });

  it('should send nothing for an API nobody connected to', async () => {
    const f = parityFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    expect(await f.broadcast.execute({ message: 'x', apiId: 'other' })).toMatchObject({ stages: [], delivered: 0 });
    expect(f.messenger.posts).toEqual([]);
  });
});

describe('RunIdempotentlyUseCase', () => {
  it('should run once per key: a repeat gets the first answer, another body is refused, and a running key answers in use', async () => {
    const f = parityFixture();
    let runs = 0;
    let release: () => void = () => undefined;
    const slow = () =>
      new Promise<{ n: number }>((resolve) => {
        runs += 1;
        release = () => resolve({ n: runs });
      });

    const first = f.runIdempotently.execute({ key: 'k1', fingerprint: 'body-a' }, slow);
    await Promise.resolve();
    await expect(f.runIdempotently.execute({ key: 'k1', fingerprint: 'body-a' }, slow)).rejects.toBeInstanceOf(IdempotencyKeyInUseError);
    release();
    expect(await first).toEqual({ replayed: false, value: { n: 1 } });

    expect(await f.runIdempotently.execute({ key: 'k1', fingerprint: 'body-a' }, slow)).toEqual({ replayed: true, value: { n: 1 } });
    await expect(f.runIdempotently.execute({ key: 'k1', fingerprint: 'body-b' }, slow)).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    expect(runs).toBe(1);

    f.clock.advance(IDEMPOTENCY_TTL_MS + 1_000);
    const later = f.runIdempotently.execute({ key: 'k1', fingerprint: 'body-b' }, slow);
    await Promise.resolve();
    release();
    expect(await later).toEqual({ replayed: false, value: { n: 2 } });
  });

  it('should free the key when the send fails before sending, so that a corrected retry runs', async () => {
    const f = parityFixture();
    await expect(
      f.runIdempotently.execute({ key: 'k2', fingerprint: 'fp' }, async () => {
        throw new ValidationError('message', 'bad');
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await f.runIdempotently.execute({ key: 'k2', fingerprint: 'fp' }, async () => 'ok')).toEqual({ replayed: false, value: 'ok' });
    await expect(f.runIdempotently.execute({ key: 'bad key with spaces', fingerprint: 'fp' }, async () => 'x')).rejects.toMatchObject({
      field: 'Idempotency-Key',
    });
  });
});
