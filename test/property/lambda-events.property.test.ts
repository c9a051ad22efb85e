import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { issueLocalToken } from '../../src/adapters/auth/jose-token.issuer.js';
import { JoseTokenVerifier } from '../../src/adapters/auth/jose-token.verifier.js';
import { createAuthorizerHandler } from '../../src/adapters/lambda/authorizer.handler.js';
import { createConnectHandler } from '../../src/adapters/lambda/connect.handler.js';
import { createDefaultHandler } from '../../src/adapters/lambda/default.handler.js';
import { createDisconnectHandler } from '../../src/adapters/lambda/disconnect.handler.js';
import type { WebSocketAuthorizerEvent, WebSocketEvent } from '../../src/adapters/lambda/lambda-events.js';
import type { Connection } from '../../src/domain/model/connection.js';
import { ManagementEndpoint } from '../../src/domain/model/management-endpoint.js';
import { isUserId } from '../../src/domain/shared/user-id.js';
import { AnswerClientMessageUseCase } from '../../src/domain/use-cases/answer-client-message.use-case.js';
import { AuthorizeConnectionUseCase } from '../../src/domain/use-cases/authorize-connection.use-case.js';
import { RemoveConnectionUseCase } from '../../src/domain/use-cases/remove-connection.use-case.js';
import { domainFixture } from '../support/domain-fixture.js';
import { authorizerEvent, connectEvent, disconnectEvent, messageEvent } from '../support/websocket-events.js';

/**
 * Every event shape the four handlers can be given — fields missing, of the wrong type, huge or in any
 * Unicode — gets a clean answer: a status (or "Unauthorized" from the authorizer), never another throw, and
 * never a stored record that breaks the rules. Bounded runs keep `npm test` quick.
 */
const RUNS = { numRuns: 150 };

const anyText = fc.string({ unit: 'binary', maxLength: 200 });
const hugeText = fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'é'.repeat(n));
const weird = fc.oneof(
  anyText,
  hugeText,
  fc.anything({ maxDepth: 2 }),
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constantFrom('', ' ', '\u0000', 'a\ud800b', '\u202e', '../admin', 'apia1', 'dev', 'x'.repeat(300)),
);

const PATHS = [
  'requestContext',
  'requestContext.connectionId',
  'requestContext.apiId',
  'requestContext.domainName',
  'requestContext.stage',
  'requestContext.connectedAt',
  'requestContext.identity',
  'requestContext.identity.sourceIp',
  'requestContext.identity.userAgent',
  'requestContext.authorizer',
  'requestContext.authorizer.userId',
  'requestContext.disconnectStatusCode',
  'headers',
  'headers.Authorization',
  'queryStringParameters',
  'queryStringParameters.token',
  'body',
  'isBase64Encoded',
  'methodArn',
] as const;

const edits = fc.array(fc.tuple(fc.constantFrom(...PATHS), weird), { maxLength: 5 });

/** A copy of `event` with each edit applied (a value of undefined deletes the field). */
function edited<T>(event: T, changes: Array<[string, unknown]>): T {
  const copy = structuredClone(event) as Record<string, unknown>;
  for (const [path, value] of changes) {
    const keys = path.split('.');
    const last = keys.pop() as string;
    let target: unknown = copy;
    for (const key of keys) target = target !== null && typeof target === 'object' ? (target as Record<string, unknown>)[key] : undefined;
    if (target === null || typeof target !== 'object') continue;
    if (value === undefined) delete (target as Record<string, unknown>)[last];
    else (target as Record<string, unknown>)[last] = value;
  }
  return copy as T;
}

/** An edited valid event, or now and then something that is not an event at all. */
function events<T>(valid: T) {
  return fc.oneof({ weight: 9, arbitrary: edits.map((changes) => edited(valid, changes)) }, { weight: 1, arbitrary: fc.anything() as fc.Arbitrary<T> });
}

