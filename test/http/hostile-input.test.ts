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
