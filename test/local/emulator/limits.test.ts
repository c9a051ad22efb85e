import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startApiGatewayEmulator,
  type ApiGatewayEmulator,
  type EmulatorOptions,
} from '../../../src/local/emulator/api-gateway-emulator.js';
import type { WebSocketEvent } from '../../../src/adapters/lambda/lambda-events.js';
import { openSocket } from '../../support/ws-client.js';
import { CREDENTIALS, EventLog, REGION } from './fixtures.js';

function emulatorWith(log: EventLog, options: Partial<EmulatorOptions> = {}): Promise<ApiGatewayEmulator> {
  return startApiGatewayEmulator(
    {
      disconnect: async (event: WebSocketEvent) => (log.events.push(event), { statusCode: 200 }),
      default: async (event) => ({ statusCode: 200, body: `got ${event.body?.length ?? 0}` }),
    },
    { stages: ['dev'], region: REGION, credentials: CREDENTIALS, ...options },
  );
}

function onlyConnectionId(emulator: ApiGatewayEmulator): string {
  const [connection] = emulator.connections();
  if (!connection) throw new Error('no open connection');
  return connection.connectionId;
}

describe('API Gateway emulator close codes and frame limit', () => {
  const log = new EventLog();
  let emulator: ApiGatewayEmulator;

  beforeAll(async () => {
    emulator = await emulatorWith(log);
  });

  afterAll(async () => {
    await emulator.stop();
  });

  it('should close a 40 KB frame with 1009 and run $disconnect with 1009', async () => {
    const socket = await openSocket(emulator.wsUrl('dev'));
    const connectionId = onlyConnectionId(emulator);
    socket.ws.send('x'.repeat(40 * 1024));
    expect((await socket.closed()).code).toBe(1009);
    const event = await log.disconnectOf(connectionId);
    expect(event.requestContext.disconnectStatusCode).toBe(1009);
  });

  it('should accept a frame of exactly 32 KB', async () => {
    const socket = await openSocket(emulator.wsUrl('dev'));
    const connectionId = onlyConnectionId(emulator);
    socket.ws.send('y'.repeat(32 * 1024));
    expect(await socket.nextMessage()).toBe(`got ${32 * 1024}`);
    socket.ws.close(1000);
    await log.disconnectOf(connectionId);
  });

  it('should run $disconnect with 1000 when the client closes normally', async () => {
    const socket = await openSocket(emulator.wsUrl('dev'));
    const connectionId = onlyConnectionId(emulator);
    socket.ws.close(1000, 'done');
    const event = await log.disconnectOf(connectionId);
    expect(event.requestContext.disconnectStatusCode).toBe(1000);
    expect(event.requestContext.disconnectReason).toContain('done');
  });

  it('should run $disconnect with 1005 when the client closes without a code', async () => {
    const socket = await openSocket(emulator.wsUrl('dev'));
    const connectionId = onlyConnectionId(emulator);
    socket.ws.close();
    const event = await log.disconnectOf(connectionId);
    expect(event.requestContext.disconnectStatusCode).toBe(1005);
  });

  it('should run $disconnect with 1006 when the client drops the TCP connection', async () => {
    const socket = await openSocket(emulator.wsUrl('dev'));
    const connectionId = onlyConnectionId(emulator);
    socket.ws.terminate();
    const event = await log.disconnectOf(connectionId);
    expect(event.requestContext.disconnectStatusCode).toBe(1006);
  });
});

describe('API Gateway emulator idle timeout', () => {
  const log = new EventLog();
  let emulator: ApiGatewayEmulator;

  beforeAll(async () => {
    emulator = await emulatorWith(log, { idleTimeoutMs: 300 });
  });

  afterAll(async () => {
    await emulator.stop();
  });

  it('should close an idle connection with 1001 and run $disconnect with 1001 Going away', async () => {
    const socket = await openSocket(emulator.wsUrl('dev'));
    const connectionId = onlyConnectionId(emulator);
    expect((await socket.closed()).code).toBe(1001);
    const event = await log.disconnectOf(connectionId);
    expect(event.requestContext.disconnectStatusCode).toBe(1001);
    expect(event.requestContext.disconnectReason).toBe('Going away');
    expect(emulator.connections()).toEqual([]);
  });
});

describe('API Gateway emulator maximum connection duration', () => {
  const log = new EventLog();
  let emulator: ApiGatewayEmulator;

  beforeAll(async () => {
    emulator = await emulatorWith(log, { maxDurationMs: 400 });
  });

  afterAll(async () => {
    await emulator.stop();
  });

  it('should close a busy connection at the maximum duration with 1001', async () => {
    const socket = await openSocket(emulator.wsUrl('dev'));
    const connectionId = onlyConnectionId(emulator);
    // Keep talking: the idle timeout (10 min by default) is not what closes it.
    const chatter = setInterval(() => socket.ws.readyState === socket.ws.OPEN && socket.ws.send('still here'), 50);
    try {
      expect((await socket.closed()).code).toBe(1001);
    } finally {
      clearInterval(chatter);
    }
    const event = await log.disconnectOf(connectionId);
    expect(event.requestContext.disconnectStatusCode).toBe(1001);
  });
});

describe('API Gateway emulator stop', () => {
  it('should close every socket with 1001, run each $disconnect and free the port', async () => {
    const log = new EventLog();
    const emulator = await emulatorWith(log);
    const first = await openSocket(emulator.wsUrl('dev'));
    const second = await openSocket(emulator.wsUrl('dev'));
    const ids = emulator.connections().map((c) => c.connectionId);
    await emulator.stop();

    expect((await first.closed()).code).toBe(1001);
    expect((await second.closed()).code).toBe(1001);
    // stop() resolves only after every $disconnect returned.
    expect(log.events.map((e) => [e.requestContext.connectionId, e.requestContext.disconnectStatusCode]).sort()).toEqual(
      ids.map((id) => [id, 1001]).sort(),
    );
    const probe = net.createServer();
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(emulator.port, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  it('should be safe to call stop twice', async () => {
    const emulator = await emulatorWith(new EventLog());
    await Promise.all([emulator.stop(), emulator.stop()]);
    await expect(emulator.stop()).resolves.toBeUndefined();
  });
});
