import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { auth, restFixture } from './rest-app.fixture.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function fixture(...args: Parameters<typeof restFixture>) {
  const f = await restFixture(...args);
  app = f.app;
  return f;
}

const badUserIds: Array<[string, string]> = [
  ['a C1 control (U+0085)', 'al\u0085ice'],
  ['a bidi override (U+202E)', 'al\u202eice'],
  ['a zero-width space (U+200B)', 'al\u200bice'],
  ['a lone surrogate', 'a\ud800b'],
  ['a non-character (U+FFFF)', 'a\uffffb'],
  ['only white space', ' '],
];

describe('user ids at the REST edge', () => {
  it.each(badUserIds)('should answer 400 VALIDATION_ERROR with field userId to POST /notify for %s', async (_what, userId) => {
    const f = await fixture();
    const res = await f.app.inject({
      method: 'POST',
      url: '/notify',
      headers: { ...auth, 'content-type': 'application/json' },
      // JSON.stringify escapes a lone surrogate as \ud800, so the server sees exactly this string.
      payload: JSON.stringify({ userId, message: 'hi' }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'VALIDATION_ERROR', field: 'userId' });
    expect(res.json().message).toMatch(/control, format or bidi/);
    expect(f.messenger.posts).toEqual([]);
  });

  it.each(badUserIds.filter(([what]) => what !== 'a lone surrogate'))(
    'should answer 400 VALIDATION_ERROR with field userId to GET /users/:userId/connections for %s',
    async (_what, userId) => {
      const f = await fixture();
      const res = await f.app.inject({ method: 'GET', url: `/users/${encodeURIComponent(userId)}/connections`, headers: auth });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_ERROR', field: 'userId' });
    },
  );

  it('should accept and answer for a user id in another script with an emoji', async () => {
    const f = await fixture();
    await f.connect('c1', 'zoë 😀');
    const res = await f.app.inject({ method: 'POST', url: '/notify', headers: auth, payload: { userId: 'zoë 😀', message: 'hi' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ userId: 'zoë 😀', delivered: 1 });
  });
});

function nestedMessage(depth: number): string {
  return `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
}

describe('bodies the REST edge must refuse cleanly', () => {
  it('should answer 400 JSON_TOO_DEEP, never 500, to a message nested 4,100 levels deep', async () => {
    const f = await fixture();
    const payload = `{"userId":"alice","message":${nestedMessage(4_100)}}`;
    const res = await f.app.inject({ method: 'POST', url: '/notify', headers: { ...auth, 'content-type': 'application/json' }, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'JSON_TOO_DEEP' });
    expect(res.json().message).toMatch(/64/);
  });

  it('should deliver a message nested 64 levels deep, and refuse one of 65', async () => {
    const f = await fixture();
    await f.connect('c1', 'alice');
    const send = (depth: number) =>
      f.app.inject({
        method: 'POST',
        url: '/notify',
        headers: { ...auth, 'content-type': 'application/json' },
        payload: `{"userId":"alice","message":${nestedMessage(depth)}}`,
      });
    expect((await send(64)).statusCode).toBe(200);
    expect((await send(65)).json()).toMatchObject({ statusCode: 400, code: 'JSON_TOO_DEEP' });
  });

  it('should not count brackets inside strings as nesting', async () => {
    const f = await fixture();
    await f.connect('c1', 'alice');
    const res = await f.app.inject({ method: 'POST', url: '/notify', headers: auth, payload: { userId: 'alice', message: { text: '[{'.repeat(500) + '\\"' } } });
    expect(res.statusCode).toBe(200);
  });

  it.each(['utf-16', 'UTF-16LE', 'latin1', '"iso-8859-1"'])('should answer 415 to application/json; charset=%s', async (charset) => {
    const f = await fixture();
    const res = await f.app.inject({
      method: 'POST',
      url: '/notify',
      headers: { ...auth, 'content-type': `application/json; charset=${charset}` },
      payload: JSON.stringify({ userId: 'alice', message: 'hi' }),
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type', code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it.each(['application/json; charset=utf-8', 'application/json; charset="UTF-8"', 'application/json'])('should accept %s', async (contentType) => {
    const f = await fixture();
    const res = await f.app.inject({ method: 'POST', url: '/notify', headers: { ...auth, 'content-type': contentType }, payload: JSON.stringify({ userId: 'alice', message: 'hi' }) });
    expect(res.statusCode).toBe(200);
  });
});

describe('router errors before the routes', () => {
  it('should answer 414 URI_TOO_LONG in the error shape to a 1,025-character userId with a valid key', async () => {
    const f = await fixture();
    const res = await f.app.inject({ method: 'GET', url: `/users/${'u'.repeat(1_025)}/connections`, headers: auth });
    expect(res.statusCode).toBe(414);
    expect(res.json()).toEqual({
      statusCode: 414,
      error: 'URI Too Long',
      code: 'URI_TOO_LONG',
      message: expect.stringContaining('128'),
    });
  });

  it('should answer 401 to a 1,025-character userId or a malformed path without a valid key', async () => {
    const f = await fixture();
    for (const url of [`/users/${'u'.repeat(1_025)}/connections`, '/users/a%ED%A0%80b/connections']) {
      const res = await f.app.inject({ method: 'GET', url, headers: { authorization: 'Bearer wrong-key-0123456789abc' } });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    }
  });

  it('should answer 400 BAD_URL to a path that is not valid UTF-8 with a valid key', async () => {
    const f = await fixture();
    const res = await f.app.inject({ method: 'GET', url: '/users/a%ED%A0%80b/connections', headers: auth });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'BAD_URL' });
  });
});

describe('security headers', () => {
  it('should send nosniff, frame-deny, no-store and a locked-down CSP on API answers and errors', async () => {
    const f = await fixture();
    for (const res of [
      await f.app.inject({ method: 'POST', url: '/notify', headers: auth, payload: { userId: 'alice', message: 'hi' } }),
      await f.app.inject({ method: 'GET', url: '/users/alice/connections' }),
      await f.app.inject({ method: 'GET', url: '/nowhere' }),
      await f.app.inject({ method: 'GET', url: '/healthz' }),
    ]) {
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'cache-control': 'no-store',
      });
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    }
  });

  it('should let the Swagger UI load its own scripts and styles under /docs', async () => {
    const f = await fixture();
    const res = await f.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
