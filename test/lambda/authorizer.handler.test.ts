import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { issueLocalToken } from '../../src/adapters/auth/jose-token.issuer.js';
import { JoseTokenVerifier } from '../../src/adapters/auth/jose-token.verifier.js';
import { createAuthorizerHandler } from '../../src/adapters/lambda/authorizer.handler.js';
import { AuthorizeConnectionUseCase } from '../../src/domain/use-cases/authorize-connection.use-case.js';
import { MemoryLogger } from '../support/silent-logger.js';
import { authorizerEvent } from '../support/websocket-events.js';

const SECRET = 'local-dev-secret-0123456789abcdef0123';

function hs256Authorizer(logger = new MemoryLogger()) {
  return createAuthorizerHandler(new AuthorizeConnectionUseCase(new JoseTokenVerifier({ secret: SECRET })), logger);
}

describe('authorizer handler (HS256, local/dev)', () => {
  it('should allow the methodArn with the user id as principal and context for a token in the query string', async () => {
    const token = await issueLocalToken(SECRET, 'alice');
    const event = authorizerEvent({ token });
    const result = await hs256Authorizer()(event);
    expect(result).toEqual({
      principalId: 'alice',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
      },
      context: { userId: 'alice' },
    });
  });

  it('should read the token from an Authorization: Bearer header when the query has none', async () => {
    const token = await issueLocalToken(SECRET, 'bob');
    const result = await hs256Authorizer()(authorizerEvent({ authorization: `Bearer ${token}` }));
    expect(result.principalId).toBe('bob');
  });

  it('should throw Unauthorized without a token', async () => {
    await expect(hs256Authorizer()(authorizerEvent())).rejects.toThrow(/^Unauthorized$/);
  });

  it('should throw Unauthorized for a token signed with another secret, and not log the token', async () => {
    const logger = new MemoryLogger();
    const token = await issueLocalToken('another-secret-0123456789abcdef0123', 'mallory');
    await expect(hs256Authorizer(logger)(authorizerEvent({ token }))).rejects.toThrow('Unauthorized');
    expect(JSON.stringify(logger.lines)).not.toContain(token);
    expect(logger.lines.some((l) => l.message.includes('refused'))).toBe(true);
  });

  it('should throw Unauthorized for an expired token', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(SECRET));
    await expect(hs256Authorizer()(authorizerEvent({ token }))).rejects.toThrow('Unauthorized');
  });

  it('should throw Unauthorized for a token without sub and for an unsigned (alg none) token', async () => {
    const noSub = await new SignJWT({ name: 'x' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
    await expect(hs256Authorizer()(authorizerEvent({ token: noSub }))).rejects.toThrow('Unauthorized');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"alice"}').toString('base64url')}.`;
    await expect(hs256Authorizer()(authorizerEvent({ token: none }))).rejects.toThrow('Unauthorized');
  });
});

describe('authorizer handler: the user id rule on sub', () => {
  it.each([
    ['a NUL', 'al\u0000ice'],
    ['NEXT LINE (U+0085)', 'al\u0085ice'],
    ['a bidi override (U+202E)', 'al\u202eice'],
    ['a lone surrogate', 'a\ud800b'],
    ['a non-character', 'a\uffffb'],
    ['only white space', '   '],
    ['129 characters', 'u'.repeat(129)],
  ])('should throw Unauthorized (handshake 401) for a sub with %s', async (_what, sub) => {
    const logger = new MemoryLogger();
    const token = await issueLocalToken(SECRET, sub);
    await expect(hs256Authorizer(logger)(authorizerEvent({ token }))).rejects.toThrow(/^Unauthorized$/);
    expect(logger.lines.some((l) => JSON.stringify(l.fields ?? {}).includes('sub must'))).toBe(true);
  });

  it('should allow a sub in another script with an emoji', async () => {
    const token = await issueLocalToken(SECRET, 'zoë 😀 日本');
    expect((await hs256Authorizer()(authorizerEvent({ token }))).principalId).toBe('zoë 😀 日本');
  });
});

