import { describe, expect, it } from 'vitest';
import { GROUP_REPOSITORY, type GroupRepository } from '../../src/ports/group.repository.js';
import { CONNECTION_REPOSITORY, type ConnectionRepository } from '../../src/ports/connection.repository.js';
import { useLocalStack } from '../support/local-stack.js';
import { openSocket, type TestSocket } from '../support/ws-client.js';

/**
 * One stack for the file. `crowd` is the stage of the 120-socket broadcast, `throng` the one of the 1,000-socket
 * broadcast, so that each broadcast reaches only its own sockets.
 */
const e2e = useLocalStack({
  label: 'parity',
  env: {
    WS_STAGES: 'dev,prod,crowd,throng',
    // The machine running the tests is shared: give the broadcasts room, so that a slow moment is not a
    // DEADLINE_EXCEEDED (the tests check delivery, not speed; `npm run bench` measures speed).
    NOTIFY_DEADLINE_MS: '120000',
  },
});

interface Connected extends TestSocket {
  connectionId: string;
}

/** Opens a socket and finds its connection id (the emulator's newest connection of that user). */
async function connect(userId: string, stage: string, groups?: string[]): Promise<Connected> {
  const before = new Set(e2e.stack.emulator.connections().map((c) => c.connectionId));
  const socket = await e2e.connect(userId, stage, groups ? { claims: { groups } } : {});
  const mine = e2e.stack.emulator.connections().filter((c) => c.authorizer?.userId === userId && !before.has(c.connectionId));
  return Object.assign(socket, { connectionId: mine[0]?.connectionId ?? '' });
}

const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => e2e.call(method, path, body, headers);

/** Sends a marker to each socket through its own connection and expects it as the next message: proves nothing else came first. */
async function expectNothingElse(sockets: Connected[]): Promise<void> {
  for (const s of sockets) {
    expect((await call('POST', `/connections/${encodeURIComponent(s.connectionId)}/messages`, { message: 'marker' })).status).toBe(200);
    expect(await s.nextMessage()).toBe('marker');
  }
}

