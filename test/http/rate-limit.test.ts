import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { auth, restFixture } from './rest-app.fixture.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function fixture(rateLimitPerMinute: number) {
  const f = await restFixture({ app: { rateLimitPerMinute } });
  app = f.app;
  return f;
}

const list = (f: { app: FastifyInstance }, headers: Record<string, string>) =>
  f.app.inject({ method: 'GET', url: '/users/alice/connections', headers });

describe('per-key rate limit', () => {
  it('should answer 429 RATE_LIMITED with Retry-After in the error shape once a key passes its limit', async () => {
    const f = await fixture(3);
    for (let i = 0; i < 3; i += 1) expect((await list(f, auth)).statusCode).toBe(200);
    const res = await list(f, auth);
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.json()).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/more than 3 requests in a minute; retry after/),
    });
  });

  it('should count each API key on its own', async () => {
    const f = await fixture(2);
    for (let i = 0; i < 3; i += 1) await list(f, auth);
    expect((await list(f, auth)).statusCode).toBe(429);
    expect((await list(f, { authorization: 'Bearer second-key-abcdefghijkl' })).statusCode).toBe(200);
  });

  it('should answer 401, not 429, to requests without a valid key, and not count them against a key', async () => {
    const f = await fixture(1);
    for (let i = 0; i < 3; i += 1) expect((await list(f, { authorization: 'Bearer wrong-key-0123456789abc' })).statusCode).toBe(401);
    expect((await list(f, auth)).statusCode).toBe(200);
  });

  it('should never limit the health routes', async () => {
    const f = await fixture(1);
    for (let i = 0; i < 3; i += 1) expect((await f.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('should not limit at all when set to 0', async () => {
    const f = await fixture(0);
    for (let i = 0; i < 20; i += 1) expect((await list(f, auth)).statusCode).toBe(200);
  });
});
