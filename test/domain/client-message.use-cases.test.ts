import { describe, expect, it } from 'vitest';
import { AnswerClientMessageUseCase } from '../../src/domain/use-cases/answer-client-message.use-case.js';
import { AuthorizeConnectionUseCase } from '../../src/domain/use-cases/authorize-connection.use-case.js';
import type { TokenVerifier } from '../../src/ports/token.verifier.js';
import { ScriptedMessenger } from '../support/scripted-messenger.js';

const sender = { apiId: 'apia1', domainName: 'apia1.execute-api.eu-west-1.amazonaws.com', stage: 'prod', connectionId: 'c1=' };

describe('AnswerClientMessageUseCase', () => {
  it("should answer a ping with a pong through the sender's own endpoint and region", async () => {
    const messenger = new ScriptedMessenger().open('c1=', { url: 'https://apia1.execute-api.eu-west-1.amazonaws.com/prod', region: 'eu-west-1' });
    const outcome = await new AnswerClientMessageUseCase(messenger, 'us-east-1').execute({ ...sender, body: '{"action":"ping"}' });
    expect(outcome).toEqual({ answered: true, result: { status: 'delivered' } });
    expect(messenger.posts).toEqual([
      { url: 'https://apia1.execute-api.eu-west-1.amazonaws.com/prod', region: 'eu-west-1', connectionId: 'c1=', text: '{"type":"pong"}' },
    ]);
  });

  it.each([['hello'], ['{"action":"other"}'], ['[1,2]'], ['null'], [''], [undefined]])('should accept %o without answering', async (body) => {
    const messenger = new ScriptedMessenger();
    const outcome = await new AnswerClientMessageUseCase(messenger, 'us-east-1').execute({ ...sender, body });
    expect(outcome).toEqual({ answered: false });
    expect(messenger.posts).toHaveLength(0);
  });

  it('should not answer a binary frame even if it decodes to a ping', async () => {
    const messenger = new ScriptedMessenger();
    const body = Buffer.from('{"action":"ping"}').toString('base64');
    expect(await new AnswerClientMessageUseCase(messenger, 'us-east-1').execute({ ...sender, body, isBase64Encoded: true })).toEqual({
      answered: false,
    });
  });
});

describe('AuthorizeConnectionUseCase', () => {
  const verifier: TokenVerifier = {
    async verify(token) {
      if (token === 'good') return { valid: true, subject: 'alice' };
      if (token === 'long') return { valid: true, subject: 'a'.repeat(129) };
      return { valid: false, reason: 'signature verification failed' };
    },
  };

  it('should allow a valid token and name its subject as the user', async () => {
    expect(await new AuthorizeConnectionUseCase(verifier).execute('good')).toEqual({ allowed: true, userId: 'alice', groups: [] });
  });

  it('should refuse a missing token, a bad token and an unusable subject, saying why', async () => {
    const authorize = new AuthorizeConnectionUseCase(verifier);
    expect(await authorize.execute(undefined)).toEqual({ allowed: false, reason: 'no token' });
    expect(await authorize.execute('bad')).toEqual({ allowed: false, reason: 'signature verification failed' });
    expect(await authorize.execute('long')).toMatchObject({ allowed: false });
  });
});