describe('hosted-service parity, end to end (real sockets, DynamoDB Local)', () => {
  it('should notify several users at once and report the totals and each user', async () => {
    const alice = await connect('p-alice', 'dev');
    const bob = await connect('p-bob', 'prod');

    const res = await call('POST', '/notify', { userIds: ['p-alice', 'p-bob', 'p-nobody'], message: { text: 'hi all' } });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ delivered: 2, gone: 0, failed: 0, excluded: 0 });
    expect(res.body.users.map((u: { userId: string; delivered: number }) => [u.userId, u.delivered])).toEqual([
      ['p-alice', 1],
      ['p-bob', 1],
      ['p-nobody', 0],
    ]);
    expect(await alice.nextMessage()).toBe('{"text":"hi all"}');
    expect(await bob.nextMessage()).toBe('{"text":"hi all"}');
  });

  it('should send to one connection, close it through the management API, and answer 404 afterwards', async () => {
    const keep = await connect('p-carol', 'dev');
    const target = await connect('p-carol', 'prod');
    const path = `/connections/${encodeURIComponent(target.connectionId)}`;

    const sent = await call('POST', `${path}/messages`, { message: 'just you' });
    expect(sent).toMatchObject({ status: 200, body: { connectionId: target.connectionId, status: 'delivered', attempts: 1 } });
    expect(await target.nextMessage()).toBe('just you');

    expect((await call('DELETE', path)).status).toBe(204);
    expect((await target.closed()).code).toBe(1000);
    expect(await call('DELETE', path)).toMatchObject({ status: 404, body: { code: 'CONNECTION_NOT_FOUND' } });
    expect(await call('POST', `${path}/messages`, { message: 'too late' })).toMatchObject({ status: 404, body: { code: 'CONNECTION_NOT_FOUND' } });
    await expectNothingElse([keep]);
  });

  it("should tell whether a user is online with HEAD, and close all of a user's sockets", async () => {
    expect((await call('HEAD', '/users/p-dave/connections')).status).toBe(404);
    const sockets = [await connect('p-dave', 'dev'), await connect('p-dave', 'prod')];
    expect((await call('HEAD', '/users/p-dave/connections')).status).toBe(200);

    const res = await call('DELETE', '/users/p-dave/connections');

    expect(res).toMatchObject({ status: 200, body: { userId: 'p-dave', closed: 2, gone: 0, failed: 0 } });
    for (const s of sockets) await s.closed();
    expect((await call('HEAD', '/users/p-dave/connections')).status).toBe(404);
  });

  it("should send a group message to the members' sockets on dev and prod and to a socket that joined, and to no one else", async () => {
    const group = 'room:e2e-1';
    const erinDev = await connect('p-erin', 'dev');
    const erinProd = await connect('p-erin', 'prod');
    const frank = await connect('p-frank', 'prod');
    const joiner = await connect('p-gina', 'dev', ['room:*', group]);
    const outsider = await connect('p-hank', 'dev', ['other']);
    expect((await call('PUT', `/groups/${group}/users/p-erin`)).status).toBe(204);
    expect((await call('PUT', `/groups/${group}/users/p-frank`)).status).toBe(204);
    joiner.ws.send(JSON.stringify({ action: 'join', group }));
    expect(JSON.parse(String(await joiner.nextMessage()))).toEqual({ type: 'joined', group });
    outsider.ws.send(JSON.stringify({ action: 'join', group }));
    expect(JSON.parse(String(await outsider.nextMessage()))).toMatchObject({ type: 'error', code: 'FORBIDDEN_GROUP' });

    const res = await call('POST', `/groups/${group}/messages`, { message: 'hello room', excludeConnectionIds: [frank.connectionId] });

    expect(res).toMatchObject({ status: 200, body: { group, delivered: 3, gone: 0, failed: 0, excluded: 1, failures: [] } });
    for (const s of [erinDev, erinProd, joiner]) expect(await s.nextMessage()).toBe('hello room');
    await expectNothingElse([erinDev, erinProd, joiner, frank, outsider]);

    const members = await call('GET', `/groups/${group}/users?limit=1`);
    expect(members.body).toMatchObject({ group, users: ['p-erin'] });
    const next = await call('GET', `/groups/${group}/users?limit=1&cursor=${encodeURIComponent(members.body.cursor)}`);
    expect(next.body.users).toEqual(['p-frank']);
    expect((await call('DELETE', `/groups/${group}/users/p-frank`)).status).toBe(204);
    expect((await call('GET', `/groups/${group}/users`)).body.users).toEqual(['p-erin']);
  });

  it("should remove a closed socket's record and group memberships at $disconnect", async () => {
    const group = 'room:e2e-2';
    const socket = await connect('p-ivy', 'prod', ['*']);
    socket.ws.send(JSON.stringify({ action: 'join', group }));
    expect(JSON.parse(String(await socket.nextMessage()))).toEqual({ type: 'joined', group });
    const groups = e2e.stack.container.resolve<GroupRepository>(GROUP_REPOSITORY);
    const connections = e2e.stack.container.resolve<ConnectionRepository>(CONNECTION_REPOSITORY);
    expect((await groups.listConnections(group, { limit: 10 })).items.map((c) => c.connectionId)).toEqual([socket.connectionId]);

    socket.ws.close(1000, 'bye');
    await socket.closed();

    await expect.poll(async () => (await groups.listConnections(group, { limit: 10 })).items, { timeout: 5_000 }).toEqual([]);
    expect(await connections.findById(socket.connectionId)).toBeUndefined();
    expect(await groups.removeConnectionFromAll(socket.connectionId)).toEqual([]);
  });

  it('should send nothing again when a send is retried with its Idempotency-Key, and refuse the key for another body', async () => {
    const socket = await connect('p-jack', 'dev');
    const headers = { 'idempotency-key': `e2e-${Date.now()}` };

    const first = await call('POST', '/notify', { userId: 'p-jack', message: 'once' }, headers);
    const again = await call('POST', '/notify', { userId: 'p-jack', message: 'once' }, headers);
    const other = await call('POST', '/notify', { userId: 'p-jack', message: 'twice?' }, headers);

    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // The first report again, word for word: its `requestId` names the request that sent (where its logs are);
    // the retry's own id is in its `x-request-id` header.
    expect(again.body).toEqual(first.body);
    expect(first.body.requestId).toBe(first.headers.get('x-request-id'));
    expect(again.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
    expect(other).toMatchObject({ status: 422, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(await socket.nextMessage()).toBe('once');
    await expectNothingElse([socket]);
  });

  it('should broadcast through the sharded index of DynamoDB to each socket of one stage exactly once, skipping an excluded one', async () => {
    const elsewhere = await connect('p-kate', 'dev');
    const crowd = await openCrowd('crowd', 120);
    const excluded = e2e.stack.emulator.connections().find((c) => c.stage === 'crowd')?.connectionId as string;

    const res = await call('POST', '/broadcast', { message: 'to the crowd', apiId: e2e.stack.emulator.apiId, stage: 'crowd', excludeConnectionIds: [excluded] });
    const after = await call('POST', '/broadcast', { message: 'end', stage: 'crowd' });

    expect(res).toMatchObject({ status: 200, body: { stages: [`${e2e.stack.emulator.apiId}/crowd`], delivered: 119, gone: 0, failed: 0, excluded: 1 } });
    expect(after.body).toMatchObject({ delivered: 120, excluded: 0 });
    await expectEachOnceThenEnd(crowd, 'to the crowd', 119);
    await expectNothingElse([elsewhere]);
  });
});

/** Opens `count` real sockets on `stage`, 100 at a time, for 20 users. */
async function openCrowd(stage: string, count: number): Promise<TestSocket[]> {
  const { stack } = e2e;
  const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => stack.token(`crowd-${i}`)));
  const crowd: TestSocket[] = [];
  for (let i = 0; i < count; i += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, count - i) }, (_, j) => openSocket(stack.emulator.wsUrl(stage), { token: tokens[(i + j) % tokens.length] as string })),
    );
    e2e.track(...batch);
    crowd.push(...batch);
  }
  return crowd;
}

