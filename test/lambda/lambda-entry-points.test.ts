import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueLocalToken } from '../../src/adapters/auth/jose-token.issuer.js';
import { connectEvent, disconnectEvent, authorizerEvent, messageEvent } from '../support/websocket-events.js';
import { restoreEnv } from '../support/process-env.js';

const SECRET = 'entry-point-secret-0123456789abcdef';
const saved = { ...process.env };

beforeAll(() => {
  Object.assign(process.env, { STORAGE: 'memory', JWT_SECRET: SECRET, LOG_LEVEL: 'silent', AWS_REGION: 'eu-west-1' });
  // The Lambda entry points compose their adapters once, from the environment, when first imported: fresh modules
  // here, since the test files of a worker share their modules (vitest.config.ts, isolate: false).
  vi.resetModules();
});
afterAll(() => {
  restoreEnv(saved);
  vi.resetModules();
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

  it('should let a socket join a group through $default and drop its memberships at $disconnect', async () => {
    // A loopback management API that records what the $default handler answers the socket.
    const answers: string[] = [];
    const sink: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        answers.push(body);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    try {
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDLAMBDATEST', AWS_SECRET_ACCESS_KEY: 'lambda-test-secret' });
      const { handler: connect } = await import('../../src/adapters/lambda/connect.handler.js');
      const { handler: onMessage } = await import('../../src/adapters/lambda/default.handler.js');
      const { handler: disconnect } = await import('../../src/adapters/lambda/disconnect.handler.js');
      const { lambdaGroupRepository } = await import('../../src/app/lambda/lambda-storage.js');
      const where = {
        connectionId: 'GrOuPsOcKeT1=',
        domainName: `127.0.0.1:${(sink.address() as AddressInfo).port}`,
        connectedAt: Date.now(),
        authorizer: { principalId: 'erin', userId: 'erin', groups: 'ops,dev' },
      };
      expect(await connect(connectEvent(where))).toEqual({ statusCode: 200 });

      expect(await onMessage(messageEvent(JSON.stringify({ action: 'join', group: 'ops' }), where))).toEqual({ statusCode: 200 });
      expect(answers.map((a) => JSON.parse(a) as unknown)).toEqual([{ type: 'joined', group: 'ops' }]);
      const members = await lambdaGroupRepository().listConnections('ops', { limit: 10 });
      expect(members.items.map((c) => c.connectionId)).toEqual(['GrOuPsOcKeT1=']);

      expect(await disconnect(disconnectEvent(where))).toEqual({ statusCode: 200 });
      expect((await lambdaGroupRepository().listConnections('ops', { limit: 10 })).items).toEqual([]);
    } finally {
      await new Promise((resolve) => sink.close(resolve));
    }
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
