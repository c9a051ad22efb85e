import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startApiGatewayEmulator, type ApiGatewayEmulator } from '../../../src/local/emulator/api-gateway-emulator.js';
import type { WebSocketEvent, WebSocketResult } from '../../../src/adapters/lambda/lambda-events.js';
import { HandshakeRefused, handshakeStatus, openSocket } from '../../support/ws-client.js';
import { CREDENTIALS, EventLog, REGION, TOKENS, fixtureAuthorizer, headerValue } from './fixtures.js';

describe('API Gateway emulator handshake', () => {
  const log = new EventLog();
  let emulator: ApiGatewayEmulator;

  beforeAll(async () => {
    emulator = await startApiGatewayEmulator(
      {
        authorizer: (event) => fixtureAuthorizer(event, log),
        connect: async (event: WebSocketEvent): Promise<WebSocketResult> => {
          log.events.push(event);
          const wanted = event.queryStringParameters?.connectStatus;
          const protocols = headerValue(event.headers, 'Sec-WebSocket-Protocol');
          const headers: Record<string, string> = protocols?.includes('chat.v2') ? { 'Sec-WebSocket-Protocol': 'chat.v2' } : {};
          return { statusCode: wanted ? Number(wanted) : 200, headers };
        },
      },
      { stages: ['dev', 'prod'], region: REGION, credentials: CREDENTIALS, maxNewConnectionsPerSecond: 1_000 },
    );
  });

  afterAll(async () => {
    await emulator.stop();
  });

  it('should accept a handshake with a valid token on a deployed stage', async () => {
    const socket = await openSocket(emulator.wsUrl('dev'), { token: TOKENS.alice });
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    socket.ws.close(1000);
    await socket.closed();
  });

  it('should accept the token from the Authorization header as well as from the query string', async () => {
    const socket = await openSocket(emulator.wsUrl('prod'), { headers: { Authorization: `Bearer ${TOKENS.alice}` } });
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    socket.ws.close(1000);
    await socket.closed();
  });

  it('should refuse the handshake with 403 on a stage that is not deployed', async () => {
    expect(await handshakeStatus(emulator.wsUrl('staging'), { token: TOKENS.alice })).toBe(403);
  });

  it('should refuse the handshake with 401 without calling the authorizer when no token is given', async () => {
    const before = log.authorizerEvents.length;
    expect(await handshakeStatus(emulator.wsUrl('dev'))).toBe(401);
    expect(await handshakeStatus(emulator.wsUrl('dev'), { token: '' })).toBe(401);
    expect(log.authorizerEvents.length).toBe(before);
  });

  it('should refuse the handshake with 401 when the authorizer throws Unauthorized', async () => {
    const before = log.authorizerEvents.length;
    expect(await handshakeStatus(emulator.wsUrl('dev'), { token: 'nobody-knows-me' })).toBe(401);
    expect(log.authorizerEvents.length).toBe(before + 1);
  });

  it('should refuse the handshake with 403 when the authorizer returns a Deny policy', async () => {
    expect(await handshakeStatus(emulator.wsUrl('dev'), { token: TOKENS.deny })).toBe(403);
  });

  it('should refuse the handshake with 403 when the Allow policy does not cover the methodArn', async () => {
    expect(await handshakeStatus(emulator.wsUrl('dev'), { token: TOKENS.otherArn })).toBe(403);
  });

  it('should refuse the handshake with 500 when the authorizer fails with any other error', async () => {
    expect(await handshakeStatus(emulator.wsUrl('dev'), { token: TOKENS.broken })).toBe(500);
  });

  it('should give the authorizer a REQUEST event with the methodArn of the stage', async () => {
    const socket = await openSocket(emulator.wsUrl('prod'), { token: TOKENS.alice, headers: { 'X-Trace': 'abc' } });
    const event = log.authorizerEvents.at(-1);
    expect(event?.type).toBe('REQUEST');
    expect(event?.methodArn).toBe(`arn:aws:execute-api:${REGION}:123456789012:${emulator.apiId}/prod/$connect`);
    expect(event?.queryStringParameters).toEqual({ token: TOKENS.alice });
    expect(headerValue(event?.headers, 'x-trace')).toBe('abc');
    expect(event?.multiValueHeaders?.['X-Trace']).toEqual(['abc']);
    expect(event?.requestContext.stage).toBe('prod');
    expect(event?.requestContext.routeKey).toBe('$connect');
    socket.ws.close(1000);
    await socket.closed();
  });

  it('should refuse the handshake with the status $connect returned when it is not 2xx', async () => {
    const url = `${emulator.wsUrl('dev')}?connectStatus=418`;
    expect(await handshakeStatus(url, { token: TOKENS.alice })).toBe(418);
    expect(emulator.connections()).toEqual([]);
  });

  it('should answer a plain HTTP GET on a stage path with 426 Upgrade Required', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      http.get(`${emulator.url}/dev`, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(status).toBe(426);
  });

  it('should select the subprotocol $connect answered in Sec-WebSocket-Protocol', async () => {
    const socket = await openSocket(emulator.wsUrl('dev'), { token: TOKENS.alice, protocols: ['chat.v1', 'chat.v2'] });
    expect(socket.ws.protocol).toBe('chat.v2');
    socket.ws.close(1000);
    await socket.closed();
  });

  it('should fail a handshake whose offered subprotocol $connect did not answer, as AWS does', async () => {
    await expect(openSocket(emulator.wsUrl('dev'), { token: TOKENS.alice, protocols: ['chat.v1'] })).rejects.toThrow(
      /subprotocol/i,
    );
  });

  it('should report handshake refusals with an x-amzn-ErrorType header', async () => {
    const refusal = await openSocket(emulator.wsUrl('dev'), { token: TOKENS.deny }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(HandshakeRefused);
    expect((refusal as HandshakeRefused).headers['x-amzn-errortype']).toBe('AccessDeniedException');
  });
});

describe('API Gateway emulator connection rate limit', () => {
  let emulator: ApiGatewayEmulator;

  beforeAll(async () => {
    emulator = await startApiGatewayEmulator(
      {},
      { stages: ['dev'], region: REGION, credentials: CREDENTIALS, maxNewConnectionsPerSecond: 2 },
    );
  });

  afterAll(async () => {
    await emulator.stop();
  });

  it('should refuse new connections over the configured rate with 429 LimitExceededException', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => openSocket(emulator.wsUrl('dev')).then((s) => s, (e: unknown) => e)),
    );
    const refused = results.filter((r): r is HandshakeRefused => r instanceof HandshakeRefused);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.every((r) => r.status === 429 && r.headers['x-amzn-errortype'] === 'LimitExceededException')).toBe(true);
    for (const r of results) if (!(r instanceof HandshakeRefused)) (r as { ws: WebSocket }).ws.terminate();
  });
});
