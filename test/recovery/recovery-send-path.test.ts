import { describe, expect, it } from 'vitest';
import { InMemoryGroupRepository } from '../../src/adapters/memory/in-memory-group.repository.js';
import { InMemoryMessageLog } from '../../src/adapters/memory/in-memory-message.log.js';
import { MessageTooLargeError } from '../../src/domain/errors/domain.error.js';
import { ConnectionSender } from '../../src/domain/services/connection-sender.js';
import { MessageRecovery } from '../../src/domain/services/message-recovery.js';
import { BroadcastUseCase } from '../../src/domain/use-cases/broadcast.use-case.js';
import { NotifyUserUseCase } from '../../src/domain/use-cases/notify-user.use-case.js';
import { NotifyUsersUseCase } from '../../src/domain/use-cases/notify-users.use-case.js';
import { RecordConnectionUseCase } from '../../src/domain/use-cases/record-connection.use-case.js';
import { SendToConnectionUseCase } from '../../src/domain/use-cases/send-to-connection.use-case.js';
import { SendToGroupUseCase } from '../../src/domain/use-cases/send-to-group.use-case.js';
import { domainFixture } from '../support/domain-fixture.js';

const V1 = 'socketpost.v1';

/** The send path with message recovery on, on in-memory adapters; sockets are recorded as `$connect` records them. */
function recoveryFixture() {
  const f = domainFixture();
  const log = new InMemoryMessageLog();
  const groups = new InMemoryGroupRepository();
  const recovery = new MessageRecovery(log, f.clock, 120);
  const sender = new ConnectionSender(f.connections, f.messenger, f.clock, f.logger, groups, { random: () => 0.5 }, recovery);
  const record = new RecordConnectionUseCase(f.connections, f.registerEndpoint, f.clock, { ttlGraceSeconds: 600, recoveryWindowSeconds: 120 }, log);
  const notifyUser = new NotifyUserUseCase(f.connections, f.messenger, f.clock, f.logger, {}, sender);
  const fanOut = { concurrency: 4, pageSize: 2 };
  const open = async (connectionId: string, userId: string, protocols?: string) => {
    const c = await record.execute({
      apiId: 'apia1',
      domainName: 'apia1.execute-api.us-east-1.amazonaws.com',
      stage: 'dev',
      connectedAt: f.clock.now(),
      connectionId,
      userId,
      ...(protocols ? { offeredProtocols: protocols } : {}),
    });
    f.messenger.open(connectionId, { url: c.endpoint.url, region: c.endpoint.region });
    return c;
  };
  /** What each connection received, parsed. */
  const inbox = (connectionId: string) => f.messenger.posts.filter((p) => p.connectionId === connectionId).map((p) => p.text);
  return {
    ...f,
    log,
    groups,
    open,
    inbox,
    notifyUser,
    notifyUsers: new NotifyUsersUseCase(notifyUser),
    sendToConnection: new SendToConnectionUseCase(f.connections, sender),
    sendToGroup: new SendToGroupUseCase(groups, f.connections, sender, f.logger, fanOut),
    broadcast: new BroadcastUseCase(f.connections, f.registry, sender, f.logger, { ...fanOut, readers: 2 }),
  };
}

