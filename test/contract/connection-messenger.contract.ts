import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryConnectionRepository } from '../../src/adapters/memory/in-memory-connection.repository.js';
import type { WebSocketEvent } from '../../src/adapters/lambda/lambda-events.js';
import type { ManagementEndpointProps } from '../../src/domain/model/management-endpoint.js';
import { NotifyUserUseCase } from '../../src/domain/use-cases/notify-user.use-case.js';
import { startApiGatewayEmulator, type ApiGatewayEmulator } from '../../src/local/emulator/api-gateway-emulator.js';
import type { ConnectionMessenger } from '../../src/ports/connection.messenger.js';
import { startFakeManagementApi, type FakeManagementApi } from '../support/fake-management-api.js';
import { ManualClock } from '../support/manual-clock.js';
import { MemoryLogger } from '../support/silent-logger.js';
import { openSocket, type TestSocket } from '../support/ws-client.js';
import { refusedPort } from '../support/loopback-sinks.js';

export const CONTRACT_REGION = 'eu-west-1';
export const CONTRACT_CREDENTIALS = { accessKeyId: 'AKIDMESSENGERCONTRACT', secretAccessKey: 'messenger-contract-secret' };

export interface MessengerFactoryOptions {
  credentials: { accessKeyId: string; secretAccessKey: string };
  requestTimeoutMs: number;
}

/** The adapter under test and how to release its sockets. */
export interface MessengerUnderTest {
  messenger: ConnectionMessenger;
  close(): void | Promise<void>;
}

const encoder = new TextEncoder();

/** A promise with its resolver, to hold `$connect` until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/**
 * The behaviour every ConnectionMessenger must have, against the local emulator (real sockets, SigV4 verified
 * with the contract credentials) and, for what the emulator cannot produce (5xx, slow answers, a bare status
 * without `x-amzn-ErrorType`), a loopback sink. Every connection id of the emulator holds `/`, `+` and `=`.
 */
