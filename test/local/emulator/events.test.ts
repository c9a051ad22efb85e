import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGatewayEmulator, type ApiGatewayEmulator } from '../../../src/local/emulator/api-gateway-emulator.js';
import type { WebSocketEvent, WebSocketResult } from '../../../src/adapters/lambda/lambda-events.js';
import { openSocket, type TestSocket } from '../../support/ws-client.js';
import { CREDENTIALS, EventLog, REGION, TOKENS, fixtureAuthorizer, headerValue } from './fixtures.js';

const AWS_REQUEST_TIME = /^\d{2}\/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/;
const AWS_ID = /^[A-Za-z0-9+/]{15}=$/;

describe('API Gateway emulator events', () => {
  const log = new EventLog();
  const record = async (event: WebSocketEvent): Promise<WebSocketResult> => {
    log.events.push(event);
    return { statusCode: 200 };
  };
  let emulator: ApiGatewayEmulator;

  beforeAll(async () => {
    emulator = await startApiGatewayEmulator(
      {
        authorizer: (event) => fixtureAuthorizer(event, log),
        connect: record,
        disconnect: record,
        default: async (event) => {
          log.events.push(event);
          if (event.body === 'explode') throw new Error('handler bug');
          return { statusCode: 200, body: `echo:${event.body ?? ''}` };
        },
        routes: {
          sendMessage: async (event) => {
            log.events.push(event);
            return { statusCode: 200, body: 'custom routes are one-way' };
          },
        },
      },
      { stages: ['dev', 'prod'], region: REGION, credentials: CREDENTIALS, apiId: 'abc123defg' },
    );
  });

  afterAll(async () => {
    await emulator.stop();
  });

  async function connectAlice(stage = 'dev', host?: string): Promise<{ socket: TestSocket; connectionId: string }> {
    const before = new Set(log.events.map((e) => e.requestContext.connectionId));
    const socket = await openSocket(emulator.wsUrl(stage), {
      token: TOKENS.alice,
      headers: { 'User-Agent': 'emulator-test/1.0', ...(host ? { Host: host } : {}) },
    });
    const connect = await log.waitFor((e) => e.requestContext.eventType === 'CONNECT' && !before.has(e.requestContext.connectionId));
    return { socket, connectionId: connect.requestContext.connectionId };
  }

  it('should give $connect every field API Gateway sends', async () => {
    const { socket, connectionId } = await connectAlice('prod');
    const [event] = log.of(connectionId, 'CONNECT');
    const ctx = event!.requestContext;
    expect(ctx).toMatchObject({
      routeKey: '$connect',
      eventType: 'CONNECT',
      messageDirection: 'IN',
      stage: 'prod',
      apiId: 'abc123defg',
      domainName: `127.0.0.1:${emulator.port}`,
      identity: { sourceIp: '127.0.0.1', userAgent: 'emulator-test/1.0' },
    });
    expect(ctx.connectionId).toMatch(AWS_ID);
    expect(ctx.requestId).toMatch(AWS_ID);
    expect(ctx.extendedRequestId).toMatch(AWS_ID);
    expect(ctx.requestTime).toMatch(AWS_REQUEST_TIME);
    expect(typeof ctx.connectedAt).toBe('number');
    expect(ctx.requestTimeEpoch).toBeGreaterThanOrEqual(ctx.connectedAt);
    expect(event!.queryStringParameters).toEqual({ token: TOKENS.alice });
    expect(event!.multiValueQueryStringParameters).toEqual({ token: [TOKENS.alice] });
    expect(headerValue(event!.headers, 'user-agent')).toBe('emulator-test/1.0');
    expect(event!.multiValueHeaders?.['Host']).toEqual([`127.0.0.1:${emulator.port}`]);
    expect(event!.isBase64Encoded).toBe(false);
    socket.ws.close(1000);
    await log.disconnectOf(connectionId);
  });

  it('should give $connect an X-Amzn-Trace-Id shaped like AWS, dated now', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { socket, connectionId } = await connectAlice();
    const event = log.of(connectionId, 'CONNECT')[0];
    const trace = headerValue(event?.headers, 'x-amzn-trace-id');
    expect(trace).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    const seconds = parseInt(/^Root=1-([0-9a-f]{8})-/.exec(trace ?? '')?.[1] ?? '0', 16);
    expect(seconds).toBeGreaterThanOrEqual(before);
    expect(seconds).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect(event?.multiValueHeaders?.['X-Amzn-Trace-Id']).toEqual([trace]);
    socket.ws.close(1000);
    await log.disconnectOf(connectionId);
  });

  it('should give $disconnect the handshake headers with Host and X-Forwarded-For, single and multi-valued', async () => {
    const { socket, connectionId } = await connectAlice();
    socket.ws.close(1000);
    const event = await log.disconnectOf(connectionId);
    expect(headerValue(event.headers, 'host')).toBe(`127.0.0.1:${emulator.port}`);
    expect(headerValue(event.headers, 'x-forwarded-for')).toBe('127.0.0.1');
    expect(headerValue(event.headers, 'user-agent')).toBe('emulator-test/1.0');
    expect(event.multiValueHeaders?.['Host']).toEqual([`127.0.0.1:${emulator.port}`]);
    expect(event.multiValueHeaders?.['X-Forwarded-For']).toEqual(['127.0.0.1']);
    expect(event.headers).toEqual(log.of(connectionId, 'CONNECT')[0]?.headers);
  });

  it('should report 1005 "Client-side close frame status not set" when the client closes without a code', async () => {
    const { socket, connectionId } = await connectAlice();
    socket.ws.close();
    const event = await log.disconnectOf(connectionId);
    expect(event.requestContext.disconnectStatusCode).toBe(1005);
    expect(event.requestContext.disconnectReason).toBe('Client-side close frame status not set');
  });

  it('should report as domainName the Host the client actually used', async () => {
    const { socket, connectionId } = await connectAlice('dev', `localhost:${emulator.port}`);
    expect(log.of(connectionId, 'CONNECT')[0]?.requestContext.domainName).toBe(`localhost:${emulator.port}`);
    socket.ws.close(1000);
    await log.disconnectOf(connectionId);
  });

  it('should give every connection a distinct AWS-shaped connection id', async () => {
    const opened = [await connectAlice(), await connectAlice(), await connectAlice()];
    const ids = new Set(emulator.connections().map((c) => c.connectionId));
    for (const { connectionId } of opened) {
      expect(connectionId).toMatch(AWS_ID);
      expect(ids.has(connectionId)).toBe(true);
    }
    expect(new Set(opened.map((o) => o.connectionId)).size).toBe(3);
    for (const { socket, connectionId } of opened) {
      socket.ws.close(1000);
      await log.disconnectOf(connectionId);
    }
  });

  it('should pass the authorizer context with principalId on connect, message and disconnect events', async () => {
    const { socket, connectionId } = await connectAlice();
    socket.ws.send('hello');
    await socket.nextMessage();
    socket.ws.close(1000, 'bye');
    await log.disconnectOf(connectionId);
    const expected = { principalId: 'alice', userId: 'alice', tier: 3, admin: false };
    for (const type of ['CONNECT', 'MESSAGE', 'DISCONNECT'] as const) {
      expect(log.of(connectionId, type)[0]?.requestContext.authorizer).toEqual(expected);
    }
  });

  it('should give messages a messageId, the body and the connection identity', async () => {
    const { socket, connectionId } = await connectAlice();
    socket.ws.send('{"hello":"world"}');
    await socket.nextMessage();
    const [message] = log.of(connectionId, 'MESSAGE');
    expect(message?.body).toBe('{"hello":"world"}');
    expect(message?.isBase64Encoded).toBe(false);
    expect(message?.requestContext).toMatchObject({
      routeKey: '$default',
      eventType: 'MESSAGE',
      messageDirection: 'IN',
      stage: 'dev',
      connectionId,
      identity: { sourceIp: '127.0.0.1' },
    });
    expect(message?.requestContext.messageId).toMatch(AWS_ID);
    expect(message?.requestContext.connectedAt).toBe(log.of(connectionId, 'CONNECT')[0]?.requestContext.connectedAt);
    socket.ws.close(1000);
    await log.disconnectOf(connectionId);
  });

  it('should send the $default result body back to the sender', async () => {
    const { socket, connectionId } = await connectAlice();
    socket.ws.send('ping');
    expect(await socket.nextMessage()).toBe('echo:ping');
    socket.ws.close(1000);
    await log.disconnectOf(connectionId);
  });

  it('should route by $request.body.action and not answer from a one-way custom route', async () => {
    const { socket, connectionId } = await connectAlice();
    socket.ws.send(JSON.stringify({ action: 'sendMessage', text: 'hi' }));
    socket.ws.send(JSON.stringify({ action: 'unknownAction' }));
    // Only the $default fallback answers, so the first message the client gets is the second frame's echo.
    expect(await socket.nextMessage()).toBe('echo:{"action":"unknownAction"}');
    const routeKeys = log.of(connectionId, 'MESSAGE').map((e) => e.requestContext.routeKey);
    expect(routeKeys.sort()).toEqual(['$default', 'sendMessage']);
    socket.ws.close(1000);
    await log.disconnectOf(connectionId);
  });

  it('should hand binary frames to $default base64-encoded', async () => {
    const { socket, connectionId } = await connectAlice();
    const bytes = Buffer.from([0xff, 0x00, 0x10, 0x80]);
    socket.ws.send(bytes);
    await socket.nextMessage();
    const [message] = log.of(connectionId, 'MESSAGE');
    expect(message?.isBase64Encoded).toBe(true);
    expect(message?.body).toBe(bytes.toString('base64'));
    expect(message?.requestContext.routeKey).toBe('$default');
    socket.ws.close(1000);
    await log.disconnectOf(connectionId);
  });

  it('should answer Internal server error like AWS when a message handler throws and keep the socket open', async () => {
    const { socket, connectionId } = await connectAlice();
    socket.ws.send('explode');
    const answer = JSON.parse(String(await socket.nextMessage())) as Record<string, string>;
    expect(answer.message).toBe('Internal server error');
    expect(answer.connectionId).toBe(connectionId);
    expect(answer.requestId).toMatch(AWS_ID);
    socket.ws.send('still here');
    expect(await socket.nextMessage()).toBe('echo:still here');
    socket.ws.close(1000);
    await log.disconnectOf(connectionId);
  });

  it('should give $disconnect the close code and reason of the client', async () => {
    const { socket, connectionId } = await connectAlice();
    socket.ws.close(4001, 'leaving');
    const event = await log.disconnectOf(connectionId);
    expect(event.requestContext).toMatchObject({
      routeKey: '$disconnect',
      eventType: 'DISCONNECT',
      disconnectStatusCode: 4001,
      connectionId,
      stage: 'dev',
    });
    expect(event.requestContext.disconnectReason).toContain('leaving');
  });
});

describe('API Gateway emulator without a matching route', () => {
  let emulator: ApiGatewayEmulator;

  beforeAll(async () => {
    emulator = await startApiGatewayEmulator({}, { stages: ['dev'], region: REGION, credentials: CREDENTIALS });
  });

  afterAll(async () => {
    await emulator.stop();
  });

  it('should answer Forbidden like AWS when no route and no $default match a message', async () => {
    const socket = await openSocket(emulator.wsUrl('dev'));
    socket.ws.send('anyone there?');
    const answer = JSON.parse(String(await socket.nextMessage())) as Record<string, string>;
    expect(answer.message).toBe('Forbidden');
    expect(answer.connectionId).toBe(emulator.connections()[0]?.connectionId);
    socket.ws.close(1000);
    await socket.closed();
  });
});
