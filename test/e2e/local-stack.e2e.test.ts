import { describe, expect, it } from 'vitest';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { useLocalStack } from '../support/local-stack.js';
import { handshakeStatus, type TestSocket } from '../support/ws-client.js';

const e2e = useLocalStack({
  // Short, so that a socket dropped just after connecting is pruned quickly (see the vanished-socket test).
  env: { CONNECT_GRACE_MS: '500' },
});

function connect(userId: string, stage: string): Promise<TestSocket> {
  return e2e.connect(userId, stage);
}

async function notify(userId: string, message: unknown) {
  const { status, body } = await e2e.call('POST', '/notify', { userId, message });
  return { status, body: body as Record<string, unknown> & { connections: Array<{ connectionId: string; status: string }> } };
}

async function connectionsOf(userId: string) {
  const { body } = await e2e.call('GET', `/users/${encodeURIComponent(userId)}/connections`);
  return (body as { connections: Array<{ connectionId: string; stage: string; endpoint: string }> }).connections;
}

/** The connection id the emulator gave the most recent socket of a user. */
function newestConnectionId(userId: string): string {
  const mine = e2e.stack.emulator.connections().filter((c) => c.authorizer?.userId === userId);
  return mine.sort((a, b) => b.connectedAt - a.connectedAt)[0]?.connectionId ?? '';
}

describe('the local stack, end to end (real sockets, real SDK, DynamoDB Local)', () => {
  it('should deliver a notify to alice on dev and on prod, and not to bob', async () => {
    const aliceDev = await connect('alice', 'dev');
    const aliceProd = await connect('alice', 'prod');
    const bob = await connect('bob', 'dev');

    const { status, body } = await notify('alice', { text: 'hello alice' });

    expect(status).toBe(200);
    expect(body).toMatchObject({ userId: 'alice', delivered: 2, gone: 0, failed: 0 });
    expect(await aliceDev.nextMessage()).toBe('{"text":"hello alice"}');
    expect(await aliceProd.nextMessage()).toBe('{"text":"hello alice"}');
    // Bob's first message is the one meant for him: alice's never reached his socket.
    expect((await notify('bob', 'only for bob')).body.delivered).toBe(1);
    expect(await bob.nextMessage()).toBe('only for bob');
  });

  it("should reproduce the seed's 403 through the wrong stage's endpoint, while POST /notify delivers", async () => {
    const socket = await connect('seed-user', 'dev');
    const connectionId = newestConnectionId('seed-user');
    const wrongStage = new ApiGatewayManagementApiClient({
      endpoint: e2e.stack.emulator.managementEndpoint('prod'),
      region: e2e.stack.config.region,
      credentials: e2e.stack.config.credentials,
      maxAttempts: 1,
    });
    const error = await wrongStage
      .send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: new TextEncoder().encode('x') }))
      .catch((e: unknown) => e as { name: string; $metadata: { httpStatusCode: number } });
    wrongStage.destroy();
    expect(error).toMatchObject({ name: 'ForbiddenException', $metadata: { httpStatusCode: 403 } });

    const { body } = await notify('seed-user', 'through the right stage');
    expect(body.delivered).toBe(1);
    expect(await socket.nextMessage()).toBe('through the right stage');
  });

  it('should report a socket that vanished without $disconnect as gone and remove its record', async () => {
    await connect('carol', 'prod');
    const connectionId = newestConnectionId('carol');
    expect((await connectionsOf('carol')).map((c) => c.connectionId)).toEqual([connectionId]);
    expect(e2e.stack.emulator.dropConnection(connectionId)).toBe(true);

    const { body } = await notify('carol', 'anyone there?');

    expect(body).toMatchObject({ delivered: 0, gone: 1, failed: 0 });
    // Dropped right after connecting: its 410s are retried until the connect grace is over, then it is pruned.
    expect(body.connections).toEqual([{ connectionId, status: 'gone', attempts: expect.any(Number) }]);
    expect((body.connections[0] as unknown as { attempts: number }).attempts).toBeGreaterThan(1);
    expect(await connectionsOf('carol')).toEqual([]);
  });

  it('should remove a closed socket through $disconnect, as GET /users/:userId/connections shows', async () => {
    const keep = await connect('dave', 'dev');
    const keptId = newestConnectionId('dave');
    const leave = await connect('dave', 'prod');
    const leftId = newestConnectionId('dave');
    const listed = await connectionsOf('dave');
    expect(listed.map((c) => c.connectionId).sort()).toEqual([keptId, leftId].sort());
    expect(listed.find((c) => c.connectionId === leftId)).toMatchObject({
      stage: 'prod',
      endpoint: e2e.stack.emulator.managementEndpoint('prod'),
    });

    leave.ws.close(1000, 'bye');
    await leave.closed();
    await expect.poll(async () => (await connectionsOf('dave')).map((c) => c.connectionId), { timeout: 5_000 }).toEqual([keptId]);
    expect(keep.ws.readyState).toBe(keep.ws.OPEN);
  });

  it("should answer a client's ping with a pong through its own stage", async () => {
    const socket = await connect('erin', 'prod');
    socket.ws.send(JSON.stringify({ action: 'ping' }));
    expect(await socket.nextMessage()).toBe('{"type":"pong"}');
  });

  it('should refuse a socket without a token with 401 and one with a forged token with 401, storing nothing', async () => {
    expect(await handshakeStatus(e2e.stack.emulator.wsUrl('dev'))).toBe(401);
    const [header, payload, signature = ''] = (await e2e.stack.token('mallory')).split('.');
    const forged = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    expect(await handshakeStatus(e2e.stack.emulator.wsUrl('dev'), { token: forged })).toBe(401);
    expect(await connectionsOf('mallory')).toEqual([]);
  });
});
