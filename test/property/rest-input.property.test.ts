import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { auth, restFixture } from '../http/rest-app.fixture.js';

/**
 * Whatever a caller sends to `POST /notify` or `GET /users/:userId/connections`, the answer is a 2xx or a
 * 4xx in the documented error shape, never a 5xx. Bounded runs keep `npm test` quick.
 */
const RUNS = { numRuns: 200 };

let f: Awaited<ReturnType<typeof restFixture>>;
let app: FastifyInstance;
beforeAll(async () => {
  f = await restFixture({ app: { rateLimitPerMinute: 0 } });
  app = f.app;
  await f.connect('c1', 'alice');
});
afterAll(() => app.close());

function expectCleanAnswer(res: LightMyRequestResponse): void {
  expect(res.statusCode, res.body).toBeGreaterThanOrEqual(200);
  expect(res.statusCode, res.body).toBeLessThan(500);
  if (res.statusCode >= 400) {
    const body = res.json() as Record<string, unknown>;
    expect(body).toMatchObject({ statusCode: res.statusCode, error: expect.any(String), code: expect.any(String), message: expect.any(String) });
    expect(Object.keys(body).every((k) => ['statusCode', 'error', 'code', 'message', 'field'].includes(k))).toBe(true);
  }
}

const anyText = fc.string({ unit: 'binary', maxLength: 300 });
const userIds = fc.oneof(anyText, fc.constantFrom('alice', ' ', 'a\u0085b', 'a\ud800b', 'u'.repeat(129)), fc.anything({ maxDepth: 1 }));
/** Objects and arrays nested to any depth, up to well past the limit. */
const deep = fc.integer({ min: 1, max: 1_500 }).map((n) => JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`) as unknown);
const messages = fc.oneof(anyText, fc.jsonValue({ maxDepth: 4 }), fc.anything({ maxDepth: 3 }), deep);

describe('REST input properties', () => {
  it('POST /notify answers 2xx or a clear 4xx to any JSON body', async () => {
    const bodies = fc.oneof(
      fc.record({ userId: userIds, message: messages }, { requiredKeys: [] }),
      fc.record({ userId: userIds, message: messages, extra: fc.anything({ maxDepth: 1 }) }),
      fc.jsonValue({ maxDepth: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const payload = JSON.stringify(body) ?? 'null';
        expectCleanAnswer(await app.inject({ method: 'POST', url: '/notify', headers: { ...auth, 'content-type': 'application/json' }, payload }));
      }),
      RUNS,
    );
  });

  it('POST /notify answers a clear 4xx to any bytes and any content type', async () => {
    const contentTypes = fc.oneof(
      fc.constantFrom('application/json', 'application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=""'),
      fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
    );
    const payloads = fc.oneof(fc.uint8Array({ maxLength: 500 }).map((b) => Buffer.from(b)), anyText.map((s) => Buffer.from(s)));
    await fc.assert(
      fc.asyncProperty(contentTypes, payloads, async (contentType, payload) => {
        const headers = contentType.trim() ? { ...auth, 'content-type': contentType } : auth;
        expectCleanAnswer(await app.inject({ method: 'POST', url: '/notify', headers, payload }));
      }),
      RUNS,
    );
  });

  it('GET /users/:userId/connections answers 2xx or a clear 4xx to any user id, encoded or raw', async () => {
    const percentEncoded = anyText.map((s) => [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''));
    const rawPaths = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1_200 }).filter((s) => !/[\s#?/]/.test(s));
    const invalidUtf8 = fc.constantFrom('%ED%A0%80', '%FF', '%C3', '%', '%zz');
    await fc.assert(
      fc.asyncProperty(fc.oneof(percentEncoded, rawPaths, invalidUtf8), fc.boolean(), async (userId, withKey) => {
        const res = await app.inject({ method: 'GET', url: `/users/${userId}/connections`, headers: withKey ? auth : {} });
        expectCleanAnswer(res);
        if (!withKey) expect([401, 404]).toContain(res.statusCode); // never a 2xx, a 400 or a 414 without a key
      }),
      RUNS,
    );
  });
});
