import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RefreshingCredentialsSource } from '../../src/adapters/api-gateway/aws-credentials.source.js';
import { exchange, parseRawHeaders } from '../../src/adapters/api-gateway/undici-exchange.js';
import { Pool } from '../../src/adapters/api-gateway/undici-pool.js';

describe('exchange (one request through an undici pool, bare handler)', () => {
  let server: Server;
  let pool: Pool;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/ok') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"connectedAt":"2026-11-26T00:00:00Z"}');
        res.setHeader('x-amzn-ErrorType', 'LimitExceededException:http://internal.amazon.com/');
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.writeHead(429).end(`{"message":"${'x'.repeat(10_000)}"}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 2 });
  });
  afterAll(async () => {
    await pool.destroy();
    server.close();
  });

  it("should keep an error's headers, repeated ones as a list, and only the first characters of its body", async () => {
    const answer = await exchange(pool, { method: 'POST', path: '/throttled', body: 'x' }, { keepBody: (s) => s >= 300, maxBodyChars: 100 });
    expect(answer.status).toBe(429);
    expect(answer.headers['x-amzn-errortype']).toBe('LimitExceededException:http://internal.amazon.com/');
    expect(answer.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(answer.body).toBe(`{"message":"${'x'.repeat(88)}`);
  });

  it("should drop a success's body and headers unless asked for the body, and reuse the connection after either", async () => {
    const dropped = await exchange(pool, { method: 'POST', path: '/ok', body: 'x' }, { keepBody: (s) => s >= 300, maxBodyChars: 100 });
    expect(dropped).toEqual({ status: 200, headers: {}, body: '' });
    const kept = await exchange(pool, { method: 'GET', path: '/ok' }, { keepBody: () => true, maxBodyChars: 100 });
    expect(kept.body).toBe('{"connectedAt":"2026-11-26T00:00:00Z"}');
  });

  it('should reject when nothing listens', async () => {
    const closed = new Pool('http://127.0.0.1:1', { connections: 1 });
    try {
      await expect(exchange(closed, { method: 'GET', path: '/' }, { keepBody: () => true, maxBodyChars: 10 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await closed.destroy();
    }
  });

  it('should parse raw headers given as strings too, names lower-cased, a name given three times as one list', () => {
    expect(parseRawHeaders(['Retry-After', '3', 'X-A', '1', 'x-a', '2', 'X-a', '3'])).toEqual({ 'retry-after': '3', 'x-a': ['1', '2', '3'] });
    expect(parseRawHeaders(null)).toEqual({});
  });

  it('should read header bytes as latin1, as HTTP defines them, and ignore a name without a value', () => {
    expect(parseRawHeaders([Buffer.from('X-B'), Buffer.from([0x61, 0xe9]), Buffer.from('X-Dangling')])).toEqual({ 'x-b': 'a\u00e9' });
  });

  it('should read an error body that comes in many small chunks up to maxBodyChars characters', async () => {
    // A dispatcher that hands the handler fifty 100-byte chunks, as a slow network would.
    const chunked = {
      dispatch(_request: unknown, handler: Dispatcher.DispatchHandler) {
        handler.onHeaders?.(500, [], () => undefined, '');
        for (let i = 0; i < 50; i += 1) handler.onData?.(Buffer.alloc(100, 'y'));
        handler.onComplete?.([]);
        return true;
      },
    } as unknown as Dispatcher;
    const answer = await exchange(chunked, { method: 'POST', path: '/' }, { keepBody: () => true, maxBodyChars: 1_000 });
    expect(answer).toEqual({ status: 500, headers: {}, body: 'y'.repeat(1_000) });
  });
});

describe('RefreshingCredentialsSource.current', () => {
  it('should hand out cached credentials at once only while they are outside the refresh window', async () => {
    let now = 0;
    const keys = { accessKeyId: 'AKIDNOW', secretAccessKey: 's', expiration: new Date(600_000) };
    const source = new RefreshingCredentialsSource(() => Promise.resolve(keys), { refreshBeforeMs: 300_000, now: () => now });
    expect(source.current()).toBeUndefined(); // nothing fetched yet
    await source.get();
    expect(source.current()).toBe(keys);
    now = 300_001; // inside the refresh window: get() has a refresh to start
    expect(source.current()).toBeUndefined();
  });

  it('should hand out credentials without an expiry at once, for as long as they are used', async () => {
    const keys = { accessKeyId: 'AKIDSTATIC', secretAccessKey: 's' };
    const source = new RefreshingCredentialsSource(() => Promise.resolve(keys), { refreshBeforeMs: 300_000, now: () => Number.MAX_SAFE_INTEGER });
    await source.get();
    expect(source.current()).toBe(keys);
  });
});
