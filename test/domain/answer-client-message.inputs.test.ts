import { describe, expect, it } from 'vitest';
import { AnswerClientMessageUseCase } from '../../src/domain/use-cases/answer-client-message.use-case.js';
import { ScriptedMessenger } from '../support/scripted-messenger.js';

const location = { apiId: 'apia1', domainName: 'apia1.execute-api.eu-west-1.amazonaws.com', stage: 'prod' };

describe('AnswerClientMessageUseCase with an event that names no connection', () => {
  it.each([[''], [undefined], [42]])('should not answer a ping from connection id %o, and post nothing', async (connectionId) => {
    const messenger = new ScriptedMessenger();
    const outcome = await new AnswerClientMessageUseCase(messenger, 'us-east-1').execute({ ...location, connectionId: connectionId as string, body: '{"action":"ping"}' });
    expect(outcome).toEqual({ answered: false });
    expect(messenger.posts).toEqual([]);
  });

  it('should answer a ping of a one-character connection id', async () => {
    const messenger = new ScriptedMessenger().open('c', { url: 'https://apia1.execute-api.eu-west-1.amazonaws.com/prod', region: 'eu-west-1' });
    const outcome = await new AnswerClientMessageUseCase(messenger, 'us-east-1').execute({ ...location, connectionId: 'c', body: '{"action":"ping"}' });
    expect(outcome).toEqual({ answered: true, result: { status: 'delivered' } });
  });
});
