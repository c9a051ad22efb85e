import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueLocalToken } from '../../src/adapters/auth/jose-token.issuer.js';
import { connectEvent, disconnectEvent, authorizerEvent } from '../support/websocket-events.js';

const SECRET = 'entry-point-secret-0123456789abcdef';
const saved = { ...process.env };

beforeAll(() => {
  Object.assign(process.env, { STORAGE: 'memory', JWT_SECRET: SECRET, LOG_LEVEL: 'silent', AWS_REGION: 'eu-west-1' });
});
afterAll(() => {
  process.env = saved;
});

describe('Lambda entry points', () => {
  it('should wire each exported handler from the environment once, sharing one storage per environment', async () => {
    const { handler: authorizer } = await import('../../src/adapters/lambda/authorizer.handler.js');
    const { handler: connect } = await import('../../src/adapters/lambda/connect.handler.js');
    const { handler: disconnect } = await import('../../src/adapters/lambda/disconnect.handler.js');
    const { lambdaClock } = await import('../../src/app/lambda/lambda-environment.js');
    const { lambdaConnectionRepository } = await import('../../src/app/lambda/lambda-storage.js');
    const { ListConnectionsUseCase } = await import('../../src/domain/use-cases/list-connections.use-case.js');

    const allowed = await authorizer(authorizerEvent({ token: await issueLocalToken(SECRET, 'dora') }));
    const authorizerContext = { ...allowed.context, principalId: allowed.principalId };
    const event = connectEvent({ authorizer: authorizerContext, domainName: 'ws.example.com', connectedAt: Date.now() });
    expect(await connect(event)).toEqual({ statusCode: 200 });

    const list = new ListConnectionsUseCase(lambdaConnectionRepository(), lambdaClock());
    const [stored] = await list.execute('dora');
    expect(stored?.endpoint.url).toBe('https://apia1.execute-api.eu-west-1.amazonaws.com/dev');

    expect(await disconnect(disconnectEvent({ authorizer: authorizerContext }))).toEqual({ statusCode: 200 });
    expect(await list.execute('dora')).toEqual([]);
  });

  it('should refuse to start with a message that lists every bad variable', async () => {
    const { loadAuthorizerConfig, loadCoreConfig } = await import('../../src/app/config.js');
    expect(() => loadCoreConfig({ STORAGE: 'redis', AWS_REGION: 'mars', NOTIFY_CONCURRENCY: '0' })).toThrow(
      /STORAGE must be one of dynamodb, memory[\s\S]*AWS_REGION[\s\S]*NOTIFY_CONCURRENCY/,
    );
    expect(() => loadAuthorizerConfig({ JWT_JWKS_URL: 'https://id.example.com/jwks.json' })).toThrow(/JWT_ISSUER[\s\S]*JWT_AUDIENCE/);
    expect(() => loadAuthorizerConfig({})).toThrow(/JWT_SECRET/);
  });
});