/** Every socket's first message is `message` (`expected` of them) or `end`, and the ones that got `message` get `end` next. */
async function expectEachOnceThenEnd(crowd: TestSocket[], message: string, expected: number): Promise<void> {
  const firsts = await Promise.all(crowd.map((s) => s.nextMessage(30_000)));
  expect(firsts.filter((m) => m === message)).toHaveLength(expected);
  expect(firsts.filter((m) => m !== message && m !== 'end')).toEqual([]);
  const seconds = await Promise.all(crowd.filter((_, i) => firsts[i] === message).map((s) => s.nextMessage(30_000)));
  expect(new Set(seconds)).toEqual(new Set(['end']));
}

describe('broadcast to 1,000 real sockets on DynamoDB Local (through the sharded broadcast index)', () => {
  it('should reach each of 1,000 sockets exactly once and skip the excluded one', async () => {
    const crowd = await openCrowd('throng', 1_000);
    const excluded = e2e.stack.emulator.connections().find((c) => c.stage === 'throng')?.connectionId as string;
    const post = async (body: unknown) => (await call('POST', '/broadcast', body)).body;

    expect(await post({ message: 'to the crowd', stage: 'throng', excludeConnectionIds: [excluded] })).toMatchObject({ delivered: 999, excluded: 1, gone: 0, failed: 0 });
    expect(await post({ message: 'end', stage: 'throng' })).toMatchObject({ delivered: 1_000, excluded: 0 });
    await expectEachOnceThenEnd(crowd, 'to the crowd', 999);
  }, 120_000);
});
