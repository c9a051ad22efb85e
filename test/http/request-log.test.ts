import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createPinoLogger } from '../../src/adapters/logging/pino.logger.js';
import { auth, restFixture } from './rest-app.fixture.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** The REST app logging through socketpost's pino options into a string. */
async function loggedApp() {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString('utf8');
      callback();
    },
  });
  const f = await restFixture({ app: { logger: createPinoLogger({ level: 'info', destination }).instance } });
  app = f.app;
  return { ...f, log: () => text };
}

describe('request logs', () => {
  it.each([
    '/notify?api_key=SECRET-KEY-IN-QUERY-0123',
    '/notify?token=SECRET-KEY-IN-QUERY-0123&x=1',
    '/notify?access_token=SECRET-KEY-IN-QUERY-0123#frag',
  ])('should log the path of %s without its query string', async (url) => {
    const f = await loggedApp();
    const res = await f.app.inject({ method: 'POST', url, headers: auth, payload: { userId: 'alice', message: 'hi' } });
    expect(res.statusCode).toBe(200);
    const log = f.log();
    expect(log).toContain('"url":"/notify"');
    expect(log).not.toContain('SECRET-KEY-IN-QUERY-0123');
  });

  it('should write one line per answered request, with its method, path, status and response time', async () => {
    const f = await loggedApp();
    await f.app.inject({ method: 'POST', url: '/notify', headers: auth, payload: { userId: 'alice', message: 'hi' } });
    await f.app.inject({ method: 'GET', url: '/nowhere' });
    const lines = f
      .log()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string; requestId?: string; req?: { method: string; url: string }; res?: { statusCode: number }; responseTime?: number });
    const requestLines = lines.filter((l) => l.req);
    expect(requestLines.map((l) => [l.msg, l.req?.method, l.req?.url, l.res?.statusCode])).toEqual([
      ['request completed', 'POST', '/notify', 200],
      ['request completed', 'GET', '/nowhere', 404],
    ]);
    for (const line of requestLines) {
      expect(typeof line.responseTime).toBe('number');
      expect(line.requestId).toBeTruthy();
    }
    expect(lines.some((l) => l.msg === 'incoming request')).toBe(false);
  });

  it('should keep the query out of the log of a refused request and of an unknown route too', async () => {
    const f = await loggedApp();
    await f.app.inject({ method: 'GET', url: '/users/alice/connections?api_key=SECRET-KEY-IN-QUERY-0123' });
    const notFound = await f.app.inject({ method: 'GET', url: '/nowhere?api_key=SECRET-KEY-IN-QUERY-0123' });
    expect(notFound.body).not.toContain('SECRET-KEY-IN-QUERY-0123');
    expect(f.log()).toContain('"url":"/users/alice/connections"');
    expect(f.log()).not.toContain('SECRET-KEY-IN-QUERY-0123');
  });

  it('should put the totals of a send report in its request line, mark a replay, and add none to other routes', async () => {
    const f = await loggedApp();
    await f.connect('c1', 'alice');
    const headers = { ...auth, 'idempotency-key': 'log-key-1' };
    await f.app.inject({ method: 'POST', url: '/notify', headers, payload: { userId: 'alice', message: 'hi' } });
    await f.app.inject({ method: 'POST', url: '/notify', headers, payload: { userId: 'alice', message: 'hi' } });
    await f.app.inject({ method: 'GET', url: '/users/alice/connections', headers: auth });
    const requestLines = f
      .log()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string; req?: { url: string }; report?: Record<string, unknown> })
      .filter((l) => l.msg === 'request completed');
    expect(requestLines.map((l) => [l.req?.url, l.report])).toEqual([
      ['/notify', { userId: 'alice', delivered: 1, gone: 0, failed: 0 }],
      ['/notify', { userId: 'alice', delivered: 1, gone: 0, failed: 0, replayed: true }],
      ['/users/alice/connections', undefined],
    ]);
    expect(f.log()).not.toContain('notify finished');
  });
});