describe('sends to socketpost.v1 sockets', () => {
  it('should send a user\'s v1 socket {seq, data} envelopes numbered 1, 2, 3 while her plain socket gets the bare messages', async () => {
    const f = recoveryFixture();
    await f.open('v1=', 'alice', V1);
    await f.open('plain=', 'alice');

    await f.notifyUser.execute({ userId: 'alice', message: { hello: 'world' } });
    await f.notifyUser.execute({ userId: 'alice', message: 'a "string"' });
    await f.notifyUser.execute({ userId: 'alice', message: [1, 2] });

    expect(f.inbox('v1=')).toEqual(['{"seq":1,"data":{"hello":"world"}}', '{"seq":2,"data":"a \\"string\\""}', '{"seq":3,"data":[1,2]}']);
    expect(f.inbox('plain=')).toEqual(['{"hello":"world"}', 'a "string"', '[1,2]']);
  });

  it('should log a message once per user per send, however many v1 sockets she has, and give them the same seq', async () => {
    const f = recoveryFixture();
    await f.open('v1-a=', 'alice', V1);
    await f.open('v1-b=', 'alice', `chat, ${V1}`);
    await f.notifyUser.execute({ userId: 'alice', message: 'hi' });

    expect(f.inbox('v1-a=')).toEqual(['{"seq":1,"data":"hi"}']);
    expect(f.inbox('v1-b=')).toEqual(['{"seq":1,"data":"hi"}']);
    expect((await f.log.readAfter('alice', 0, { nowMs: f.clock.now(), limit: 10 })).latestSeq).toBe(1);
  });

  it('should log nothing for a user who never had a v1 socket', async () => {
    const f = recoveryFixture();
    await f.open('plain=', 'bob');
    await f.notifyUser.execute({ userId: 'bob', message: 'hi' });
    await f.notifyUser.execute({ userId: 'nobody', message: 'hi' });
    expect(await f.log.readAfter('bob', 0, { nowMs: f.clock.now(), limit: 10 })).toEqual({ messages: [], latestSeq: 0 });
    expect(await f.log.readAfter('nobody', 0, { nowMs: f.clock.now(), limit: 10 })).toEqual({ messages: [], latestSeq: 0 });
  });

  it('should keep logging for a user whose v1 socket went away, so that it gets them on resume', async () => {
    const f = recoveryFixture();
    await f.open('v1=', 'alice', V1);
    await f.notifyUser.execute({ userId: 'alice', message: 'one' });
    await f.connections.remove('v1=');

    const report = await f.notifyUser.execute({ userId: 'alice', message: 'two' });

    expect(report.connections).toEqual([]);
    const page = await f.log.readAfter('alice', 1, { nowMs: f.clock.now(), limit: 10 });
    expect(page.messages.map((m) => [m.seq, new TextDecoder().decode(m.data)])).toEqual([[2, 'two']]);
  });

  it('should refuse with 413, sending and logging nothing, a notify whose envelope would not fit a v1 socket', async () => {
    const f = recoveryFixture();
    await f.open('v1=', 'alice', V1);
    await f.open('plain=', 'alice');
    const nearLimit = 'x'.repeat(131_072 - 10);

    await expect(f.notifyUser.execute({ userId: 'alice', message: nearLimit })).rejects.toThrow(MessageTooLargeError);
    await expect(f.notifyUsers.execute({ userIds: ['carol', 'alice'], message: nearLimit })).rejects.toThrow(/envelope/);
    await expect(f.sendToConnection.execute({ connectionId: 'v1=', message: nearLimit })).rejects.toThrow(MessageTooLargeError);

    expect(f.messenger.posts).toEqual([]);
    expect((await f.log.readAfter('alice', 0, { nowMs: f.clock.now(), limit: 10 })).latestSeq).toBe(0);
  });

  it('should still send a near-limit message to a user without recovery, bare, as before', async () => {
    const f = recoveryFixture();
    await f.open('plain=', 'bob');
    const nearLimit = 'x'.repeat(131_072 - 10);
    expect((await f.notifyUser.execute({ userId: 'bob', message: nearLimit })).delivered).toBe(1);
    expect((await f.notifyUsers.execute({ userIds: ['bob'], message: nearLimit })).delivered).toBe(1);
    expect(f.inbox('plain=')).toEqual([nearLimit, nearLimit]);
  });

  it('should number a message sent to one v1 connection with its user\'s next seq', async () => {
    const f = recoveryFixture();
    await f.open('v1=', 'alice', V1);
    await f.notifyUser.execute({ userId: 'alice', message: 'one' });
    await f.sendToConnection.execute({ connectionId: 'v1=', message: { only: 'you' } });
    expect(f.inbox('v1=')).toEqual(['{"seq":1,"data":"one"}', '{"seq":2,"data":{"only":"you"}}']);
  });

  it('should give each member user of a group her own seq, once per user, and plain members the bare message', async () => {
    const f = recoveryFixture();
    await f.open('a1=', 'alice', V1);
    await f.open('a2=', 'alice', V1);
    await f.open('b1=', 'bob', V1);
    await f.open('c1=', 'carol');
    await f.notifyUser.execute({ userId: 'bob', message: 'earlier' });
    for (const user of ['alice', 'bob', 'carol']) await f.groups.addUser('room', user);

    const report = await f.sendToGroup.execute({ group: 'room', message: { text: 'hello room' } });

    expect(report).toMatchObject({ delivered: 4, failed: 0 });
    expect(f.inbox('a1=')).toEqual(['{"seq":1,"data":{"text":"hello room"}}']);
    expect(f.inbox('a2=')).toEqual(['{"seq":1,"data":{"text":"hello room"}}']);
    expect(f.inbox('b1=')).toEqual(['{"seq":1,"data":"earlier"}', '{"seq":2,"data":{"text":"hello room"}}']);
    expect(f.inbox('c1=')).toEqual(['{"text":"hello room"}']);
  });

  it('should number a broadcast per user for v1 sockets, and report a v1 socket whose envelope cannot fit as PAYLOAD_TOO_LARGE', async () => {
    const f = recoveryFixture();
    await f.open('a1=', 'alice', V1);
    await f.open('b1=', 'bob');
    await f.broadcast.execute({ message: 'news' });
    expect(f.inbox('a1=')).toEqual(['{"seq":1,"data":"news"}']);
    expect(f.inbox('b1=')).toEqual(['news']);

    const nearLimit = 'y'.repeat(131_072 - 10);
    const report = await f.broadcast.execute({ message: nearLimit });
    expect(report).toMatchObject({ delivered: 1, failed: 1, failures: [expect.objectContaining({ connectionId: 'a1=', code: 'PAYLOAD_TOO_LARGE' })] });
    expect(f.inbox('b1=')).toEqual(['news', nearLimit]);
    expect(f.inbox('a1=')).toEqual(['{"seq":1,"data":"news"}']);
  });
});
