import { describe, expect, it } from 'vitest';
import { InMemoryGroupRepository } from '../../src/adapters/memory/in-memory-group.repository.js';
import { InMemoryMessageLog } from '../../src/adapters/memory/in-memory-message.log.js';
import { AnswerClientMessageUseCase } from '../../src/domain/use-cases/answer-client-message.use-case.js';
import { ResumeMessagesUseCase } from '../../src/domain/use-cases/resume-messages.use-case.js';
import { SocketGroupUseCase } from '../../src/domain/use-cases/socket-group.use-case.js';
import { domainFixture } from '../support/domain-fixture.js';

const sender = { apiId: 'apia1', domainName: 'apia1.execute-api.us-east-1.amazonaws.com', stage: 'dev', connectionId: 'c1=' };

/** The `$default` route with every optional part wired (groups and resume), or only those asked for. */
async function clientMessages(parts: { groups?: boolean; resume?: boolean } = { groups: true, resume: true }) {
  const f = domainFixture();
  const groups = new InMemoryGroupRepository();
  await f.connect({ connectionId: 'c1=', userId: 'alice' });
  const socketGroups = parts.groups ? new SocketGroupUseCase(f.connections, groups) : undefined;
  const resume = parts.resume ? new ResumeMessagesUseCase(f.connections, new InMemoryMessageLog(), f.messenger, f.clock) : undefined;
  const answer = new AnswerClientMessageUseCase(f.messenger, 'us-east-1', socketGroups, resume);
  const received = () => f.messenger.posts.map((p) => JSON.parse(p.text) as unknown);
  const members = async (group: string) => (await groups.listConnections(group, { limit: 10 })).items.map((c) => c.connectionId);
  return { ...f, groups, answer, received, members };
}

describe('AnswerClientMessageUseCase with groups and resume wired', () => {
  it('should join the group named by a join frame, within the token’s groups claim, and answer joined', async () => {
    const f = await clientMessages();
    const outcome = await f.answer.execute({ ...sender, body: '{"action":"join","group":"room"}', allowedGroups: ['room'] });
    expect(outcome).toEqual({ answered: true, result: { status: 'delivered' } });
    expect(f.received()).toEqual([{ type: 'joined', group: 'room' }]);
    expect(await f.members('room')).toEqual(['c1=']);
  });

  it('should leave the group named by a leave frame and answer left', async () => {
    const f = await clientMessages();
    await f.answer.execute({ ...sender, body: '{"action":"join","group":"room"}', allowedGroups: ['*'] });
    await f.answer.execute({ ...sender, body: '{"action":"leave","group":"room"}' });
    expect(f.received()).toEqual([
      { type: 'joined', group: 'room' },
      { type: 'left', group: 'room' },
    ]);
    expect(await f.members('room')).toEqual([]);
  });

  it('should refuse a join with FORBIDDEN_GROUP when the event carries no groups claim', async () => {
    const f = await clientMessages();
    await f.answer.execute({ ...sender, body: '{"action":"join","group":"room"}' });
    expect(f.received()).toEqual([expect.objectContaining({ type: 'error', code: 'FORBIDDEN_GROUP', group: 'room' })]);
    expect(await f.members('room')).toEqual([]);
  });

  it('should still answer a ping with a pong, neither resuming nor joining', async () => {
    const f = await clientMessages();
    expect(await f.answer.execute({ ...sender, body: '{"action":"ping","group":"room","since":0}' })).toEqual({
      answered: true,
      result: { status: 'delivered' },
    });
    expect(f.received()).toEqual([{ type: 'pong' }]);
  });

  it.each(['{"action":"other","group":"room"}', '{"action":"","group":"room"}', '{"group":"room"}', '{"since":0}'])(
    'should accept %s without answering and without touching any group',
    async (body) => {
      const f = await clientMessages();
      expect(await f.answer.execute({ ...sender, body, allowedGroups: ['*'] })).toEqual({ answered: false });
      expect(f.messenger.posts).toEqual([]);
      expect(await f.members('room')).toEqual([]);
    },
  );

  it('should not answer a binary frame even though groups and resume are wired', async () => {
    const f = await clientMessages();
    const body = Buffer.from('{"action":"ping"}').toString('base64');
    expect(await f.answer.execute({ ...sender, body, isBase64Encoded: true })).toEqual({ answered: false });
    expect(await f.answer.execute({ ...sender, body: '{"action":"ping"}', isBase64Encoded: true })).toEqual({ answered: false });
    expect(f.messenger.posts).toEqual([]);
  });
});

describe('AnswerClientMessageUseCase without the optional parts', () => {
  it.each(['{"action":"join","group":"room"}', '{"action":"leave","group":"room"}'])(
    'should accept %s without answering when groups are not wired',
    async (body) => {
      const f = await clientMessages({ resume: true });
      expect(await f.answer.execute({ ...sender, body, allowedGroups: ['*'] })).toEqual({ answered: false });
      expect(f.messenger.posts).toEqual([]);
    },
  );

  it('should accept a resume frame without answering when recovery is not wired', async () => {
    const f = await clientMessages({ groups: true });
    expect(await f.answer.execute({ ...sender, body: '{"action":"resume","since":0}' })).toEqual({ answered: false });
    expect(f.messenger.posts).toEqual([]);
  });
});
