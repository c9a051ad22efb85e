import { describe, expect, it } from 'vitest';
import { ConnectionNotFoundError } from '../../src/domain/errors/parity.errors.js';
import { AuthorizeConnectionUseCase } from '../../src/domain/use-cases/authorize-connection.use-case.js';
import { NotifyUserUseCase } from '../../src/domain/use-cases/notify-user.use-case.js';
import { StopController } from '../../src/domain/shared/stop-signal.js';
import { parityFixture } from '../support/parity-fixture.js';

describe('SocketGroupUseCase answers', () => {
  it.each([[42], [null], ['bad group'], ['']])('should answer INVALID_GROUP with the rule to a join or a leave of group %j', async (group) => {
    const f = parityFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    const invalid = { type: 'error', code: 'INVALID_GROUP', message: 'group must be 1–128 characters of A-Z a-z 0-9 . _ : -' };
    expect(await f.socketGroup.execute({ connectionId: 'c1', action: 'join', group, allowedGroups: ['*'] })).toEqual(invalid);
    expect(await f.socketGroup.execute({ connectionId: 'c1', action: 'leave', group, allowedGroups: ['*'] })).toEqual(invalid);
  });

  it('should say which group the token does not allow', async () => {
    const f = parityFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    expect(await f.socketGroup.execute({ connectionId: 'c1', action: 'join', group: 'secret', allowedGroups: ['public'] })).toEqual({
      type: 'error',
      code: 'FORBIDDEN_GROUP',
      group: 'secret',
      message: 'your token\'s groups claim does not allow group "secret"',
    });
  });

  it('should answer CONNECTION_NOT_FOUND to a join from a socket that is not recorded, and store no membership', async () => {
    const f = parityFixture();
    expect(await f.socketGroup.execute({ connectionId: 'ghost', action: 'join', group: 'room', allowedGroups: ['*'] })).toEqual({
      type: 'error',
      code: 'CONNECTION_NOT_FOUND',
      message: 'this connection is not recorded; reconnect',
    });
    expect((await f.groups.listConnections('room', { limit: 5 })).items).toEqual([]);
  });
});

describe('AuthorizeConnectionUseCase groups claim', () => {
  it('should keep the valid group names and the wildcard of the groups claim, and drop the others', async () => {
    const authorize = new AuthorizeConnectionUseCase({
      verify: async () => ({ valid: true, subject: 'alice', groups: ['*', 'room.1', 'bad group', '', 'a'.repeat(129), 'x:y_z-2'] }),
    });
    expect(await authorize.execute('token')).toEqual({ allowed: true, userId: 'alice', groups: ['*', 'room.1', 'x:y_z-2'] });
  });
});

describe('CloseConnectionUseCase and CloseUserConnectionsUseCase outcomes', () => {
  it('should answer CONNECTION_NOT_FOUND when the socket is already gone at the management API, and forget it', async () => {
    const f = parityFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    f.messenger.deleteScripts.set('c1', { status: 'gone' });
    await expect(f.closeConnection.execute('c1')).rejects.toBeInstanceOf(ConnectionNotFoundError);
    expect(await f.connections.findById('c1')).toBeUndefined();
  });

  it('should list each socket it could not close, with the reason', async () => {
    const f = parityFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    await f.connect({ connectionId: 'c2', userId: 'alice' });
    await f.connect({ connectionId: 'c3', userId: 'alice' });
    f.messenger.deleteScripts.set('c2', { status: 'forbidden', message: 'Forbidden' });
    f.messenger.deleteScripts.set('c3', { status: 'gone' });

    expect(await f.closeUserConnections.execute('alice')).toEqual({
      userId: 'alice',
      closed: 1,
      gone: 1,
      failed: 1,
      failures: [{ connectionId: 'c2', message: 'Forbidden' }],
    });
  });
});

describe('SendToGroupUseCase over many sockets that joined themselves', () => {
  it('should follow the pages of the group’s sockets and reach each once', async () => {
    const f = parityFixture(2);
    for (let i = 0; i < 5; i += 1) await f.groups.addConnection('room', await f.connect({ connectionId: `s${i}`, userId: `guest${i}` }));
    expect(await f.sendToGroup.execute({ group: 'room', message: 'hi' })).toMatchObject({ delivered: 5, failed: 0 });
    expect(f.messenger.posts.map((p) => p.connectionId).sort()).toEqual(['s0', 's1', 's2', 's3', 's4']);
  });
});

describe('NotifyUsersUseCase run', () => {
  it('should end its shared run once every user is notified, leaving no deadline timer behind', async () => {
    const f = parityFixture();
    await f.connect({ connectionId: 'a1', userId: 'alice' });
    await f.connect({ connectionId: 'b1', userId: 'bob' });
    expect(await f.notifyUsers.execute({ userIds: ['alice', 'bob'], message: 'hi' })).toMatchObject({ delivered: 2 });
    expect(f.clock.pendingTimers).toBe(0);
  });
});

describe('NotifyUserUseCase edges', () => {
  it('should refuse maxAttempts below 1 itself, even with a send path of its own', () => {
    const f = parityFixture();
    expect(() => new NotifyUserUseCase(f.connections, f.messenger, f.clock, f.logger, { backoff: { maxAttempts: 0, baseDelayMs: 1, maxDelayMs: 1 } }, f.sender)).toThrow(
      new RangeError('concurrency and maxAttempts must be at least 1'),
    );
  });

  it('should say in its finished log line what stopped the notify', async () => {
    const f = parityFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    const shutdown = new StopController();
    shutdown.stop('SHUTDOWN');
    await f.notifyUser.execute({ userId: 'alice', message: 'hey' }, shutdown.signal);
    expect(f.logger.lines.find((l) => l.message === 'notify finished')?.fields).toEqual({
      userId: 'alice',
      bytes: 3,
      delivered: 0,
      gone: 0,
      failed: 1,
      stoppedBy: 'SHUTDOWN',
    });
  });
});