function expectWellFormed(connection: Connection): void {
  expect(isUserId(connection.userId)).toBe(true);
  expect(connection.connectionId).toMatch(/^[\x21-\x7e]{1,256}$/);
  expect(ManagementEndpoint.fromRequestContext(connection.endpoint, 'us-east-1').toJSON()).toEqual(connection.endpoint);
  expect(Number.isFinite(connection.connectedAt) && connection.connectedAt > 0).toBe(true);
  expect(Number.isInteger(connection.expiresAt)).toBe(true);
  if (connection.sourceIp !== undefined) expect(typeof connection.sourceIp).toBe('string');
  if (connection.userAgent !== undefined) expect(typeof connection.userAgent).toBe('string');
}

const alice = { authorizer: { principalId: 'alice', userId: 'alice' } };

describe('Lambda handlers given any event', () => {
  it('connect: answers a status and stores only well-formed records', async () => {
    await fc.assert(
      fc.asyncProperty(events(connectEvent(alice)), async (event) => {
        const f = domainFixture();
        const saved: Connection[] = [];
        const save = f.connections.save.bind(f.connections);
        f.connections.save = async (c) => {
          saved.push(structuredClone(c));
          return save(c);
        };
        const result = await createConnectHandler(f.recordConnection, f.logger)(event);
        expect([200, 400, 401]).toContain(result.statusCode);
        if (result.statusCode === 200) expect(saved).toHaveLength(1);
        else expect(saved).toEqual([]);
        for (const c of saved) expectWellFormed(c);
      }),
      RUNS,
    );
  });

  it('disconnect: always answers 200 and removes at most the named connection', async () => {
    const f = domainFixture();
    await f.connect({ connectionId: 'other=', userId: 'bob' });
    const disconnect = createDisconnectHandler(new RemoveConnectionUseCase(f.connections), f.logger);
    await fc.assert(
      fc.asyncProperty(events(disconnectEvent()), async (event) => {
        expect(await disconnect(event as WebSocketEvent)).toEqual({ statusCode: 200 });
        expect(await f.connections.findById('other=')).toBeDefined();
      }),
      RUNS,
    );
  });

  it('default: answers a status and posts only through a valid endpoint', async () => {
    const f = domainFixture();
    f.messenger.open('L0SM9cOFvHcCIhw=', { url: 'https://apia1.execute-api.us-east-1.amazonaws.com/dev', region: 'us-east-1' });
    const answer = createDefaultHandler(new AnswerClientMessageUseCase(f.messenger, 'us-east-1'), f.logger);
    await fc.assert(
      fc.asyncProperty(events(messageEvent('{"action":"ping"}')), async (event) => {
        const result = await answer(event as WebSocketEvent);
        expect([200, 400]).toContain(result.statusCode);
      }),
      RUNS,
    );
    for (const post of f.messenger.posts) expect(post.url).toMatch(/^https:\/\/[a-z0-9]+\.execute-api\.[a-z0-9-]+\.amazonaws\.com\/|^http:\/\/(localhost|127\.)/);
  });

  it('authorizer: allows only a valid user id, and otherwise throws exactly Unauthorized', async () => {
    const secret = 'local-dev-secret-0123456789abcdef0123';
    const authorizer = createAuthorizerHandler(new AuthorizeConnectionUseCase(new JoseTokenVerifier({ secret })), domainFixture().logger);
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyText, fc.constantFrom('alice', ' ', 'a\u0085b')), edits, async (sub, changes) => {
        const event = edited(authorizerEvent({ token: await issueLocalToken(secret, sub) }), changes) as WebSocketAuthorizerEvent;
        try {
          const result = await authorizer(event);
          expect(isUserId(result.principalId)).toBe(true);
          expect(result.context).toEqual({ userId: result.principalId });
          expect(typeof result.policyDocument.Statement[0]?.Resource).toBe('string');
        } catch (error) {
          expect((error as Error).message).toBe('Unauthorized');
        }
      }),
      RUNS,
    );
  });
});
