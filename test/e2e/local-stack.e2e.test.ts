import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { loadLocalStackConfig } from '../../src/local/local-stack.config.js';
import { startLocalStack, type LocalStack } from '../../src/local/local-stack.js';
import { dynamoDbEndpoint, freshTableName } from '../support/dynamodb-local.js';
import { handshakeStatus, openSocket, type TestSocket } from '../support/ws-client.js';

let stack: LocalStack;
const open: TestSocket[] = [];

beforeAll(async () => {
  stack = await startLocalStack(
    loadLocalStackConfig({
      PORT: '0',
      WS_PORT: '0',
      STORAGE: 'dynamodb',
      DYNAMODB_ENDPOINT: dynamoDbEndpoint(),
      TABLE_NAME: freshTableName('e2e'),
      LOG_LEVEL: 'silent',
      // Short, so that a socket dropped just after connecting is pruned quickly (see the vanished-socket test).
      CONNECT_GRACE_MS: '500',
    }),
  );
});

afterAll(async () => {
  for (const s of open) s.ws.terminate();
  await stack?.stop();
});

async function connect(userId: string, stage: string): Promise<TestSocket> {
  const socket = await openSocket(stack.emulator.wsUrl(stage), { token: await stack.token(userId) });
  open.push(socket);
  return socket;
}

async function notify(userId: string, message: unknown) {
  const res = await fetch(`${stack.notify.url}/notify`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.config.apiKeys[0]}`, 'content-type': 'application/json' },
    body: JSON.stringify({ userId, message }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { connections: Array<{ connectionId: string; status: string }> } };
}

async function connectionsOf(userId: string) {
  const res = await fetch(`${stack.notify.url}/users/${encodeURIComponent(userId)}/connections`, {
    headers: { authorization: `Bearer ${stack.config.apiKeys[0]}` },
  });
  return ((await res.json()) as { connections: Array<{ connectionId: string; stage: string; endpoint: string }> }).connections;
}

/** The connection id the emulator gave the most recent socket of a user. */
function newestConnectionId(userId: string): string {
  const mine = stack.emulator.connections().filter((c) => c.authorizer?.userId === userId);
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
      endpoint: stack.emulator.managementEndpoint('prod'),
      region: stack.config.region,
      credentials: stack.config.credentials,
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
    expect(stack.emulator.dropConnection(connectionId)).toBe(true);

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
      endpoint: stack.emulator.managementEndpoint('prod'),
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
    expect(await handshakeStatus(stack.emulator.wsUrl('dev'))).toBe(401);
    const [header, payload, signature = ''] = (await stack.token('mallory')).split('.');
    const forged = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    expect(await handshakeStatus(stack.emulator.wsUrl('dev'), { token: forged })).toBe(401);
    expect(await connectionsOf('mallory')).toEqual([]);
  });
});