describe('authorizer handler: token lifetime', () => {
  const key = new TextEncoder().encode(SECRET);
  const now = () => Math.floor(Date.now() / 1000);
  const authorizer = (policy: { maxTtlSeconds?: number; clockSkewSeconds?: number } = {}) =>
    createAuthorizerHandler(new AuthorizeConnectionUseCase(new JoseTokenVerifier({ secret: SECRET, ...policy })), new MemoryLogger());

  it('should throw Unauthorized for a token without exp (it would never expire)', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuedAt().sign(key);
    await expect(authorizer()(authorizerEvent({ token }))).rejects.toThrow('Unauthorized');
  });

  it('should throw Unauthorized for a token that lives longer than 24 hours by default, and allow one of 24 hours', async () => {
    const long = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuedAt().setExpirationTime(now() + 86_401).sign(key);
    await expect(authorizer()(authorizerEvent({ token: long }))).rejects.toThrow('Unauthorized');
    const day = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuedAt().setExpirationTime(now() + 86_400).sign(key);
    expect((await authorizer()(authorizerEvent({ token: day }))).principalId).toBe('alice');
  });

  it('should measure the lifetime from now when the token has no iat', async () => {
    const noIat = (ttl: number) => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setExpirationTime(now() + ttl).sign(key);
    await expect(authorizer({ maxTtlSeconds: 600 })(authorizerEvent({ token: await noIat(3600) }))).rejects.toThrow('Unauthorized');
    expect((await authorizer({ maxTtlSeconds: 600 })(authorizerEvent({ token: await noIat(300) }))).principalId).toBe('alice');
  });

  it('should apply the configured cap', async () => {
    const token = await issueLocalToken(SECRET, 'alice', { ttlSeconds: 3600 });
    await expect(authorizer({ maxTtlSeconds: 600 })(authorizerEvent({ token }))).rejects.toThrow('Unauthorized');
    expect((await authorizer({ maxTtlSeconds: 3600 })(authorizerEvent({ token }))).principalId).toBe('alice');
  });

  it('should tolerate the configured clock skew on exp, and no more', async () => {
    const justExpired = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuedAt(now() - 600).setExpirationTime(now() - 10).sign(key);
    expect((await authorizer({ clockSkewSeconds: 30 })(authorizerEvent({ token: justExpired }))).principalId).toBe('alice');
    await expect(authorizer({ clockSkewSeconds: 0 })(authorizerEvent({ token: justExpired }))).rejects.toThrow('Unauthorized');
  });

  it('should throw Unauthorized for a token issued in the future beyond the skew', async () => {
    const future = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuedAt(now() + 3600).setExpirationTime(now() + 7200).sign(key);
    await expect(authorizer()(authorizerEvent({ token: future }))).rejects.toThrow('Unauthorized');
  });
});

describe('authorizer handler (JWKS, production)', () => {
  let server: Server;
  let jwksUrl: string;
  let sign: (claims: { sub: string; iss: string; aud: string }) => Promise<string>;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    const publicKey = pair.publicKey;
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
    sign = (claims) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject(claims.sub)
        .setIssuer(claims.iss)
        .setAudience(claims.aud)
        .setExpirationTime('10m')
        .sign(privateKey);
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const jwksAuthorizer = () =>
    createAuthorizerHandler(
      new AuthorizeConnectionUseCase(new JoseTokenVerifier({ jwksUrl, issuer: 'https://id.example.com/', audience: 'socketpost' })),
      new MemoryLogger(),
    );

  it('should allow a token signed by a key of the JWKS with the right issuer and audience', async () => {
    const token = await sign({ sub: 'carol', iss: 'https://id.example.com/', aud: 'socketpost' });
    expect((await jwksAuthorizer()(authorizerEvent({ token }))).context).toEqual({ userId: 'carol' });
  });

  it('should throw Unauthorized for a wrong issuer or audience', async () => {
    const wrongIss = await sign({ sub: 'carol', iss: 'https://evil.example.com/', aud: 'socketpost' });
    const wrongAud = await sign({ sub: 'carol', iss: 'https://id.example.com/', aud: 'other' });
    await expect(jwksAuthorizer()(authorizerEvent({ token: wrongIss }))).rejects.toThrow('Unauthorized');
    await expect(jwksAuthorizer()(authorizerEvent({ token: wrongAud }))).rejects.toThrow('Unauthorized');
  });

  it('should throw Unauthorized for a JWKS-signed token without exp, or living longer than the cap', async () => {
    const noExp = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('carol')
      .setIssuer('https://id.example.com/')
      .setAudience('socketpost')
      .setIssuedAt()
      .sign(privateKey);
    await expect(jwksAuthorizer()(authorizerEvent({ token: noExp }))).rejects.toThrow('Unauthorized');
    const week = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('carol')
      .setIssuer('https://id.example.com/')
      .setAudience('socketpost')
      .setIssuedAt()
      .setExpirationTime('7d')
      .sign(privateKey);
    await expect(jwksAuthorizer()(authorizerEvent({ token: week }))).rejects.toThrow('Unauthorized');
  });

  it('should throw Unauthorized for an HS256 token when keys come from a JWKS', async () => {
    const token = await issueLocalToken(SECRET, 'alice');
    await expect(jwksAuthorizer()(authorizerEvent({ token }))).rejects.toThrow('Unauthorized');
  });
});