export function describeConnectionMessengerContract(name: string, factory: (options: MessengerFactoryOptions) => MessengerUnderTest): void {
  describe(`${name} (ConnectionMessenger contract)`, () => {
    let emulator: ApiGatewayEmulator;
    let throttled: ApiGatewayEmulator;
    let sink: FakeManagementApi;
    let subject: MessengerUnderTest;
    let messenger: ConnectionMessenger;
    const sockets: TestSocket[] = [];
    /** Ids whose `$connect` is running, and the gate it waits on. */
    const connecting = new Map<string, Promise<void>>();
    let holdConnect: Promise<void> | undefined;
    let counter = 0;

    const endpointOf = (api: ApiGatewayEmulator, stage: string): ManagementEndpointProps => ({
      apiId: api.apiId,
      domainName: `127.0.0.1:${api.port}`,
      stage,
      url: api.managementEndpoint(stage),
      region: CONTRACT_REGION,
    });
    const sinkEndpoint = (url = sink.endpointUrl('dev')): ManagementEndpointProps => ({
      apiId: 'abc123',
      domainName: '127.0.0.1',
      stage: 'dev',
      url,
      region: CONTRACT_REGION,
    });

    async function openOn(stage: string): Promise<{ socket: TestSocket; connectionId: string }> {
      const before = new Set(emulator.connections().map((c) => c.connectionId));
      const socket = await openSocket(emulator.wsUrl(stage));
      sockets.push(socket);
      const opened = emulator.connections().find((c) => !before.has(c.connectionId) && c.stage === stage);
      if (!opened) throw new Error('the emulator did not register the socket');
      return { socket, connectionId: opened.connectionId };
    }

    beforeAll(async () => {
      const handlers = {
        connect: async (event: WebSocketEvent) => {
          if (holdConnect) {
            connecting.set(event.requestContext.connectionId, holdConnect);
            await holdConnect;
          }
          return { statusCode: 200 };
        },
      };
      const common = {
        region: CONTRACT_REGION,
        credentials: CONTRACT_CREDENTIALS,
        connectionIdFactory: () => `Ab/+${String(++counter).padStart(8, '0')}Zz=`,
      };
      emulator = await startApiGatewayEmulator(handlers, { ...common, stages: ['dev', 'prod'] });
      throttled = await startApiGatewayEmulator({}, { ...common, stages: ['dev'], maxPostsPerSecond: 2 });
      sink = await startFakeManagementApi();
      subject = factory({ credentials: CONTRACT_CREDENTIALS, requestTimeoutMs: 2_000 });
      messenger = subject.messenger;
    });

    afterEach(() => {
      sink.reset();
      for (const socket of sockets.splice(0)) socket.ws.terminate();
    });

    afterAll(async () => {
      await subject.close();
      await Promise.all([emulator.stop(), throttled.stop(), sink.close()]);
    });

    describe('post', () => {
      it('should deliver the exact bytes to a socket whose id holds /, + and =, through its own stage', async () => {
        const { socket, connectionId } = await openOn('dev');
        expect(connectionId).toMatch(/\/.*\+.*=$/);

        const result = await messenger.post(endpointOf(emulator, 'dev'), connectionId, encoder.encode('{"hello":"wörld"} ✓'));

        expect(result).toEqual({ status: 'delivered' });
        expect(await socket.nextMessage()).toBe('{"hello":"wörld"} ✓');
      });

      it('should answer forbidden, naming the endpoint and region, when posting through another stage', async () => {
        const { socket, connectionId } = await openOn('dev');

        const result = await messenger.post(endpointOf(emulator, 'prod'), connectionId, encoder.encode('x'));

        expect(result.status).toBe('forbidden');
        expect(result.status === 'forbidden' && result.message).toContain(`${emulator.managementEndpoint('prod')}/@connections`);
        expect(result.status === 'forbidden' && result.message).toContain(CONTRACT_REGION);
        await expect(socket.nextMessage(200)).rejects.toThrow(/no message/);
      });

      it('should answer forbidden when the signature is made with the wrong secret', async () => {
        const { connectionId } = await openOn('dev');
        const impostor = factory({ credentials: { ...CONTRACT_CREDENTIALS, secretAccessKey: 'not-the-secret' }, requestTimeoutMs: 2_000 });
        try {
          const result = await impostor.messenger.post(endpointOf(emulator, 'dev'), connectionId, encoder.encode('x'));
          expect(result.status).toBe('forbidden');
          expect(result.status === 'forbidden' && result.message).toContain('InvalidSignatureException');
        } finally {
          await impostor.close();
        }
      });

      it('should answer gone for a connection id the API never issued', async () => {
        expect(await messenger.post(endpointOf(emulator, 'dev'), 'Zz/+neverIssued=', encoder.encode('x'))).toEqual({ status: 'gone' });
      });

      it('should answer gone while $connect is still running, and deliver once it returned', async () => {
        const held = gate();
        holdConnect = held.promise;
        const opening = openSocket(emulator.wsUrl('dev'));
        try {
          const deadline = Date.now() + 5_000;
          while (connecting.size === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
          const [connectionId] = [...connecting.keys()];
          expect(connectionId).toBeDefined();

          expect(await messenger.post(endpointOf(emulator, 'dev'), connectionId as string, encoder.encode('early'))).toEqual({ status: 'gone' });

          held.open();
          const socket = await opening;
          sockets.push(socket);
          expect(await messenger.post(endpointOf(emulator, 'dev'), connectionId as string, encoder.encode('now'))).toEqual({ status: 'delivered' });
          expect(await socket.nextMessage()).toBe('now');
        } finally {
          holdConnect = undefined;
          connecting.clear();
          held.open();
        }
      });

      it('should answer too_large for a payload over 131,072 bytes, and deliver one of exactly 131,072', async () => {
        const { socket, connectionId } = await openOn('dev');

        expect((await messenger.post(endpointOf(emulator, 'dev'), connectionId, new Uint8Array(131_073))).status).toBe('too_large');
        expect(await messenger.post(endpointOf(emulator, 'dev'), connectionId, new Uint8Array(131_072).fill(97))).toEqual({ status: 'delivered' });
        expect(String(await socket.nextMessage())).toHaveLength(131_072);
      });

      it('should answer throttled when the account rate is exceeded (429 LimitExceededException)', async () => {
        const connectionId = throttled.openVirtualConnection('dev');
        const results = [];
        for (let i = 0; i < 6; i += 1) results.push(await messenger.post(endpointOf(throttled, 'dev'), connectionId, encoder.encode('x')));

        const statuses = results.map((r) => r.status);
        expect(statuses).toContain('throttled');
        expect(statuses).toContain('delivered');
        const throttle = results.find((r) => r.status === 'throttled');
        expect(throttle?.status === 'throttled' && throttle.message).toContain('LimitExceededException');
        expect(throttled.virtualDeliveries(connectionId)).toBe(statuses.filter((s) => s === 'delivered').length);
      });

      const bare = [
        { status: 410, expected: { status: 'gone' } },
        { status: 403, expected: { status: 'forbidden' } },
        { status: 413, expected: { status: 'too_large' } },
        { status: 429, expected: { status: 'throttled' } },
        { status: 502, expected: { status: 'error', retryable: true, httpStatus: 502 } },
        { status: 400, expected: { status: 'error', retryable: false, httpStatus: 400 } },
      ] as const;
      for (const { status, expected } of bare) {
        it(`should map a bare ${status} without x-amzn-ErrorType to ${expected.status} by its status code`, async () => {
          sink.setBehaviour('c1', { status, errorTypeHeader: false });
          expect(await messenger.post(sinkEndpoint(), 'c1', encoder.encode('x'))).toMatchObject(expected);
        });
      }

      it('should map by x-amzn-ErrorType before the status code', async () => {
        sink.setBehaviour('c1', { status: 400, errorType: 'GoneException' });
        sink.setBehaviour('c2', { status: 400, errorType: 'LimitExceededException' });
        expect(await messenger.post(sinkEndpoint(), 'c1', encoder.encode('x'))).toEqual({ status: 'gone' });
        expect((await messenger.post(sinkEndpoint(), 'c2', encoder.encode('x'))).status).toBe('throttled');
      });

      it('should let the use case retry a 5xx until it is delivered, posting once per attempt', async () => {
        sink.setBehaviour('flaky', { status: 200, failFirst: { times: 2, status: 503 } });
        const repository = new InMemoryConnectionRepository();
        const clock = new ManualClock();
        await repository.save({
          connectionId: 'flaky',
          userId: 'u1',
          endpoint: sinkEndpoint(),
          connectedAt: clock.now(),
          expiresAt: Math.floor(clock.now() / 1000) + 7_200,
        });
        const notify = new NotifyUserUseCase(repository, messenger, clock, new MemoryLogger(), {
          concurrency: 1,
          backoff: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 },
          random: () => 0.5,
        });

        const report = await notify.execute({ userId: 'u1', message: 'hello' });

        expect(report.connections).toEqual([{ connectionId: 'flaky', status: 'delivered', attempts: 3 }]);
        expect(sink.requestsFor('flaky')).toHaveLength(3);
      });

      it('should give up on an answer slower than the request timeout with a retryable error', async () => {
        const impatient = factory({ credentials: CONTRACT_CREDENTIALS, requestTimeoutMs: 200 });
        try {
          sink.setBehaviour('slow', { status: 200, delayMs: 3_000 });
          const result = await impatient.messenger.post(sinkEndpoint(), 'slow', encoder.encode('x'));
          expect(result).toMatchObject({ status: 'error', retryable: true });
          expect(result.status === 'error' && result.message).toMatch(/timeout/i);
        } finally {
          await impatient.close();
        }
      });

      it('should return a retryable error without a status when nothing listens on the endpoint', async () => {
        const port = await refusedPort();
        const result = await messenger.post(sinkEndpoint(`http://127.0.0.1:${port}/dev`), 'c1', encoder.encode('x'));
        expect(result).toMatchObject({ status: 'error', retryable: true });
        expect(result.status === 'error' && result.message).toContain('ECONNREFUSED');
        expect(result.status === 'error' && result.httpStatus).toBeUndefined();
      });
    });

    describe('getConnection', () => {
      it('should find an open connection with its times and identity', async () => {
        const started = Date.now();
        const { connectionId } = await openOn('dev');

        const result = await messenger.getConnection(endpointOf(emulator, 'dev'), connectionId);

        expect(result.status).toBe('found');
        const details = result.status === 'found' ? result.connection : undefined;
        expect(details?.identity.sourceIp).toBe('127.0.0.1');
        expect(details?.connectedAt).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000);
        expect(details?.lastActiveAt).toBeGreaterThanOrEqual(details?.connectedAt ?? Number.POSITIVE_INFINITY);
      });

      it('should answer gone for an unknown id and forbidden through another stage', async () => {
        const { connectionId } = await openOn('dev');
        expect(await messenger.getConnection(endpointOf(emulator, 'dev'), 'Zz/+neverIssued=')).toEqual({ status: 'gone' });
        expect((await messenger.getConnection(endpointOf(emulator, 'prod'), connectionId)).status).toBe('forbidden');
      });

      it('should report a 500 as a retryable error', async () => {
        sink.setBehaviour('c1', { status: 500 });
        expect(await messenger.getConnection(sinkEndpoint(), 'c1')).toMatchObject({ status: 'error', retryable: true, httpStatus: 500 });
      });
    });

    describe('deleteConnection', () => {
      it('should close the socket with 1000, after which posts answer gone', async () => {
        const { socket, connectionId } = await openOn('dev');

        expect(await messenger.deleteConnection(endpointOf(emulator, 'dev'), connectionId)).toEqual({ status: 'deleted' });

        expect((await socket.closed()).code).toBe(1000);
        expect(await messenger.post(endpointOf(emulator, 'dev'), connectionId, encoder.encode('x'))).toEqual({ status: 'gone' });
        expect(await messenger.deleteConnection(endpointOf(emulator, 'dev'), connectionId)).toEqual({ status: 'gone' });
      });

      it('should refuse through another stage and leave the socket open', async () => {
        const { socket, connectionId } = await openOn('dev');
        expect((await messenger.deleteConnection(endpointOf(emulator, 'prod'), connectionId)).status).toBe('forbidden');
        expect(await messenger.post(endpointOf(emulator, 'dev'), connectionId, encoder.encode('still here'))).toEqual({ status: 'delivered' });
        expect(await socket.nextMessage()).toBe('still here');
      });

      it('should report a throttle as throttled', async () => {
        sink.setBehaviour('c1', { status: 429 });
        expect((await messenger.deleteConnection(sinkEndpoint(), 'c1')).status).toBe('throttled');
      });
    });
  });
}
