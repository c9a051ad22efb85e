import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app/app.js';
import { CheckReadinessUseCase } from '../../src/domain/use-cases/check-readiness.use-case.js';
import { ListConnectionsUseCase } from '../../src/domain/use-cases/list-connections.use-case.js';
import { NotifyUserUseCase } from '../../src/domain/use-cases/notify-user.use-case.js';
import { TEST_API_KEY } from '../support/core-config.js';
import { auth, post, restFixture, type RestFixture } from './rest-app.fixture.js';

/**
 * What each parity route does for its caller, through the whole app (`app.inject`, in-memory storage, the
 * scripted messenger): who gets the message, what the answer says, what is stored after it.
 */

const sentTo = (f: RestFixture) => f.messenger.posts.map((p) => p.connectionId).sort();

describe('POST /connections/:connectionId/messages', () => {
  it('should send the message to that connection only and report it delivered', async () => {
    const f = await restFixture();
    await f.connect('c1', 'alice');
    await f.connect('c2', 'alice');

    const res = await post(f, '/connections/c1/messages', { message: { text: 'hi' } });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ connectionId: 'c1', status: 'delivered', attempts: 1, requestId: expect.any(String) });
    expect(f.messenger.posts.map((p) => [p.connectionId, p.text])).toEqual([['c1', '{"text":"hi"}']]);
  });

  it('should replay the first answer to a retry with the same Idempotency-Key, and refuse the key for another message', async () => {
    const f = await restFixture();
    await f.connect('c1', 'alice');
    const key = { 'idempotency-key': 'send-c1-1' };

    const first = await post(f, '/connections/c1/messages', { message: 'once' }, key);
    const retry = await post(f, '/connections/c1/messages', { message: 'once' }, key);
    const other = await post(f, '/connections/c1/messages', { message: 'something else' }, key);

    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect([retry.statusCode, retry.headers['idempotent-replayed']]).toEqual([200, 'true']);
    // The first answer word for word, with the first request's id (the one its send was logged with).
    expect(retry.json()).toEqual(first.json());
    expect(first.json().requestId).toBe(first.headers['x-request-id']);
    expect(retry.headers['x-request-id']).not.toBe(first.json().requestId);
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ statusCode: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(f.messenger.posts).toHaveLength(1);
  });

  it('should treat the same key on another route as another request', async () => {
    const f = await restFixture();
    await f.connect('c1', 'alice');
    await f.connect('c2', 'alice');
    const key = { 'idempotency-key': 'shared-key' };

    expect((await post(f, '/connections/c1/messages', { message: 'x' }, key)).statusCode).toBe(200);
    expect((await post(f, '/connections/c2/messages', { message: 'x' }, key)).statusCode).toBe(422);
    expect(sentTo(f)).toEqual(['c1']);
  });
});

describe('DELETE /connections/:connectionId and DELETE /users/:userId/connections', () => {
  it('should close the connection through its own endpoint, forget it and answer 204 without a body', async () => {
    const f = await restFixture();
    await f.connect('c1', 'alice');
    await f.connect('c2', 'alice');

    const res = await f.app.inject({ method: 'DELETE', url: '/connections/c1', headers: auth });

    expect([res.statusCode, res.body]).toEqual([204, '']);
    expect(f.messenger.calls).toEqual([{ method: 'DELETE', url: expect.stringContaining('/dev'), connectionId: 'c1' }]);
    const listed = (await f.app.inject({ method: 'GET', url: '/users/alice/connections', headers: auth })).json();
    expect(listed.connections.map((c: { connectionId: string }) => c.connectionId)).toEqual(['c2']);
  });

  it("should close every connection of the user and say what became of each, leaving other users' alone", async () => {
    const f = await restFixture();
    await f.connect('c1', 'alice');
    await f.connect('c2', 'alice', 'prod');
    await f.connect('c3', 'bob');

    const res = await f.app.inject({ method: 'DELETE', url: '/users/alice/connections', headers: auth });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ userId: 'alice', closed: 2, gone: 0, failed: 0, failures: [] });
    expect(f.messenger.calls.map((c) => c.connectionId).sort()).toEqual(['c1', 'c2']);
    expect((await f.app.inject({ method: 'HEAD', url: '/users/alice/connections', headers: auth })).statusCode).toBe(404);
    expect((await f.app.inject({ method: 'HEAD', url: '/users/bob/connections', headers: auth })).statusCode).toBe(200);
  });

  it('should answer a user without connections with zero counts', async () => {
    const f = await restFixture();
    const res = await f.app.inject({ method: 'DELETE', url: '/users/nobody/connections', headers: auth });
    expect([res.statusCode, res.json()]).toEqual([200, { userId: 'nobody', closed: 0, gone: 0, failed: 0, failures: [] }]);
  });
});

