import { createHash } from 'node:crypto';
import { InMemoryIdempotencyStore } from '../../src/adapters/memory/in-memory-idempotency.store.js';
import { GROUP_REPOSITORY, type GroupRepository } from '../../src/ports/group.repository.js';
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES } from '../../src/domain/model/limits.js';
import { auth, restFixture } from './rest-app.fixture.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `id-${i}`);

describe('parity routes (app.inject, in-memory storage)', () => {
  it.each([
    ['101 userIds', '/notify', { userIds: ids(101), message: 'x' }, 'userIds'],
    ['userId and userIds', '/notify', { userId: 'alice', userIds: ['bob'], message: 'x' }, 'userId'],
    ['neither userId nor userIds', '/notify', { message: 'x' }, 'userId'],
    ['101 excluded ids on /notify', '/notify', { userId: 'alice', message: 'x', excludeConnectionIds: ids(101) }, 'excludeConnectionIds'],
    ['101 excluded ids on a group', '/groups/room:1/messages', { message: 'x', excludeConnectionIds: ids(101) }, 'excludeConnectionIds'],
    ['101 excluded ids on /broadcast', '/broadcast', { message: 'x', excludeConnectionIds: ids(101) }, 'excludeConnectionIds'],
    ['a group name with a space', '/groups/bad%20name/messages', { message: 'x' }, 'group'],
  ])('should answer 400 naming the field for %s', async (_label, url, payload, field) => {
    const f = await restFixture();
    const res = await f.app.inject({ method: 'POST', url, headers: auth, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_ERROR', field });
  });

  it.each(['/notify', '/groups/room/messages', '/broadcast', '/connections/c1/messages'])(
    'should answer 413 to a message too large on %s before posting anything',
    async (url) => {
      const f = await restFixture();
      await f.connect('c1', 'alice');
      await f.app.inject({ method: 'PUT', url: '/groups/room/users/alice', headers: auth });
      const payload = { message: 'x'.repeat(MAX_MESSAGE_BYTES + 1), ...(url === '/notify' ? { userIds: ['alice'] } : {}) };
      const res = await f.app.inject({ method: 'POST', url, headers: auth, payload });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ code: 'MESSAGE_TOO_LARGE' });
      expect(f.messenger.posts).toEqual([]);
    },
  );

  it('should answer a bad group name, a bad limit and a foreign cursor on GET /groups/:group/users with 400', async () => {
    const f = await restFixture();
    for (const u of ['a', 'b', 'c']) await f.app.inject({ method: 'PUT', url: `/groups/g1/users/${u}`, headers: auth });
    const page = (await f.app.inject({ method: 'GET', url: '/groups/g1/users?limit=2', headers: auth })).json();
    expect(page).toMatchObject({ group: 'g1', users: ['a', 'b'] });

    for (const url of ['/groups/a%2Fb/users', '/groups/g1/users?limit=0', '/groups/g1/users?limit=abc', `/groups/g2/users?cursor=${page.cursor}`]) {
      const res = await f.app.inject({ method: 'GET', url, headers: auth });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().code, url).toBe('VALIDATION_ERROR');
    }
  });

  it('should answer HEAD with 200 or 404 and no body, and 404 CONNECTION_NOT_FOUND for an unknown connection', async () => {
    const f = await restFixture();
    await f.connect('c1', 'alice');
    const online = await f.app.inject({ method: 'HEAD', url: '/users/alice/connections', headers: auth });
    const offline = await f.app.inject({ method: 'HEAD', url: '/users/bob/connections', headers: auth });
    expect([online.statusCode, online.body]).toEqual([200, '']);
    expect([offline.statusCode, offline.body]).toEqual([404, '']);
    expect((await f.app.inject({ method: 'GET', url: '/users/alice/connections', headers: auth })).statusCode).toBe(200);

    for (const [method, url] of [['DELETE', '/connections/nope'], ['POST', '/connections/nope/messages']] as const) {
      const res = await f.app.inject({ method, url, headers: auth, ...(method === 'POST' ? { payload: { message: 'x' } } : {}) });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'CONNECTION_NOT_FOUND' });
    }
  });

  it('should answer 502 UPSTREAM_ERROR when the management API will not close a connection', async () => {
    const f = await restFixture();
    await f.connect('c1', 'alice');
    f.messenger.deleteScripts.set('c1', { status: 'error', message: '500 from API Gateway', retryable: true, httpStatus: 500 });
    const res = await f.app.inject({ method: 'DELETE', url: '/connections/c1', headers: auth });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ code: 'UPSTREAM_ERROR' });
  });

  it('should send once for two concurrent requests with one Idempotency-Key, the second answering 409', async () => {
    const f = await restFixture();
    await f.connect('c1', 'alice');
    f.messenger.latencyMs = 150;
    const send = () =>
      f.app.inject({ method: 'POST', url: '/broadcast', headers: { ...auth, 'idempotency-key': 'k-1' }, payload: { message: 'once' } });

    const [a, b] = await Promise.all([send(), send()]);

    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    expect([a, b].find((r) => r.statusCode === 409)?.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_USE' });
    const replay = await send();
    expect(replay.statusCode).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toMatchObject({ delivered: 1 });
    expect(f.messenger.posts).toHaveLength(1);
  });

  it('should scope Idempotency-Key by API key: another caller with the same key sends and sees nothing of the first', async () => {
    const claimed: string[] = [];
    class RecordingStore extends InMemoryIdempotencyStore {
      override claim(...args: Parameters<InMemoryIdempotencyStore['claim']>) {
        claimed.push(args[0]);
        return super.claim(...args);
      }
    }
    const f = await restFixture({ idempotencyStore: new RecordingStore() });
    await f.connect('c1', 'alice');
    const other = { authorization: 'Bearer second-key-abcdefghijkl' };
    const send = (headers: Record<string, string>, message: string) =>
      f.app.inject({ method: 'POST', url: '/connections/c1/messages', headers: { ...headers, 'idempotency-key': 'same-key' }, payload: { message } });

    const first = await send(auth, 'from the first caller');
    const otherBody = await send(other, 'from the second caller');
    const sameBody = await send(other, 'from the second caller');
    const firstAgain = await send(auth, 'from the first caller');

    expect(first.statusCode).toBe(200);
    // Not 422 IDEMPOTENCY_KEY_REUSED and not a replay of the first caller's answer: its own send.
    expect(otherBody.statusCode).toBe(200);
    expect(otherBody.headers['idempotent-replayed']).toBeUndefined();
    // Each caller's repeat is still replayed.
    expect(sameBody.headers['idempotent-replayed']).toBe('true');
    expect(firstAgain.headers['idempotent-replayed']).toBe('true');
    expect(f.messenger.posts.map((p) => p.text)).toEqual(['from the first caller', 'from the second caller']);
    // Stored under a digest of the API key, never the key itself.
    const digest = (key: string) => createHash('sha256').update(key).digest('base64url');
    expect(new Set(claimed)).toEqual(new Set([`${digest(auth.authorization.slice(7))}#same-key`, `${digest('second-key-abcdefghijkl')}#same-key`]));
    expect(claimed.join()).not.toContain('second-key-abcdefghijkl');
    expect(claimed.join()).not.toContain(auth.authorization.slice(7));
  });

  it('should replay an answer too large to store whole as its summary, with Idempotent-Replay-Summary: true', async () => {
    class OnlySummaries extends InMemoryIdempotencyStore {
      override complete(key: string, response: string, options?: { summary?: boolean }) {
        return options?.summary ? super.complete(key, response, options) : Promise.resolve('too_large' as const);
      }
    }
    const f = await restFixture({ idempotencyStore: new OnlySummaries() });
    await f.connect('c1', 'alice');
    await f.connect('c2', 'alice');
    f.messenger.script('c2', { status: 'forbidden', message: 'Forbidden' });
    const send = () => f.app.inject({ method: 'POST', url: '/notify', headers: { ...auth, 'idempotency-key': 'big-1' }, payload: { userId: 'alice', message: 'x' } });

    const first = await send();
    const replay = await send();

    expect(first.json().connections).toHaveLength(2);
    expect(first.headers['idempotent-replay-summary']).toBeUndefined();
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers['idempotent-replay-summary']).toBe('true');
    expect(replay.json()).toMatchObject({ userId: 'alice', delivered: 1, failed: 1, connections: [{ connectionId: 'c2', status: 'failed' }] });
    expect(replay.json().connections).toHaveLength(1);
  });

  it('should say in the single-user /notify answer how many sockets were excluded', async () => {
    const f = await restFixture();
    await f.connect('c1', 'alice');
    await f.connect('c2', 'alice');
    const excluding = await f.app.inject({ method: 'POST', url: '/notify', headers: auth, payload: { userId: 'alice', message: 'x', excludeConnectionIds: ['c2'] } });
    expect(excluding.statusCode).toBe(200);
    expect(excluding.json()).toMatchObject({ userId: 'alice', delivered: 1, excluded: 1 });
    expect(f.messenger.posts.map((p) => p.connectionId)).toEqual(['c1']);
    const doc = (await f.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.components.schemas.NotifyReply.properties.excluded).toMatchObject({ type: 'integer' });
  });

  it('should list the sockets that joined a group themselves, page by page, and not the sockets of member users', async () => {
    const f = await restFixture();
    const joined = await Promise.all(['s1', 's2', 's3'].map((id) => f.connect(id, `user-${id}`, id === 's3' ? 'prod' : 'dev')));
    await f.connect('m1', 'member');
    const groups = f.container.resolve<GroupRepository>(GROUP_REPOSITORY);
    for (const c of joined) await groups.addConnection('room:1', c);
    await groups.addUser('room:1', 'member');

    const first = await f.app.inject({ method: 'GET', url: '/groups/room:1/connections?limit=2', headers: auth });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      group: 'room:1',
      connections: [
        { connectionId: 's1', userId: 'user-s1', apiId: 'apia1', stage: 'dev', region: 'us-east-1', endpoint: joined[0]?.endpoint.url },
        { connectionId: 's2', userId: 'user-s2' },
      ],
    });
    const cursor = first.json().cursor as string;
    expect(cursor).toBeTruthy();
    const second = await f.app.inject({ method: 'GET', url: `/groups/room:1/connections?limit=2&cursor=${encodeURIComponent(cursor)}`, headers: auth });
    expect(second.json().connections.map((c: { connectionId: string }) => c.connectionId)).toEqual(['s3']);
    expect(second.json().cursor).toBeUndefined();
    expect(second.json().connections[0].connectedAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    expect((await f.app.inject({ method: 'GET', url: '/groups/bad%20name/connections', headers: auth })).statusCode).toBe(400);
    expect((await f.app.inject({ method: 'GET', url: '/groups/room:1/connections?limit=0', headers: auth })).statusCode).toBe(400);
    expect((await f.app.inject({ method: 'GET', url: '/groups/room:1/connections' })).statusCode).toBe(401);
  });

  it('should document every parity route with examples in the OpenAPI document', async () => {
    const f = await restFixture();
    const doc = (await f.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.paths['/connections/{connectionId}/messages'].post).toBeDefined();
    expect(doc.paths['/connections/{connectionId}'].delete).toBeDefined();
    expect(doc.paths['/users/{userId}/connections'].delete).toBeDefined();
    expect(doc.paths['/users/{userId}/connections'].head).toBeDefined();
    expect(doc.paths['/groups/{group}/users/{userId}'].put).toBeDefined();
    expect(doc.paths['/groups/{group}/users/{userId}'].delete).toBeDefined();
    expect(doc.paths['/groups/{group}/users'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['limit', 'cursor']));
    expect(doc.paths['/groups/{group}/messages'].post.parameters.map((p: { name: string }) => p.name)).toContain('idempotency-key');
    expect(JSON.stringify(doc.paths['/broadcast'].post.requestBody)).toContain('maintenance at 22:00 UTC');
  });
});
