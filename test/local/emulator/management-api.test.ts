import {
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
  type ApiGatewayManagementApiClient,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGatewayEmulator, type ApiGatewayEmulator } from '../../../src/local/emulator/api-gateway-emulator.js';
import type { WebSocketEvent } from '../../../src/adapters/lambda/lambda-events.js';
import { openSocket, type TestSocket } from '../../support/ws-client.js';
import { CREDENTIALS, EventLog, REGION, gate, managementClient } from './fixtures.js';
import { signedRequest, type RawResponse, type SignedRequestOptions } from './signed-request.js';

/** Ids with every character that needs URL-encoding: `/`, `+` and `=`. */
let idCounter = 0;
const awkwardId = (): string => `Ab/+${String(++idCounter).padStart(10, '0')}X=`;

async function sdkError(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('the call succeeded');
}

function expectInvalidSignature(answer: RawResponse): void {
  expect(answer.status).toBe(403);
  expect(answer.headers['x-amzn-errortype']).toBe('InvalidSignatureException');
}

async function closeSocket(socket: TestSocket): Promise<void> {
  socket.ws.close(1000);
  await socket.closed();
}

describe('API Gateway emulator management API', () => {
  const log = new EventLog();
  /** A POST of `x` to a dev connection, signed the AWS way with the test credentials; `overrides` change one thing. */
  const postSigned = (connectionId: string, overrides: Partial<SignedRequestOptions> = {}) =>
    signedRequest({
      port: emulator.port,
      method: 'POST',
      path: `/dev/@connections/${encodeURIComponent(connectionId)}`,
      body: 'x',
      region: REGION,
      credentials: CREDENTIALS,
      ...overrides,
    });
  const connectGates = new Map<string, Promise<void>>();
  let emulator: ApiGatewayEmulator;
  let dev: ApiGatewayManagementApiClient;
  let prod: ApiGatewayManagementApiClient;

  beforeAll(async () => {
    emulator = await startApiGatewayEmulator(
      {
        connect: async (event: WebSocketEvent) => {
          log.events.push(event);
          await connectGates.get(event.queryStringParameters?.gate ?? '');
          return { statusCode: 200 };
        },
        disconnect: async (event) => {
          log.events.push(event);
          return { statusCode: 200 };
        },
      },
      { stages: ['dev', 'prod'], region: REGION, credentials: CREDENTIALS, connectionIdFactory: awkwardId },
    );
    dev = managementClient(emulator, 'dev');
    prod = managementClient(emulator, 'prod');
  });

  afterAll(async () => {
    dev.destroy();
    prod.destroy();
    await emulator.stop();
  });

  async function connect(stage = 'dev'): Promise<{ socket: TestSocket; connectionId: string }> {
    const known = new Set(emulator.connections().map((c) => c.connectionId));
    const socket = await openSocket(emulator.wsUrl(stage), { headers: { 'User-Agent': 'mgmt-test/2.0' } });
    const connectionId = emulator.connections().find((c) => !known.has(c.connectionId))?.connectionId;
    if (!connectionId) throw new Error('no new connection');
    return { socket, connectionId };
  }

  it('should deliver a post through the SDK to a connection whose id contains /, + and =', async () => {
    const { socket, connectionId } = await connect();
    expect(connectionId).toMatch(/[/+=]/);
    const answer = await dev.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: '{"hello":"alice"}' }));
    expect(answer.$metadata.httpStatusCode).toBe(200);
    expect(await socket.nextMessage()).toBe('{"hello":"alice"}');
    await closeSocket(socket);
  });

  it('should deliver bytes that are not UTF-8 as a binary frame', async () => {
    const { socket, connectionId } = await connect();
    const bytes = new Uint8Array([0xc3, 0x28, 0xff, 0x00]);
    await dev.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: bytes }));
    const received = await socket.nextMessage();
    expect(Buffer.isBuffer(received)).toBe(true);
    expect([...(received as Buffer)]).toEqual([...bytes]);
    await closeSocket(socket);
  });

  it('should describe a connection through GetConnection', async () => {
    const { socket, connectionId } = await connect('prod');
    const info = await prod.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    const connectedAt = emulator.connections().find((c) => c.connectionId === connectionId)?.connectedAt;
    expect(info.ConnectedAt?.getTime()).toBe(connectedAt);
    expect(info.Identity).toEqual({ SourceIp: '127.0.0.1', UserAgent: 'mgmt-test/2.0' });
    expect(info.LastActiveAt).toBeInstanceOf(Date);
    await closeSocket(socket);
  });

  it('should close the socket with 1000 and run $disconnect on DeleteConnection', async () => {
    const { socket, connectionId } = await connect();
    const answer = await dev.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    expect(answer.$metadata.httpStatusCode).toBe(204);
    expect((await socket.closed()).code).toBe(1000);
    const event = await log.disconnectOf(connectionId);
    expect(event.requestContext.disconnectStatusCode).toBe(1000);
    expect(await sdkError(dev.send(new GetConnectionCommand({ ConnectionId: connectionId })))).toEqual({ name: 'GoneException', status: 410 });
  });

  it('should answer 403 ForbiddenException when a connection opened on dev is posted through prod', async () => {
    const { socket, connectionId } = await connect('dev');
    const error = await sdkError(prod.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'x' })));
    expect(error).toEqual({ name: 'ForbiddenException', status: 403 });
    // The same post through the connection's own stage goes through.
    await dev.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'y' }));
    expect(await socket.nextMessage()).toBe('y');
    await closeSocket(socket);
  });

  it('should answer 403 ForbiddenException through a stage that is not deployed', async () => {
    const { socket, connectionId } = await connect('dev');
    const staging = managementClient(emulator, 'staging');
    const error = await sdkError(staging.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'x' })));
    staging.destroy();
    expect(error).toEqual({ name: 'ForbiddenException', status: 403 });
    await closeSocket(socket);
  });

  it('should answer 410 GoneException for a closed connection and for an unknown one', async () => {
    const { socket, connectionId } = await connect();
    socket.ws.close(1000);
    await log.disconnectOf(connectionId);
    for (const id of [connectionId, 'NeverSeenAbcde0=']) {
      for (const command of [
        new PostToConnectionCommand({ ConnectionId: id, Data: 'x' }),
        new GetConnectionCommand({ ConnectionId: id }),
        new DeleteConnectionCommand({ ConnectionId: id }),
      ]) {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        expect(await sdkError(dev.send(command as any))).toEqual({ name: 'GoneException', status: 410 });
      }
    }
  });

  it('should answer 410 GoneException to a post made while $connect is still running', async () => {
    const hold = gate();
    connectGates.set('held', hold.promise);
    const before = log.events.length;
    const opening = openSocket(`${emulator.wsUrl('dev')}?gate=held`);
    const connectEvent = await log.waitFor((e) => log.events.indexOf(e) >= before && e.requestContext.eventType === 'CONNECT');
    const connectionId = connectEvent.requestContext.connectionId;
    const error = await sdkError(dev.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'too early' })));
    expect(error).toEqual({ name: 'GoneException', status: 410 });
    hold.open();
    const socket = await opening;
    await dev.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'now' }));
    expect(await socket.nextMessage()).toBe('now');
    await closeSocket(socket);
  });

  it('should answer 413 PayloadTooLargeException to a post over 131072 bytes and deliver one of exactly 131072', async () => {
    const { socket, connectionId } = await connect();
    const error = await sdkError(dev.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'a'.repeat(131_073) })));
    expect(error).toEqual({ name: 'PayloadTooLargeException', status: 413 });
    await dev.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'b'.repeat(131_072) }));
    expect(String(await socket.nextMessage()).length).toBe(131_072);
    await closeSocket(socket);
  });

  it('should answer 403 Missing Authentication Token to a request without SigV4', async () => {
    const { socket, connectionId } = await connect();
    const answer = await postSigned(connectionId, { body: 'unsigned', sign: false });
    expect(answer.status).toBe(403);
    expect(answer.headers['x-amzn-errortype']).toBe('ForbiddenException');
    expect(JSON.parse(answer.body)).toEqual({ message: 'Missing Authentication Token' });
    await closeSocket(socket);
  });

  it('should reject a request whose signature was made with another secret with 403 InvalidSignatureException', async () => {
    const { socket, connectionId } = await connect();
    const wrong = managementClient(emulator, 'dev', { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' });
    const error = await sdkError(wrong.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'x' })));
    wrong.destroy();
    expect(error).toEqual({ name: 'InvalidSignatureException', status: 403 });
    await closeSocket(socket);
  });

  it('should reject an unknown access key with 403 UnrecognizedClientException', async () => {
    const stranger = managementClient(emulator, 'dev', { accessKeyId: 'AKIDSTRANGER', secretAccessKey: CREDENTIALS.secretAccessKey });
    const error = await sdkError(stranger.send(new GetConnectionCommand({ ConnectionId: 'NeverSeenAbcde0=' })));
    stranger.destroy();
    expect(error).toEqual({ name: 'UnrecognizedClientException', status: 403 });
  });

  it('should reject a request signed for another region with 403 InvalidSignatureException', async () => {
    const { socket, connectionId } = await connect();
    expectInvalidSignature(await postSigned(connectionId, { region: 'us-east-1' }));
    await closeSocket(socket);
  });

  it('should reject a client that does not URI-encode the path a second time when signing', async () => {
    const { socket, connectionId } = await connect();
    expectInvalidSignature(await postSigned(connectionId, { uriEscapePath: false }));
    // The same request signed the AWS way passes, so only the path encoding made the difference.
    const right = await postSigned(connectionId);
    expect(right.status).toBe(200);
    expect(await socket.nextMessage()).toBe('x');
    await closeSocket(socket);
  });

  it('should reject a client that signs the encoded id but sends = and + unencoded', async () => {
    const { socket, connectionId } = await connect();
    const [head, tail] = connectionId.split('/') as [string, string];
    expectInvalidSignature(await postSigned(connectionId, { sentPath: `/dev/@connections/${head}%2F${tail}` }));
    await closeSocket(socket);
  });

  it('should reject a body that differs from the one that was signed', async () => {
    const { socket, connectionId } = await connect();
    expectInvalidSignature(await postSigned(connectionId, { body: 'signed text', sentBody: 'forged text' }));
    await closeSocket(socket);
  });

  it('should answer errors with x-amzn-ErrorType and a JSON message body', async () => {
    const answer = await postSigned('NeverSeenAbcde0=', { method: 'GET', body: undefined });
    expect(answer.status).toBe(410);
    expect(answer.headers['x-amzn-errortype']).toBe('GoneException');
    expect(answer.headers['content-type']).toBe('application/json');
    expect(typeof (JSON.parse(answer.body) as { message: unknown }).message).toBe('string');
  });
});

describe('API Gateway emulator silent drop', () => {
  it('should drop a socket without running $disconnect so that posts answer 410', async () => {
    const events: WebSocketEvent[] = [];
    const emulator = await startApiGatewayEmulator(
      { disconnect: async (event) => (events.push(event), { statusCode: 200 }) },
      { stages: ['dev'], region: REGION, credentials: CREDENTIALS },
    );
    const client = managementClient(emulator, 'dev');
    try {
      const socket = await openSocket(emulator.wsUrl('dev'));
      const [{ connectionId } = { connectionId: '' }] = emulator.connections();
      expect(emulator.dropConnection(connectionId)).toBe(true);
      expect((await socket.closed()).code).toBe(1006);
      expect(await sdkError(client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'x' })))).toEqual({
        name: 'GoneException',
        status: 410,
      });
    } finally {
      client.destroy();
      // stop() waits for every socket's close handling, so a $disconnect would have been recorded by now.
      await emulator.stop();
    }
    expect(events).toEqual([]);
  });
});