describe('group routes', () => {
  it('should add users with 204 and no body, list them by user id a page at a time, and remove them with 204', async () => {
    const f = await restFixture();
    for (const user of ['carol', 'alice', 'bob']) {
      const added = await f.app.inject({ method: 'PUT', url: `/groups/room:1/users/${user}`, headers: auth });
      expect([added.statusCode, added.body]).toEqual([204, '']);
    }

    const all = await f.app.inject({ method: 'GET', url: '/groups/room:1/users', headers: auth });
    expect([all.statusCode, all.json()]).toEqual([200, { group: 'room:1', users: ['alice', 'bob', 'carol'] }]);

    const first = (await f.app.inject({ method: 'GET', url: '/groups/room:1/users?limit=2', headers: auth })).json();
    expect(first).toEqual({ group: 'room:1', users: ['alice', 'bob'], cursor: expect.any(String) });
    const second = (await f.app.inject({ method: 'GET', url: `/groups/room:1/users?limit=2&cursor=${encodeURIComponent(first.cursor)}`, headers: auth })).json();
    expect(second).toEqual({ group: 'room:1', users: ['carol'] });

    const removed = await f.app.inject({ method: 'DELETE', url: '/groups/room:1/users/bob', headers: auth });
    expect([removed.statusCode, removed.body]).toEqual([204, '']);
    expect((await f.app.inject({ method: 'GET', url: '/groups/room:1/users', headers: auth })).json().users).toEqual(['alice', 'carol']);
  });

  it("should send a group message to every socket of its members but the excluded ones, and report the counts", async () => {
    const f = await restFixture();
    await f.connect('a1', 'alice');
    await f.connect('a2', 'alice', 'prod');
    await f.connect('b1', 'bob');
    await f.connect('z1', 'zoe');
    for (const user of ['alice', 'bob']) await f.app.inject({ method: 'PUT', url: `/groups/room:1/users/${user}`, headers: auth });

    const res = await post(f, '/groups/room:1/messages', { message: 'hello room', excludeConnectionIds: ['a2'] });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ group: 'room:1', delivered: 2, gone: 0, failed: 0, excluded: 1, failures: [], failuresTruncated: false, requestId: expect.any(String) });
    expect(sentTo(f)).toEqual(['a1', 'b1']);
  });

  it('should send a group message to every member socket when nothing is excluded', async () => {
    const f = await restFixture();
    await f.connect('a1', 'alice');
    await f.connect('a2', 'alice', 'prod');
    await f.app.inject({ method: 'PUT', url: '/groups/room:1/users/alice', headers: auth });

    const res = await post(f, '/groups/room:1/messages', { message: 'hello room' });

    expect(res.json()).toMatchObject({ group: 'room:1', delivered: 2, excluded: 0 });
    expect(sentTo(f)).toEqual(['a1', 'a2']);
  });
});

describe('POST /broadcast', () => {
  async function threeStages() {
    const f = await restFixture();
    await f.connect('d1', 'alice', 'dev');
    await f.connect('d2', 'bob', 'dev');
    await f.connect('p1', 'carol', 'prod');
    return f;
  }

  it('should send to every live connection of every known stage, and name the stages', async () => {
    const f = await threeStages();
    const res = await post(f, '/broadcast', { message: 'maintenance at 22:00 UTC' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ delivered: 3, gone: 0, failed: 0, excluded: 0, failures: [], failuresTruncated: false });
    expect([...res.json().stages].sort()).toEqual(['apia1/dev', 'apia1/prod']);
    expect(sentTo(f)).toEqual(['d1', 'd2', 'p1']);
  });

  it('should send only to the stage asked for, and skip the excluded connections', async () => {
    const f = await threeStages();
    const res = await post(f, '/broadcast', { message: 'dev only', stage: 'dev', excludeConnectionIds: ['d2'] });
    expect(res.json()).toMatchObject({ stages: ['apia1/dev'], delivered: 1, excluded: 1 });
    expect(sentTo(f)).toEqual(['d1']);
  });

  it('should send only to the API asked for, and to nobody for an API it does not know', async () => {
    const f = await threeStages();
    expect((await post(f, '/broadcast', { message: 'x', apiId: 'apia1' })).json()).toMatchObject({ delivered: 3 });
    const unknown = await post(f, '/broadcast', { message: 'x', apiId: 'other' });
    expect(unknown.json()).toMatchObject({ stages: [], delivered: 0 });
    expect(f.messenger.posts).toHaveLength(3);
  });
});

