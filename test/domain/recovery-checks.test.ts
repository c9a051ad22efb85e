import { describe, expect, it } from 'vitest';
import { InMemoryGroupRepository } from '../../src/adapters/memory/in-memory-group.repository.js';
import { InMemoryMessageLog } from '../../src/adapters/memory/in-memory-message.log.js';
import { MessageTooLargeError } from '../../src/domain/errors/domain.error.js';
import { MAX_MESSAGE_BYTES } from '../../src/domain/model/limits.js';
import { ConnectionSender } from '../../src/domain/services/connection-sender.js';
import { MessageRecovery } from '../../src/domain/services/message-recovery.js';
import { OutgoingMessage } from '../../src/domain/services/outgoing-message.js';
import { NotifyUserUseCase } from '../../src/domain/use-cases/notify-user.use-case.js';
import { SendToConnectionUseCase } from '../../src/domain/use-cases/send-to-connection.use-case.js';
import { domainFixture } from '../support/domain-fixture.js';

/** Fits API Gateway's limit alone, not in a `{seq, data}` envelope. */
const nearLimit = 'x'.repeat(MAX_MESSAGE_BYTES - 10);

/** The send path with message recovery (window 120 s) or without; `v1` records a socketpost.v1 socket as `$connect` would with a log. */
function sendPath(withRecovery = true) {
  const f = domainFixture();
  const log = new InMemoryMessageLog();
  const recovery = withRecovery ? new MessageRecovery(log, f.clock, 120) : undefined;
  const sender = new ConnectionSender(f.connections, f.messenger, f.clock, f.logger, new InMemoryGroupRepository(), { random: () => 0.5 }, recovery);
  const notifyUser = new NotifyUserUseCase(f.connections, f.messenger, f.clock, f.logger, {}, sender);
  const sendToConnection = new SendToConnectionUseCase(f.connections, sender);
  const v1 = async (connectionId: string, userId: string) => {
    const c = await f.connect({ connectionId, userId });
    await f.connections.save({ ...c, protocol: 'socketpost.v1' });
  };
  const latestSeq = async (userId: string) => (await log.readAfter(userId, 0, { nowMs: f.clock.now(), limit: 10 })).latestSeq;
  return { ...f, log, recovery, sender, notifyUser, sendToConnection, v1, latestSeq };
}

describe('NotifyUserUseCase.assertEnvelopeFitsFor (the 413 check of a many-users notify)', () => {
  it('should refuse a near-limit message when one of the users has a socketpost.v1 socket', async () => {
    const f = sendPath();
    await f.connect({ connectionId: 'b1', userId: 'bob' });
    await f.v1('a1', 'alice');
    await expect(f.notifyUser.assertEnvelopeFitsFor(['bob', 'alice'], nearLimit)).rejects.toBeInstanceOf(MessageTooLargeError);
    await expect(f.notifyUser.assertEnvelopeFitsFor(['bob', 'alice'], nearLimit)).rejects.toThrow(/in its \{seq, data\} envelope/);
  });

  it('should accept a near-limit message when no user opted into recovery, and any message that fits its envelope', async () => {
    const f = sendPath();
    await f.connect({ connectionId: 'b1', userId: 'bob' });
    await f.v1('a1', 'alice');
    await expect(f.notifyUser.assertEnvelopeFitsFor(['bob', 'carol'], nearLimit)).resolves.toBeUndefined();
    await expect(f.notifyUser.assertEnvelopeFitsFor(['alice'], 'hello')).resolves.toBeUndefined();
  });

  it('should accept a near-limit message for a v1 socket when the send path has no recovery', async () => {
    const f = sendPath(false);
    await f.v1('a1', 'alice');
    await expect(f.notifyUser.assertEnvelopeFitsFor(['alice'], nearLimit)).resolves.toBeUndefined();
  });
});

describe('SendToConnectionUseCase with message recovery', () => {
  it('should refuse with 413 a near-limit message to a v1 socket before posting or logging anything', async () => {
    const f = sendPath();
    await f.v1('a1', 'alice');
    await expect(f.sendToConnection.execute({ connectionId: 'a1', message: nearLimit })).rejects.toBeInstanceOf(MessageTooLargeError);
    expect(f.messenger.posts).toEqual([]);
    expect(await f.latestSeq('alice')).toBe(0);
  });

  it('should send a plain socket the bare message without numbering it, even for a user whose v1 socket is away', async () => {
    const f = sendPath();
    await f.connect({ connectionId: 'p1', userId: 'alice' });
    await f.log.markRecovering('alice', f.clock.now() + 60_000);

    expect(await f.sendToConnection.execute({ connectionId: 'p1', message: 'hi' })).toMatchObject({ status: 'delivered' });

    expect(f.messenger.posts.map((p) => p.text)).toEqual(['hi']);
    expect(await f.latestSeq('alice')).toBe(0);
  });

  it('should end its run once sent, leaving no deadline timer behind', async () => {
    const f = sendPath();
    await f.v1('a1', 'alice');
    await f.sendToConnection.execute({ connectionId: 'a1', message: 'hi' });
    await expect(f.sendToConnection.execute({ connectionId: 'nope', message: 'hi' })).rejects.toMatchObject({ code: 'CONNECTION_NOT_FOUND' });
    expect(f.messenger.posts.map((p) => p.text)).toEqual(['{"seq":1,"data":"hi"}']);
    expect(f.clock.pendingTimers).toBe(0);
  });
});

describe('MessageRecovery', () => {
  it('should want a send numbered for a user with a v1 socket among hers, without any mark in the log', async () => {
    const f = sendPath();
    await f.v1('a1', 'alice');
    const recovery = f.recovery as MessageRecovery;
    expect(await recovery.wanted('alice', await f.connections.findByUser('alice'))).toBe(true);
    expect(await recovery.wanted('alice', [])).toBe(false);
  });

  it('should keep a logged message for the window and no longer', async () => {
    const f = sendPath();
    const recovery = f.recovery as MessageRecovery;
    expect(await recovery.append('alice', OutgoingMessage.of('hi'))).toBe(1);
    const kept = async () => (await f.log.readAfter('alice', 0, { nowMs: f.clock.now(), limit: 10 })).messages.length;
    f.clock.advance(120_000 - 1);
    expect(await kept()).toBe(1);
    f.clock.advance(1);
    expect(await kept()).toBe(0);
  });
});
