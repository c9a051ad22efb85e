import { describe, expect, it } from 'vitest';
import { createConnectHandler } from '../../src/adapters/lambda/connect.handler.js';
import { createDefaultHandler } from '../../src/adapters/lambda/default.handler.js';
import { createDisconnectHandler } from '../../src/adapters/lambda/disconnect.handler.js';
import { StorageUnavailableError } from '../../src/domain/errors/domain.error.js';
import { AnswerClientMessageUseCase } from '../../src/domain/use-cases/answer-client-message.use-case.js';
import { RemoveConnectionUseCase } from '../../src/domain/use-cases/remove-connection.use-case.js';
import { domainFixture } from '../support/domain-fixture.js';
import { connectEvent, disconnectEvent, messageEvent } from '../support/websocket-events.js';

const alice = { authorizer: { principalId: 'alice', userId: 'alice' } };

describe('connect handler', () => {
  it('should store the connection with the endpoint of its requestContext, not of the Host header', async () => {
    const f = domainFixture();
    const connect = createConnectHandler(f.recordConnection, f.logger);
    const event = connectEvent({ ...alice, stage: 'prod' });
    expect(event.headers?.Host).toBe('socketpost.example.com');

    expect(await connect(event)).toEqual({ statusCode: 200 });

    const stored = await f.connections.findById('L0SM9cOFvHcCIhw=');
    expect(stored).toMatchObject({
      userId: 'alice',
      connectedAt: event.requestContext.connectedAt,
      sourceIp: '203.0.113.7',
      userAgent: 'ws-test/1.0',
      endpoint: { apiId: 'apia1', stage: 'prod', url: 'https://apia1.execute-api.us-east-1.amazonaws.com/prod', region: 'us-east-1' },
    });
    expect(await f.registry.find('apia1', 'prod')).toBeDefined();
  });

  it('should answer 401 and store nothing when the authorizer gave no user id', async () => {
    const f = domainFixture();
    const connect = createConnectHandler(f.recordConnection, f.logger);
    expect((await connect(connectEvent())).statusCode).toBe(401);
    expect((await connect(connectEvent({ authorizer: { principalId: 'x' } }))).statusCode).toBe(401);
    expect(await f.connections.findById('L0SM9cOFvHcCIhw=')).toBeUndefined();
    expect(await f.registry.list()).toEqual([]);
  });

  it('should refuse the handshake with 400 when the requestContext cannot form an endpoint', async () => {
    const f = domainFixture();
    const result = await createConnectHandler(f.recordConnection, f.logger)(connectEvent({ ...alice, stage: '../admin' }));
    expect(result.statusCode).toBe(400);
    expect(await f.connections.findById('L0SM9cOFvHcCIhw=')).toBeUndefined();
  });

  it.each(['al\u0085ice', 'al\u202eice', 'a\ud800b', ' '])(
    'should refuse the handshake with 400 and store nothing for the user id %j',
    async (userId) => {
      const f = domainFixture();
      const result = await createConnectHandler(f.recordConnection, f.logger)(connectEvent({ authorizer: { principalId: userId, userId } }));
      expect(result).toEqual({ statusCode: 400, body: 'VALIDATION_ERROR' });
      expect(await f.connections.findById('L0SM9cOFvHcCIhw=')).toBeUndefined();
    },
  );

  it('should refuse the handshake with 503 when storage is down', async () => {
    const f = domainFixture();
    f.connections.save = async () => {
      throw new StorageUnavailableError('down');
    };
    expect((await createConnectHandler(f.recordConnection, f.logger)(connectEvent(alice))).statusCode).toBe(503);
  });
});

describe('disconnect handler', () => {
  it('should remove the connection and answer 200', async () => {
    const f = domainFixture();
    await createConnectHandler(f.recordConnection, f.logger)(connectEvent(alice));
    const disconnect = createDisconnectHandler(new RemoveConnectionUseCase(f.connections), f.logger);
    expect(await disconnect(disconnectEvent(alice, 1000, 'bye'))).toEqual({ statusCode: 200 });
    expect(await f.connections.findByUser('alice')).toEqual([]);
    expect(f.logger.lines.find((l) => l.message === 'disconnected')?.fields).toMatchObject({ removed: true, disconnectStatusCode: 1000 });
  });

  it('should answer 200 for an unknown connection and when storage fails', async () => {
    const f = domainFixture();
    const disconnect = createDisconnectHandler(new RemoveConnectionUseCase(f.connections), f.logger);
    expect(await disconnect(disconnectEvent())).toEqual({ statusCode: 200 });
    f.connections.remove = async () => {
      throw new StorageUnavailableError('down');
    };
    expect(await disconnect(disconnectEvent())).toEqual({ statusCode: 200 });
    expect(f.logger.lines.some((l) => l.level === 'error')).toBe(true);
  });
});

describe('default handler', () => {
  it("should answer a ping with a pong through the sender's own endpoint", async () => {
    const f = domainFixture();
    f.messenger.open('L0SM9cOFvHcCIhw=', { url: 'https://apia1.execute-api.eu-west-1.amazonaws.com/prod', region: 'eu-west-1' });
    const handler = createDefaultHandler(new AnswerClientMessageUseCase(f.messenger, 'us-east-1'), f.logger);
    const event = messageEvent('{"action":"ping"}', { domainName: 'apia1.execute-api.eu-west-1.amazonaws.com', stage: 'prod' });
    expect(await handler(event)).toEqual({ statusCode: 200 });
    expect(f.messenger.posts).toEqual([
      { url: 'https://apia1.execute-api.eu-west-1.amazonaws.com/prod', region: 'eu-west-1', connectionId: 'L0SM9cOFvHcCIhw=', text: '{"type":"pong"}' },
    ]);
  });

  it('should answer 200 without posting for any other message', async () => {
    const f = domainFixture();
    const handler = createDefaultHandler(new AnswerClientMessageUseCase(f.messenger, 'us-east-1'), f.logger);
    expect(await handler(messageEvent('hello'))).toEqual({ statusCode: 200 });
    expect(await handler(messageEvent('{"action":"subscribe"}'))).toEqual({ statusCode: 200 });
    expect(f.messenger.posts).toEqual([]);
  });

  it('should answer 200 and log when the pong cannot be delivered', async () => {
    const f = domainFixture();
    const handler = createDefaultHandler(new AnswerClientMessageUseCase(f.messenger, 'us-east-1'), f.logger);
    expect(await handler(messageEvent('{"action":"ping"}'))).toEqual({ statusCode: 200 });
    expect(f.logger.lines.find((l) => l.message === 'pong not delivered')?.fields).toMatchObject({ result: { status: 'gone' } });
  });
});
