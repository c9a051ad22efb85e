import { describe, expect, it } from 'vitest';
import { createPinoLogger } from '../../src/adapters/logging/pino.logger.js';
import {
  createRequestContext,
  currentRequestContext,
  runWithRequestContext,
  saneRequestId,
  traceIdOf,
  traceIdOfAmznTrace,
} from '../../src/adapters/observability/request-context.js';
import { auth, restFixture } from '../http/rest-app.fixture.js';
import { captureLines } from '../support/log-capture.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

async function loggedFixture() {
  const { stream, lines } = captureLines();
  const logger = createPinoLogger({ level: 'info', destination: stream });
  const fixture = await restFixture({ logger, app: { logger: logger.instance } });
  return { ...fixture, lines };
}

describe('request correlation', () => {
  it('should carry the same request id on every log line of one notify, its posts included', async () => {
    const { app, connect, messenger, clock, lines } = await loggedFixture();
    await connect('c-ok', 'alice');
    await connect('c-gone', 'alice');
    await connect('c-403', 'alice', 'prod');
    clock.advance(10_000); // past the connect grace: a 410 is gone at once
    messenger.script('c-gone', { status: 'gone' });
    messenger.script('c-403', { status: 'forbidden', message: 'Forbidden' });

    const answer = await app.inject({
      method: 'POST',
      url: '/notify',
      headers: { ...auth, 'x-request-id': 'req-alice-0001', traceparent: TRACEPARENT },
      payload: { userId: 'alice', message: 'hi' },
    });

    expect(answer.statusCode).toBe(200);
    expect(answer.headers['x-request-id']).toBe('req-alice-0001');
    expect(answer.json()).toMatchObject({ requestId: 'req-alice-0001', delivered: 1, gone: 1, failed: 1 });
    const logged = lines();
    const messages = logged.map((line) => line.msg);
    // One request line per request (request-log.ts), written once it is answered, with the report's totals.
    expect(messages).toEqual(expect.arrayContaining(['post forbidden', 'request completed']));
    expect(logged.find((line) => line.msg === 'request completed')).toMatchObject({ report: { userId: 'alice', delivered: 1, gone: 1, failed: 1 } });
    for (const line of logged) {
      expect(line, String(line.msg)).toMatchObject({ requestId: 'req-alice-0001', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
    }
    await app.close();
  });

  it('should keep concurrent requests apart', async () => {
    const { app, connect, messenger, lines } = await loggedFixture();
    await connect('a1', 'alice');
    await connect('b1', 'bob');
    messenger.script('a1', { status: 'forbidden', message: 'Forbidden' });
    messenger.script('b1', { status: 'forbidden', message: 'Forbidden' });

    await Promise.all(
      ['alice', 'bob'].map((userId) =>
        app.inject({ method: 'POST', url: '/notify', headers: { ...auth, 'x-request-id': `req-${userId}` }, payload: { userId, message: 'hi' } }),
      ),
    );

    const finished = lines().filter((line) => line.msg === 'request completed' || line.msg === 'post forbidden');
    expect(finished).toHaveLength(4);
    for (const line of finished) {
      const userId = (line.report as { userId?: string } | undefined)?.userId ?? (line.connectionId === 'a1' ? 'alice' : 'bob');
      expect(line.requestId).toBe(`req-${String(userId)}`);
    }
    await app.close();
  });

  it('should replace a request id that is too long or unsafe with a generated one, and echo it', async () => {
    const { app } = await restFixture();
    for (const bad of ['x'.repeat(129), 'has space', 'semi;colon', '<script>']) {
      const answer = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': bad } });
      const echoed = answer.headers['x-request-id'];
      expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
      expect(echoed).not.toBe(bad);
    }
    const plain = await app.inject({ method: 'GET', url: '/healthz' });
    expect(plain.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await app.close();
  });

  it('should echo the request id on refusals too, and add it to the other send reports', async () => {
    const { app, connect } = await restFixture();
    const refused = await app.inject({ method: 'POST', url: '/notify', headers: { 'x-request-id': 'r-401' }, payload: {} });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['x-request-id']).toBe('r-401');
    const invalid = await app.inject({ method: 'POST', url: '/notify', headers: { ...auth, 'x-request-id': 'r-400' }, payload: {} });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.headers['x-request-id']).toBe('r-400');

    await connect('c1', 'alice');
    const one = await app.inject({ method: 'POST', url: '/connections/c1/messages', headers: { ...auth, 'x-request-id': 'r-one' }, payload: { message: 'hi' } });
    expect(one.json()).toMatchObject({ requestId: 'r-one', connectionId: 'c1', status: 'delivered' });
    const broadcast = await app.inject({ method: 'POST', url: '/broadcast', headers: { ...auth, 'x-request-id': 'r-all' }, payload: { message: 'hi' } });
    expect(broadcast.json()).toMatchObject({ requestId: 'r-all', delivered: 1 });
    const listed = await app.inject({ method: 'GET', url: '/users/alice/connections', headers: auth });
    expect(listed.json()).not.toHaveProperty('requestId');
    await app.close();
  });

  it('should accept only sane request ids and valid W3C traceparents', () => {
    expect(saneRequestId('01HV3K8Z9Q5W7X2Y4A6B8C0D1E')).toBe('01HV3K8Z9Q5W7X2Y4A6B8C0D1E');
    expect(saneRequestId('')).toBeUndefined();
    expect(saneRequestId(['a', 'b'])).toBeUndefined();
    expect(traceIdOf(TRACEPARENT)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceIdOf('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeUndefined();
    expect(traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01')).toBeUndefined();
    expect(traceIdOf('ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBeUndefined();
    expect(traceIdOf(`${TRACEPARENT}-extra`)).toBeUndefined();
    expect(traceIdOf('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceIdOf('00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01')).toBeUndefined();
    expect(traceIdOfAmznTrace('Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1')).toBe('5759e988bd862e3fe1be46a994272793');
    expect(traceIdOfAmznTrace('Self=1-67891234-12456789abcdef012345678;Root=1-nothex')).toBeUndefined();
  });

  it('should keep the context through timers and promises started inside it', async () => {
    const context = createRequestContext('r-async');
    const seen = await runWithRequestContext(context, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return currentRequestContext()?.requestId;
    });
    expect(seen).toBe('r-async');
    expect(currentRequestContext()).toBeUndefined();
  });
});