describe('POST /notify with userIds', () => {
  it("should notify each user once, skip the excluded connections and report the totals and each user's report", async () => {
    const f = await restFixture();
    await f.connect('a1', 'alice');
    await f.connect('a2', 'alice', 'prod');
    await f.connect('b1', 'bob');

    const res = await post(f, '/notify', { userIds: ['alice', 'bob', 'alice'], message: { n: 1 }, excludeConnectionIds: ['a2'] });

    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ delivered: 2, gone: 0, failed: 0, excluded: 1 });
    expect(body.users.map((u: { userId: string }) => u.userId)).toEqual(['alice', 'bob']);
    expect(sentTo(f)).toEqual(['a1', 'b1']);
  });

  it('should skip the excluded connections of a single user too', async () => {
    const f = await restFixture();
    await f.connect('a1', 'alice');
    await f.connect('a2', 'alice', 'prod');

    const res = await post(f, '/notify', { userId: 'alice', message: 'x', excludeConnectionIds: ['a1'] });

    expect(res.json()).toMatchObject({ userId: 'alice', delivered: 1 });
    expect(sentTo(f)).toEqual(['a2']);
  });
});

describe('validation messages of the parity routes', () => {
  it('should name the faulty parameter in the message, not the user id', async () => {
    const f = await restFixture();
    const group = await f.app.inject({ method: 'PUT', url: '/groups/bad%20name/users/alice', headers: auth });
    expect(group.statusCode).toBe(400);
    expect(group.json()).toMatchObject({ code: 'VALIDATION_ERROR', field: 'group', message: expect.stringMatching(/^params\.group /) });
    expect(group.json().message).not.toContain('userId');

    const limit = await f.app.inject({ method: 'GET', url: '/groups/room:1/users?limit=5000', headers: auth });
    expect(limit.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_ERROR', field: 'limit', message: expect.stringMatching(/^querystring\.limit /) });
  });
});

describe('an app built without the parity use cases', () => {
  it('should refuse userIds on POST /notify as a validation error, and have no parity routes', async () => {
    const f = await restFixture();
    await f.connect('c1', 'alice');
    const bare = await buildApp({
      useCases: {
        notifyUser: f.container.resolve(NotifyUserUseCase),
        listConnections: f.container.resolve(ListConnectionsUseCase),
        checkReadiness: f.container.resolve(CheckReadinessUseCase),
      },
      apiKeys: [TEST_API_KEY],
    });
    try {
      const res = await bare.inject({ method: 'POST', url: '/notify', headers: auth, payload: { userIds: ['alice'], message: 'x' } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_ERROR', field: 'userId' });
      expect(f.messenger.posts).toEqual([]);
      expect((await bare.inject({ method: 'POST', url: '/notify', headers: auth, payload: { userId: 'alice', message: 'x' } })).json()).toMatchObject({ delivered: 1 });
      expect((await bare.inject({ method: 'POST', url: '/broadcast', headers: auth, payload: { message: 'x' } })).statusCode).toBe(404);
    } finally {
      await bare.close();
    }
  });
});

describe('unknown fields', () => {
  it.each([
    ['/connections/c1/messages', { message: 'x', extra: 1 }],
    ['/groups/room:1/messages', { message: 'x', extra: 1 }],
    ['/broadcast', { message: 'x', extra: 1 }],
    ['/notify', { userId: 'alice', message: 'x', extra: 1 }],
  ])('should refuse a body with a field %s does not know, naming it, and send nothing', async (url, payload) => {
    const f = await restFixture();
    await f.connect('c1', 'alice');
    const res = await post(f, url, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_ERROR', field: 'extra', message: 'body.extra is not a known field' });
    expect(f.messenger.posts).toEqual([]);
  });

  it('should refuse a query parameter the group listing does not know', async () => {
    const f = await restFixture();
    const res = await f.app.inject({ method: 'GET', url: '/groups/room:1/users?page=2', headers: auth });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_ERROR', field: 'page' });
  });
});
