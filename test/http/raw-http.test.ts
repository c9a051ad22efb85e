import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { TEST_API_KEY } from '../support/core-config.js';
import { restFixture } from './rest-app.fixture.js';

/** Raw HTTP/1.1 over loopback: what a client sends that `app.inject` and `fetch` would refuse to send. */

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function listening(options: { requestTimeoutMs?: number; keepAliveTimeoutMs?: number } = {}) {
  const f = await restFixture({ app: options });
  app = f.app;
  await f.app.listen({ host: '127.0.0.1', port: 0 });
  const address = f.app.server.address();
  return { ...f, port: typeof address === 'object' && address ? address.port : 0 };
}

interface RawAnswer {
  /** Everything the server sent before it closed the connection. */
  text: string;
  status: number;
  body: Record<string, unknown> | undefined;
  closedAfterMs: number;
}

/** Sends `chunks` (written in order) and resolves when the server closes the connection. */
function exchange(port: number, chunks: string[], giveUpMs = 15_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket: Socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${giveUpMs} ms; received: ${text}`));
    }, giveUpMs);
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (text += d));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const json = text.slice(text.indexOf('\r\n\r\n') + 4);
      let body: Record<string, unknown> | undefined;
      try {
        body = JSON.parse(json.slice(json.indexOf('{'))) as Record<string, unknown>;
      } catch {
        body = undefined;
      }
      resolve({ text, status, body, closedAfterMs: Date.now() - started });
    });
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
    });
  });
}

const shape = (statusCode: number, code: string) => ({ statusCode, code, error: expect.any(String), message: expect.any(String) });

describe('raw HTTP errors answer in the documented error shape', () => {
  it('should answer 431 HEADERS_TOO_LARGE to an oversized header', async () => {
    const { port } = await listening();
    const answer = await exchange(port, [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]);
    expect(answer.status).toBe(431);
    expect(answer.body).toEqual(shape(431, 'HEADERS_TOO_LARGE'));
    expect(answer.text.toLowerCase()).toContain('x-content-type-options: nosniff');
  });

  it('should answer 400 MALFORMED_REQUEST to a malformed request line', async () => {
    const { port } = await listening();
    const answer = await exchange(port, ['GET /healthz HTTP/9 9 nonsense\r\n\r\n']);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(shape(400, 'MALFORMED_REQUEST'));
  });

  it('should answer 400 MALFORMED_REQUEST to a broken chunked body', async () => {
    const { port } = await listening();
    const head = `POST /notify HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_API_KEY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const answer = await exchange(port, [head, 'zz\r\n{"userId":\r\n0\r\n\r\n']);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(shape(400, 'MALFORMED_REQUEST'));
  });

  it('should answer 400 MALFORMED_REQUEST to Content-Length together with Transfer-Encoding', async () => {
    const { port } = await listening();
    const answer = await exchange(port, [
      `POST /notify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    ]);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(shape(400, 'MALFORMED_REQUEST'));
    expect(String(answer.body?.message)).toMatch(/Content-Length|Transfer-Encoding/);
  });
});

describe('timeouts', () => {
  it('should answer 408 and close a request whose body never arrives in full', async () => {
    const { port, messenger } = await listening({ requestTimeoutMs: 1_000 });
    const answer = await exchange(port, [
      `POST /notify HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_API_KEY}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"userId":"al`,
    ]);
    expect(answer.status).toBe(408);
    expect(answer.body).toEqual(shape(408, 'REQUEST_TIMEOUT'));
    expect(messenger.posts).toEqual([]);
  });

  it('should close a connection that never finishes its headers', async () => {
    const { port } = await listening({ requestTimeoutMs: 1_000 });
    const answer = await exchange(port, ['GET /healthz HTTP/1.1\r\nHost: x\r\n']);
    expect(answer.status).toBe(408);
  });

  it('should close an idle keep-alive connection after the keep-alive timeout', async () => {
    const { port } = await listening({ keepAliveTimeoutMs: 500 });
    const answer = await exchange(port, ['GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n']);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('{"status":"ok"}');
  });
});
