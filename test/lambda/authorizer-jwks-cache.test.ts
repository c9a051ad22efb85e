import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { authorizerEvent } from '../support/websocket-events.js';
import { restoreEnv } from '../support/process-env.js';

const ISSUER = 'https://id.socketpost.test/';
const AUDIENCE = 'socketpost';

/**
 * The deployed entry point (`handler`), not a hand-built one: the verifier, and with it jose's JWKS cache,
 * must live as long as the Lambda container, so warm invocations never fetch the keys again.
 */
describe('the authorizer Lambda entry point with a JWKS', () => {
  const saved = { ...process.env };
  let server: Server;
  let fetches = 0;
  let sign: (sub: string) => Promise<string>;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    server = createServer((_req, res) => {
      fetches += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    Object.assign(process.env, {
      STORAGE: 'memory',
      LOG_LEVEL: 'silent',
      AWS_REGION: 'eu-west-1',
      JWT_JWKS_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
    });
    sign = (sub) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setSubject(sub)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime('10m')
        .sign(privateKey);
    // The Lambda entry points compose their adapters once, from the environment, when first imported: fresh modules
    // here, since the test files of a worker share their modules (vitest.config.ts, isolate: false).
    vi.resetModules();
  });

  afterAll(async () => {
    restoreEnv(saved);
    vi.resetModules();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('should fetch the keys once and verify every later token from the cache', async () => {
    const { handler } = await import('../../src/adapters/lambda/authorizer.handler.js');
    for (const user of ['alice', 'bob', 'carol']) {
      const result = await handler(authorizerEvent({ token: await sign(user) }));
      expect(result.principalId).toBe(user);
    }
    expect(fetches).toBe(1);
  });
});
