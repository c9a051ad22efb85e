import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { StorageUnavailableError } from '../../src/domain/errors/domain.error.js';
import type { ConnectionRepository } from '../../src/ports/connection.repository.js';
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

describe('POST /notify', () => {
  it("should deliver to every socket of the user and answer the delivery report", async () => {
    const f = await fixture();
    await f.connect('a-dev=', 'alice', 'dev');
    await f.connect('a-prod=', 'alice', 'prod');
    await f.connect('b-dev=', 'bob', 'dev');
    const res = await f.app.inject({ method: 'POST', url: '/notify', headers: auth, payload: { userId: 'alice', message: { hello: 'world' } } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ userId: 'alice', delivered: 2, gone: 0, failed: 0 });
    expect(body.connections.map((c: { connectionId: string }) => c.connectionId).sort()).toEqual(['a-dev=', 'a-prod=']);
    expect(f.messenger.posts.map((p) => p.text)).toEqual(['{"hello":"world"}', '{"hello":"world"}']);
  });

  it('should report a gone connection and a failed one with its error', async () => {
    const f = await fixture();
    await f.connect('ok', 'alice');
    await f.connect('dead', 'alice');
    await f.connect('denied', 'alice');
    // A minute later: past the connect grace, a 410 means gone.
    f.clock.advance(60_000);
    f.messenger.script('dead', { status: 'gone' });
    f.messenger.script('denied', { status: 'forbidden', message: 'Forbidden' });
    const res = await f.app.inject({ method: 'POST', url: '/notify', headers: auth, payload: { userId: 'alice', message: 'hi' } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ delivered: 1, gone: 1, failed: 1 });
    const denied = body.connections.find((c: { connectionId: string }) => c.connectionId === 'denied');
    expect(denied.error.code).toBe('FORBIDDEN');
    expect(denied.error.message).toContain('/dev');
  });

  it('should accept the second configured API key', async () => {
    const f = await fixture();
    const res = await f.app.inject({
      method: 'POST',
      url: '/notify',
      headers: { authorization: 'Bearer second-key-abcdefghijkl' },
      payload: { userId: 'alice', message: 'hi' },
    });
    expect(res.statusCode).toBe(200);
  });

  it.each([
    [{ message: 'hi' }, 'userId', /userId is required/],
    [{ userId: '', message: 'hi' }, 'userId', /userId/],
    [{ userId: 'u'.repeat(129), message: 'hi' }, 'userId', /128/],
    [{ userId: 42, message: 'hi' }, 'userId', /userId/],
    [{ userId: 'alice' }, 'message', /message is required/],
    [{ userId: 'alice', message: 7 }, 'message', /string or a JSON object/],
    [{ userId: 'alice', message: '' }, 'message', /string or a JSON object/],
    [{ userId: 'alice', message: ['a'] }, 'message', /string or a JSON object/],
    [{ userId: 'alice', message: 'hi', extra: true }, 'extra', /not a known field/],
  ])('should answer 400 naming the field for %o', async (payload, field, message) => {
    const f = await fixture();
    const res = await f.app.inject({ method: 'POST', url: '/notify', headers: auth, payload });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_ERROR', field });
    expect(res.json().message).toMatch(message);
  });

  it('should answer 400 JSON for a body that is not JSON', async () => {
    const f = await fixture();
    const res = await f.app.inject({
      method: 'POST',
      url: '/notify',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"userId": "alice",',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INVALID_JSON' });
  });

  it('should answer 400 JSON for an empty body', async () => {
    const f = await fixture();
    const res = await f.app.inject({ method: 'POST', url: '/notify', headers: { ...auth, 'content-type': 'application/json' }, payload: '' });
    expect(res.statusCode).toBe(400);
    expect(res.json().statusCode).toBe(400);
  });

  it('should answer 415 JSON for a body that is not application/json', async () => {
    const f = await fixture();
    const res = await f.app.inject({ method: 'POST', url: '/notify', headers: { ...auth, 'content-type': 'text/plain' }, payload: 'hi' });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it.each<[Record<string, string>, string]>([
    [{}, 'no header'],
    [{ authorization: 'Bearer wrong-key-0000000000000' }, 'a wrong key'],
    [{ authorization: 'Basic dGVzdC1rZXktMDEyMzQ1Njc4OWFiY2RlZg==' }, 'another scheme'],
    [{ authorization: 'Bearer ' }, 'an empty key'],
  ])('should answer 401 JSON to %o (%s) and post nothing', async (headers) => {
    const f = await fixture();
    await f.connect('c1', 'alice');
    const res = await f.app.inject({ method: 'POST', url: '/notify', headers, payload: { userId: 'alice', message: 'hi' } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    expect(f.messenger.posts).toHaveLength(0);
  });

  it('should answer 413 to a message over 131,072 bytes and post nothing', async () => {
    const f = await fixture();
    await f.connect('c1', 'alice');
    const res = await f.app.inject({ method: 'POST', url: '/notify', headers: auth, payload: { userId: 'alice', message: 'x'.repeat(131_073) } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'MESSAGE_TOO_LARGE', field: 'message' });
    expect(f.messenger.posts).toHaveLength(0);
  });

  it('should answer 413 JSON to a body over the body limit', async () => {
    const f = await fixture({ bodyLimitBytes: 2_048 });
    const res = await f.app.inject({ method: 'POST', url: '/notify', headers: auth, payload: { userId: 'alice', message: 'x'.repeat(4_000) } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('should answer 503 JSON with Retry-After when storage is down, and keep what was stored', async () => {
    const down: ConnectionRepository = {
      save: async () => undefined,
      findByUser: async () => {
        throw new StorageUnavailableError('connect ECONNREFUSED');
      },
      findById: async () => undefined,
      remove: async () => {
        throw new Error('must not be called');
      },
      stageShards: 1,
      pageByStage: async () => {
        throw new StorageUnavailableError('connect ECONNREFUSED');
      },
      ping: async () => {
        throw new StorageUnavailableError('connect ECONNREFUSED');
      },
    };
    const f = await fixture({ connectionRepository: down });
    const res = await f.app.inject({ method: 'POST', url: '/notify', headers: auth, payload: { userId: 'alice', message: 'hi' } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toMatchObject({ statusCode: 503, code: 'STORAGE_UNAVAILABLE' });
    expect(res.body).not.toContain('ECONNREFUSED');
    const ready = await f.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
  });

  it('should answer 500 JSON without a stack trace when something unexpected breaks', async () => {
    const broken: ConnectionRepository = {
      save: async () => undefined,
      findByUser: async () => {
        throw new TypeError('secret internals at /work/main/src/x.ts:1');
      },
      findById: async () => undefined,
      remove: async () => undefined,
      stageShards: 1,
      pageByStage: async () => ({ items: [] }),
      ping: async () => undefined,
    };
    const f = await fixture({ connectionRepository: broken });
    const res = await f.app.inject({ method: 'POST', url: '/notify', headers: auth, payload: { userId: 'alice', message: 'hi' } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(res.body).not.toContain('secret internals');
  });
});

describe('GET /users/:userId/connections', () => {
  it("should list the user's connections with stage, endpoint and connectedAt", async () => {
    const f = await fixture();
    await f.connect('a-dev=', 'alice', 'dev');
    f.clock.advance(1000);
    await f.connect('a-prod=', 'alice', 'prod');
    const res = await f.app.inject({ method: 'GET', url: '/users/alice/connections', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      userId: 'alice',
      connections: [
        {
          connectionId: 'a-dev=',
          apiId: 'apia1',
          stage: 'dev',
          region: 'us-east-1',
          endpoint: 'https://apia1.execute-api.us-east-1.amazonaws.com/dev',
          connectedAt: new Date(f.clock.now() - 1000).toISOString(),
        },
        {
          connectionId: 'a-prod=',
          apiId: 'apia1',
          stage: 'prod',
          region: 'us-east-1',
          endpoint: 'https://apia1.execute-api.us-east-1.amazonaws.com/prod',
          connectedAt: new Date(f.clock.now()).toISOString(),
        },
      ],
    });
  });

  it('should accept a user id of 128 characters, URL-encoded', async () => {
    const f = await fixture();
    const userId = 'ü'.repeat(128);
    await f.connect('c1', userId);
    const res = await f.app.inject({ method: 'GET', url: `/users/${encodeURIComponent(userId)}/connections`, headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json().connections).toHaveLength(1);
  });

  it('should decode a URL-encoded user id', async () => {
    const f = await fixture();
    await f.connect('c1', 'team/alice@example.com');
    const res = await f.app.inject({ method: 'GET', url: `/users/${encodeURIComponent('team/alice@example.com')}/connections`, headers: auth });
    expect(res.json().connections).toHaveLength(1);
  });

  it('should answer 400 to a user id over 128 characters and 401 without a key', async () => {
    const f = await fixture();
    expect((await f.app.inject({ method: 'GET', url: `/users/${'u'.repeat(129)}/connections`, headers: auth })).statusCode).toBe(400);
    expect((await f.app.inject({ method: 'GET', url: '/users/alice/connections' })).statusCode).toBe(401);
  });
});

describe('service routes', () => {
  it('should answer /healthz and /readyz without a key', async () => {
    const f = await fixture();
    expect((await f.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await f.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });

  it('should answer 404 JSON for an unknown route', async () => {
    const f = await fixture();
    const res = await f.app.inject({ method: 'GET', url: '/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: 'no route GET /nope' });
  });

  it('should publish an OpenAPI document generated from the route schemas, and Swagger UI', async () => {
    const f = await fixture();
    const doc = (await f.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/notify', '/users/{userId}/connections', '/healthz', '/readyz']));
    // userId or userIds (checked by the route): only the message is required by the schema itself.
    const notifyBody = doc.paths['/notify'].post.requestBody.content['application/json'].schema;
    expect(notifyBody.required).toEqual(['message']);
    expect(Object.keys(notifyBody.properties)).toEqual(expect.arrayContaining(['userId', 'userIds', 'message', 'excludeConnectionIds']));
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ui = await f.app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });
});
