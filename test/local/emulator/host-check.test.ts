import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocketEvent, WebSocketResult } from '../../../src/adapters/lambda/lambda-events.js';
import { startApiGatewayEmulator, type ApiGatewayEmulator } from '../../../src/local/emulator/api-gateway-emulator.js';
import { HostCheck } from '../../../src/local/emulator/host.check.js';
import { handshakeStatus, openSocket } from '../../support/ws-client.js';
import { CREDENTIALS, EventLog, REGION, TOKENS, fixtureAuthorizer } from './fixtures.js';

describe('API Gateway emulator: only the hosts it listens on', () => {
  const log = new EventLog();
  let emulator: ApiGatewayEmulator;

  beforeAll(async () => {
    emulator = await startApiGatewayEmulator(
      {
        authorizer: (event) => fixtureAuthorizer(event, log),
        connect: async (event: WebSocketEvent): Promise<WebSocketResult> => {
          log.events.push(event);
          return { statusCode: 200 };
        },
      },
      { stages: ['dev'], region: REGION, credentials: CREDENTIALS, allowedHosts: ['ws.local.test'] },
    );
  });

  afterAll(async () => {
    await emulator.stop();
  });

  it('should refuse with 403 a handshake whose Host names another port, before the authorizer or $connect run', async () => {
    const authorizerCalls = log.authorizerEvents.length;
    const connects = log.events.length;
    const status = await handshakeStatus(emulator.wsUrl('dev'), { token: TOKENS.alice, headers: { Host: '127.0.0.1:4210' } });
    expect(status).toBe(403);
    expect(log.authorizerEvents.length).toBe(authorizerCalls);
    expect(log.events.length).toBe(connects);
    expect(emulator.connections()).toEqual([]);
  });

  it('should refuse with 403 a handshake whose Host is a domain it does not serve', async () => {
    for (const host of ['evil.example', `evil.example:${emulator.port}`, `localhost.evil.example:${emulator.port}`, `127.0.0.1:${emulator.port}.evil`]) {
      expect(await handshakeStatus(emulator.wsUrl('dev'), { token: TOKENS.alice, headers: { Host: host } }), host).toBe(403);
    }
  });

  it.each(['127.0.0.1', 'localhost', 'LOCALHOST', 'ws.local.test'])('should accept a handshake with Host %s and its port, and report it as domainName', async (name) => {
    const host = `${name}:${emulator.port}`;
    const socket = await openSocket(emulator.wsUrl('dev'), { token: TOKENS.alice, headers: { Host: host } });
    const event = await log.waitFor((e) => e.requestContext.eventType === 'CONNECT' && e.requestContext.domainName === host);
    expect(event.requestContext.domainName).toBe(host);
    socket.ws.close(1000);
    await socket.closed();
  });

  it('should refuse with 403 ForbiddenException a management request whose Host it does not serve', async () => {
    const res = await new Promise<{ status: number; errorType: string | undefined }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: emulator.port, method: 'POST', path: '/dev/@connections/abc%3D', headers: { host: 'attacker.example:4210' } },
        (response) => {
          response.resume();
          response.on('end', () => resolve({ status: response.statusCode ?? 0, errorType: response.headers['x-amzn-errortype'] as string | undefined }));
        },
      );
      req.on('error', reject);
      req.end('x');
    });
    expect(res).toEqual({ status: 403, errorType: 'ForbiddenException' });
  });
});

describe('HostCheck', () => {
  it('should allow its own address, localhost, 127.0.0.1 and [::1] with its port, and aliases', () => {
    const check = new HostCheck('0.0.0.0', ['dev.box', 'proxy.example:8443']);
    check.listening(3001);
    for (const ok of ['0.0.0.0:3001', 'localhost:3001', '127.0.0.1:3001', '[::1]:3001', 'dev.box:3001', 'proxy.example:8443']) {
      expect(check.allows(ok), ok).toBe(true);
    }
    for (const bad of [undefined, '', 'localhost', 'localhost:3002', 'dev.box:3002', 'proxy.example:3001', 'dev.box.evil:3001', '127.0.0.2:3001']) {
      expect(check.allows(bad), String(bad)).toBe(false);
    }
  });

  it('should bracket an IPv6 listen address and accept a bare name on port 80', () => {
    const check = new HostCheck('::1', []);
    check.listening(80);
    expect(check.allows('[::1]:80')).toBe(true);
    expect(check.allows('localhost')).toBe(true);
    expect(check.allows('::1:80')).toBe(false);
  });
});
